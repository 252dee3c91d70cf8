// An IVR flow's definition as the admin console lists it: one row per node, in the order the
// definition declares them, with what the node does and where it leads, as translation keys
// and their values (the page says them in its language). Pure: a draft may be incomplete, so
// a node the schema refuses is still listed (its type, if any), marked incomplete, with no edges.
import { edgesOf } from '../../../ivr/flow-graph.js';
import { flowNode, type FlowNode } from '../../../ivr/ivr.schemas.js';

import type { Phrase } from './phrase.js';

export type { Phrase };
export interface OutlineEdge { via: Phrase; target: string; exists: boolean }
export interface OutlineRow { id: string; type: string; entry: boolean; name: string; complete: boolean; what: Phrase[]; edges: OutlineEdge[] }
export interface Outline { entry: string; entryExists: boolean; rows: OutlineRow[]; error?: Phrase }

const NS = 'admin.ivr.outline';

/** What a prompt reference plays, or nothing. */
function prompt(ref: unknown, key = 'prompt'): Phrase[] {
  if (!ref || typeof ref !== 'object') return [];
  const r = ref as { sound?: string; prompt?: string; text?: string };
  if (typeof r.text === 'string') return [{ key: `${NS}.${key}Text`, params: { text: r.text } }];
  if (typeof r.sound === 'string') return [{ key: `${NS}.${key}Sound`, params: { name: r.sound } }];
  if (typeof r.prompt === 'string') return [{ key: `${NS}.${key}Library`, params: { name: r.prompt } }];
  return [];
}

function what(n: FlowNode): Phrase[] {
  const p = (key: string, params?: Phrase['params']): Phrase => ({ key: `${NS}.${key}`, params });
  switch (n.type) {
    case 'play':
      return [...prompt(n.prompt), ...(n.say ? [p(`say.${n.say.kind}`, { value: n.say.value })] : [])];
    case 'menu':
      return [...prompt(n.prompt), p('menuWait', { seconds: n.timeoutMs / 1000, retries: n.retries })];
    case 'collect':
      return [...prompt(n.prompt), p('collect', { min: n.minDigits, max: n.maxDigits, variable: n.variable })];
    case 'lookup':
      return [p(n.source === 'crm' ? 'lookupCrm' : 'lookupHttp', { into: n.into, url: n.url ?? '' })];
    case 'condition':
      return n.branches.map((b, i) => p('branch', { n: i + 1, variable: b.when.variable, op: b.when.op, value: b.when.value === undefined ? '' : JSON.stringify(b.when.value) }));
    case 'hours':
      return [p('hours', { timezone: n.timezone, holidays: n.holidays.length })];
    case 'set':
      return [p('set', { names: Object.keys(n.variables).join(', ') })];
    case 'transfer':
      return [...prompt(n.prompt), p('transfer', { target: n.target })];
    case 'queue':
      return [...prompt(n.prompt), p('queue', { queue: n.queue })];
    case 'voicemail':
      return [...prompt(n.prompt), p('voicemail', { mailbox: n.mailbox, seconds: n.maxSeconds })];
    case 'fax':
      return [p(n.queue ? 'faxTo' : 'fax', { queue: n.queue ?? '' })];
    case 'hangup':
      return [...prompt(n.prompt), p('hangup')];
    case 'subflow':
      return [p('subflow', { flow: n.flow })];
    case 'return':
      return [p('return')];
  }
}

/** How an edge is taken, from its field in the node (`options.3`, `branches.1.next`, `next` …). */
export function via(field: string): Phrase {
  const option = /^options\.(.+)$/.exec(field);
  if (option) return { key: `${NS}.via.option`, params: { key: option[1] } };
  const branch = /^branches\.(\d+)\.next$/.exec(field);
  if (branch) return { key: `${NS}.via.branch`, params: { n: Number(branch[1]) + 1 } };
  return { key: `${NS}.via.${field}` };
}

