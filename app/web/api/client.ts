// The one HTTP client of the console: JSON in and out, the session token on every request,
// and every failure as an ApiError the page can show (a 4xx with the server's own message,
// a 5xx or a network failure as a readable notice — never a thrown blank page).
import { session } from '../session/session';

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** Field-level problems from a validation error, as "field: message" lines. */
  get fieldMessages(): string[] {
    if (!Array.isArray(this.details)) return [];
    return (this.details as Array<{ field?: string; path?: string; message?: string }>).map((d) => `${d.field ?? d.path ?? ''}${d.field || d.path ? ': ' : ''}${d.message ?? ''}`);
  }
}

/** A refused request's field problems as form-field → message (the field's first path segment),
 *  for showing under each form field; empty when the error names no fields. */
export function serverFieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return out;
  for (const d of err.details as Array<{ field?: string; message?: string }>) {
    const key = String(d.field ?? '').split('.')[0];
    if (key && !(key in out)) out[key] = d.message ?? '';
  }
  return out;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { query?: Query; anonymous?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.token.value;
  if (token && !opts.anonymous) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  let json: any = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = json?.error as { code?: string; message?: string; details?: unknown } | undefined;
    const e = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, err?.details);
    if (res.status === 401 && token && !opts.anonymous) session.expired();
    throw e;
  }
  return json as T;
}

/**
 * A request whose body or answer is not JSON (an uploaded file, a PDF, an image): the same token
 * and the same ApiError on failure; resolves with the answer's bytes.
 */
export async function requestBytes(method: string, path: string, opts: { query?: Query; body?: Blob } = {}): Promise<Blob> {
  const headers: Record<string, string> = {};
  const token = session.token.value;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body) headers['content-type'] = opts.body.type || 'application/octet-stream';
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body: opts.body });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (!res.ok) {
    let err: { code?: string; message?: string; details?: unknown } | undefined;
    try {
      err = ((await res.json()) as { error?: typeof err }).error;
    } catch {
      err = undefined;
    }
    if (res.status === 401 && token) session.expired();
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return res.blob();
}

/** The refusal in a non-2xx answer (the server's JSON error when there is one; else the status text). */
async function refusal(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  try {
    body = await res.json();
  } catch {
    body = undefined; // not JSON (a proxy's page): the status text is the message
  }
  return new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? res.statusText, body?.error?.details);
}

/** Downloads what the server builds (an .xlsx) under `file`; its 4xx as an ApiError. */
export async function download(path: string, q: Record<string, string>, file: string): Promise<void> {
  const res = await fetch(withQuery(path, q), { headers: { authorization: `Bearer ${session.token.value ?? ''}` } }).catch(() => {
    throw new ApiError(0, 'network', 'network');
  });
  if (!res.ok) throw await refusal(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sends a file as the raw body (its type as the Content-Type) and reads the JSON answer. */
export async function upload<T>(path: string, file: Blob, type: string, query?: Query, method: 'POST' | 'PUT' = 'POST'): Promise<T> {
  const token = session.token.value;
  const res = await fetch(withQuery(path, query), { method, headers: { 'content-type': type, accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: file }).catch(() => {
    throw new ApiError(0, 'network', 'network');
  });
  if (!res.ok) {
    if (res.status === 401 && token) session.expired();
    throw await refusal(res);
  }
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
