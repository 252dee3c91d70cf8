// A tiny JSON client for Hotline's API in tests. Requests carry the token of the Hotline
// they go to (startHotline signs in as the bootstrap admin), unless another is given.
const tokens = new Map<string, string>();

export function rememberToken(base: string, token: string): void {
  tokens.set(base, token);
}

/** The token requests to `base` carry (for a raw fetch: an upload's body is the file itself). */
export function tokenOf(base: string): string | undefined {
  return tokens.get(base);
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function api<T = any>(base: string, method: string, path: string, body?: unknown, token: string | null | undefined = tokens.get(base)): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // JSON answers are parsed; anything else (an .xlsx, a .wav) comes back as bytes.
  if (!(res.headers.get('content-type') ?? '').includes('json')) return { status: res.status, body: Buffer.from(await res.arrayBuffer()) as T };
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates (or replaces the draft of) a flow, publishes it and maps numbers to it. */
export async function publishFlow(base: string, name: string, definition: unknown, numbers: string[] = []): Promise<number> {
  const created = await api(base, 'POST', '/api/ivr/flows', { name, definition });
  if (created.status === 409) {
    const saved = await api(base, 'PUT', `/api/ivr/flows/${name}/draft`, { definition });
    if (saved.status !== 200) throw new Error(`saving draft of ${name}: ${saved.status} ${JSON.stringify(saved.body)}`);
  } else if (created.status !== 201) {
    throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const published = await api(base, 'POST', `/api/ivr/flows/${name}/publish`);
  if (published.status !== 200) throw new Error(`publishing ${name}: ${published.status} ${JSON.stringify(published.body)}`);
  for (const number of numbers) {
    const mapped = await api(base, 'PUT', `/api/ivr/numbers/${number}`, { flow: name });
    if (mapped.status !== 200) throw new Error(`mapping ${number}: ${mapped.status} ${JSON.stringify(mapped.body)}`);
  }
  return published.body.version as number;
}