export function outline(definition: unknown): Outline {
  const d = definition as { entry?: unknown; nodes?: unknown } | null;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return { entry: '', entryExists: false, rows: [], error: { key: `${NS}.notObject` } };
  const nodes = d.nodes && typeof d.nodes === 'object' && !Array.isArray(d.nodes) ? (d.nodes as Record<string, unknown>) : {};
  const entry = typeof d.entry === 'string' ? d.entry : '';
  const rows = Object.entries(nodes).map(([id, raw]): OutlineRow => {
    const type = raw && typeof raw === 'object' && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type : '';
    const name = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : '';
    const parsed = flowNode.safeParse(raw);
    if (!parsed.success) return { id, type, entry: id === entry, name, complete: false, what: [], edges: [] };
    const edges = edgesOf(parsed.data).map((e) => ({ via: via(e.field), target: e.target, exists: Object.hasOwn(nodes, e.target) }));
    return { id, type, entry: id === entry, name, complete: true, what: what(parsed.data), edges };
  });
  return { entry, entryExists: Object.hasOwn(nodes, entry), rows, ...(d.nodes === undefined ? { error: { key: `${NS}.noNodes` } } : {}) };
}

/** A node of `type` to start from: its required fields, with edges and texts left for the admin to fill. */
export function nodeTemplate(type: string, text: string): Record<string, unknown> {
  const say = { text };
  switch (type) {
    case 'play': return { type, prompt: say, next: '' };
    case 'menu': return { type, prompt: say, options: { 1: '' }, timeoutMs: 5000, retries: 2, onExhausted: '' };
    case 'collect': return { type, prompt: say, variable: 'entered', minDigits: 1, maxDigits: 8, terminator: '#', timeoutMs: 5000, retries: 2, next: '', onExhausted: '' };
    case 'lookup': return { type, source: 'crm', by: 'caller', into: 'customer', found: '', notFound: '' };
    case 'condition': return { type, branches: [{ when: { variable: 'customer.id', op: 'exists' }, next: '' }], else: '' };
    case 'hours': return { type, timezone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] }, holidays: [], open: '', closed: '' };
    case 'set': return { type, variables: { name: 'value' }, next: '' };
    case 'transfer': return { type, target: '' };
    case 'queue': return { type, queue: '' };
    case 'voicemail': return { type, mailbox: '', maxSeconds: 120 };
    case 'fax': return { type };
    case 'hangup': return { type, prompt: say };
    case 'subflow': return { type, flow: '', next: '' };
    default: return { type: 'return' };
  }
}

/** The node types, in the order the admin picks from. */
export const NODE_TYPES = ['play', 'menu', 'collect', 'lookup', 'condition', 'hours', 'set', 'queue', 'transfer', 'voicemail', 'fax', 'hangup', 'subflow', 'return'] as const;

/** A node type the editor knows (each has a node form). */
export const isNodeType = (type: string): boolean => (NODE_TYPES as readonly string[]).includes(type);

/** A fresh node id for `type`: the type and the first free number (play1, play2 …). */
export function freshId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${type}${i}`)) return `${type}${i}`;
}

/** The fields of a node that name another node (menu keys and branches apart). */
const EDGE_FIELDS = ['next', 'onExhausted', 'found', 'notFound', 'onError', 'else', 'open', 'closed', 'noAgents'];

/**
 * `def` with node `from` renamed `to`: the key keeps its place among the nodes, and the entry and
 * every edge that led to `from` (complete nodes or not) lead to `to`. Pure: `def` is not changed.
 */
export function renameNode<T>(def: T, from: string, to: string): T {
  const d = JSON.parse(JSON.stringify(def)) as { entry?: unknown; nodes?: Record<string, Record<string, unknown>> };
  if (!d.nodes || !Object.hasOwn(d.nodes, from) || from === to) return d as T;
  d.nodes = Object.fromEntries(Object.entries(d.nodes).map(([id, n]) => [id === from ? to : id, n]));
  if (d.entry === from) d.entry = to;
  for (const n of Object.values(d.nodes)) {
    if (!n || typeof n !== 'object') continue;
    for (const f of EDGE_FIELDS) if (n[f] === from) n[f] = to;
    const options = n.options as Record<string, unknown> | undefined;
    if (options && typeof options === 'object') for (const k of Object.keys(options)) if (options[k] === from) options[k] = to;
    if (Array.isArray(n.branches)) for (const b of n.branches as Array<Record<string, unknown>>) if (b && b.next === from) b.next = to;
  }
  return d as T;
}
