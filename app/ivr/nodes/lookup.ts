import type { NodeHandler, Runtime } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';
import { render } from '../template.js';

type Lookup = Extract<FlowNode, { type: 'lookup' }>;

async function httpLookup(url: string, timeoutMs: number): Promise<Record<string, string> | null> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`lookup answered HTTP ${res.status}`);
  const body = (await res.json()) as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) fields[k] = String(v);
  }
  return fields;
}

function key(node: Lookup, rt: Runtime): string {
  return node.by === 'variable' ? (rt.vars[node.variable!] ?? '') : (rt.vars.caller ?? '');
}

/** Finds the caller (CRM, or an HTTP endpoint); the result's fields become `<into>.<field>`. */
export const lookup: NodeHandler<Lookup> = {
  async exec(node, rt) {
    let found: Record<string, string> | null;
    try {
      if (node.source === 'crm') {
        if (!rt.customers) throw new Error('no customer directory');
        found = await withTimeout(rt.customers.findByPhone(key(node, rt)), node.timeoutMs);
      } else {
        found = await httpLookup(render(node.url!, { ...rt.vars, key: key(node, rt) }, encodeURIComponent), node.timeoutMs);
      }
    } catch (err) {
      rt.log.warn({ err: (err as Error).message, source: node.source }, 'lookup failed');
      return { next: node.onError ?? node.notFound };
    }
    if (!found) return { next: node.notFound };
    for (const [k, v] of Object.entries(found)) rt.vars[`${node.into}.${k}`] = v;
    return { next: node.found };
  },
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`lookup timed out after ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e: unknown) => (clearTimeout(t), reject(e as Error)));
  });
}
