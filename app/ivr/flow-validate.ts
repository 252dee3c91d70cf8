// Validates an IVR flow definition: first the zod schemas (every issue becomes a problem naming
// the node and field), then the graph: dangling edges, unreachable nodes, silent loops, bad
// regular expressions, hours, subflows and prompts. Pure: the library lookups come in `ctx`.
import { flowDefinition, flowNode, type FlowDefinition, type FlowNode, type PromptRef } from './ivr.schemas.js';
import { edgesOf, promptUsesOf } from './flow-graph.js';

export interface FlowProblem {
  /** The node id the problem belongs to; null for the flow itself (entry, fallback ...). */
  node: string | null;
  /** Path inside the node (or the flow when node is null), e.g. `options.3`, `weekly.mon.0`. */
  field?: string;
  message: string;
}

export interface FlowContext {
  promptExists(ref: PromptRef): boolean;
  flowExists(name: string): boolean;
  /** The name this flow is saved under: a subflow node may not call it. */
  selfName?: string;
}

export type FlowValidation = { ok: true; flow: FlowDefinition } | { ok: false; problems: FlowProblem[] };

const NODE_TYPES: Array<[string, string[]]> = flowNode.options.map((s) => [s.shape.type.value, Object.keys(s.shape)]);
const FIELDS = new Map(NODE_TYPES);
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function validateFlow(input: unknown, ctx: FlowContext): FlowValidation {
  const parsed = flowDefinition.safeParse(input);
  if (!parsed.success) {
    const raw = (input as { nodes?: unknown } | null)?.nodes;
    const ids = raw !== null && typeof raw === 'object' ? Object.keys(raw) : [];
    const problems = parsed.error.issues.map((i) => issueProblem(i as unknown as Issue, input));
    return { ok: false, problems: ordered(problems, ids) };
  }
  const problems = graphProblems(parsed.data, ctx);
  return problems.length === 0 ? { ok: true, flow: parsed.data } : { ok: false, problems };
}

// ---- schema issues ----------------------------------------------------------------------

type Issue = { code: string; path: PropertyKey[]; message: string; [k: string]: unknown };

function issueProblem(issue: Issue, input: unknown): FlowProblem {
  const { path, message } = describe(issue, issue.path.map(String), input);
  const inNode = path[0] === 'nodes' && path.length >= 2;
  const node = inNode ? path[1] : null;
  const field = (inNode ? path.slice(2) : path).join('.');
  return field === '' ? { node, message } : { node, field, message };
}

function describe(issue: Issue, path: string[], input: unknown): { path: string[]; message: string } {
  const value = valueAt(input, path);
  const last = path[path.length - 1] ?? 'value';
  const at = (message: string) => ({ path, message });
  switch (issue.code) {
    case 'invalid_type':
      return at(value === undefined ? `${last} is required (${issue.expected})` : `${last} must be ${issue.expected}, got ${kind(value)}`);
    case 'invalid_union': {
      if (issue.discriminator === 'type') {
        const types = (issue.options as string[]).join(', ');
        return at(value === undefined ? `node type is missing; the types are: ${types}` : `unknown node type ${JSON.stringify(value)}; the types are: ${types}`);
      }
      const branches = (issue.errors as Issue[][] | undefined) ?? [];
      const fitting = branches.filter((b) => b.every((i) => i.code !== 'unrecognized_keys' && i.code !== 'invalid_type'));
      if (fitting.length === 1 && fitting[0].length > 0) {
        const inner = fitting[0][0];
        return describe(inner, [...path, ...inner.path.map(String)], input);
      }
      if (/prompt$/i.test(last)) return at(`${last} must be exactly one of {"sound": name}, {"prompt": library name} or {"text": words}`);
      if (branches.length > 0 && branches.every((b) => b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0)) {
        return at(`${last} must be ${branches.map((b) => b[0].expected).join(' or ')}, got ${kind(value)}`);
      }
      return at(`${last} does not match any allowed form`);
    }
    case 'invalid_key': {
      const inner = ((issue.issues as Issue[] | undefined) ?? [])[0]?.message ?? issue.message;
      if (path.length === 2 && path[0] === 'nodes') return at(`"${last}" is not a valid node id: ${inner}`);
      return at(`key "${last}" in ${path[path.length - 2] ?? 'the flow'} is not valid: ${inner}`);
    }
    case 'unrecognized_keys': {
      const keys = (issue.keys as string[]).map((k) => `"${k}"`).join(', ');
      const type = (value as { type?: unknown } | undefined)?.type;
      const allowed = path.length === 2 && path[0] === 'nodes' && typeof type === 'string' ? FIELDS.get(type) : undefined;
      return at(`unknown field ${keys}${allowed ? `; a ${type} node has: ${allowed.join(', ')}` : ''}`);
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const word = issue.inclusive === false ? (small ? 'more than' : 'less than') : small ? 'at least' : 'at most';
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return at(`${last} must ${issue.origin === 'array' ? 'have' : 'be'} ${word} ${String(bound)}${unit}`);
    }
    case 'invalid_value':
      return at(`${last} must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
    case 'invalid_format':
      return at(`${JSON.stringify(value)} is not valid for ${last}: ${issue.message}`);
    default:
      return at(`${last}: ${issue.message}`);
  }
}

function valueAt(input: unknown, path: string[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Flow-level problems first, then by the node's position in the definition (stable otherwise). */
function ordered(problems: FlowProblem[], ids: string[]): FlowProblem[] {
  const rank = new Map(ids.map((id, i) => [id, i + 1]));
  const r = (p: FlowProblem) => (p.node === null ? 0 : (rank.get(p.node) ?? ids.length + 1));
  return problems.map((p, i) => ({ p, i })).sort((a, b) => r(a.p) - r(b.p) || a.i - b.i).map((x) => x.p);
}

// ---- graph checks -----------------------------------------------------------------------

function graphProblems(flow: FlowDefinition, ctx: FlowContext): FlowProblem[] {
  const ids = Object.keys(flow.nodes);
  const exists = (id: string) => Object.hasOwn(flow.nodes, id);
  const buckets = new Map<string | null, FlowProblem[]>([[null, []], ...ids.map((id): [string, FlowProblem[]] => [id, []])]);
  const add = (node: string | null, message: string, field?: string) =>
    buckets.get(node)!.push(field === undefined ? { node, message } : { node, field, message });

  const entryOk = exists(flow.entry);
  if (!entryOk) add(null, `entry "${flow.entry}" does not exist`, 'entry');
  if (flow.fallback.prompt) {
    const m = missingPrompt(flow.fallback.prompt, ctx);
    if (m) add(null, m, 'fallback.prompt');
  }
  const reachable = entryOk ? reach(flow, flow.entry) : null;

  for (const id of ids) {
    const node = flow.nodes[id];
    if (reachable && !reachable.has(id)) add(id, `"${id}" cannot be reached from the entry "${flow.entry}"`);
    for (const e of edgesOf(node)) {
      if (!exists(e.target)) add(id, `${e.label} points at "${e.target}", which does not exist`, e.field);
    }
    for (const [field, message] of nodeChecks(node, ctx)) add(id, message, field);
    for (const u of promptUsesOf(node)) {
      const m = missingPrompt(u.ref, ctx);
      if (m) add(id, m, u.field);
    }
  }
  if (reachable) {
    for (const cycle of silentCycles(flow, ids, reachable)) {
      add(cycle[0], `a loop that a caller who presses nothing can never leave: ${[...cycle, cycle[0]].join(' -> ')}`);
    }
  }
  return [...buckets.values()].flat();
}

function missingPrompt(ref: PromptRef, ctx: FlowContext): string | null {
  if ('text' in ref || ctx.promptExists(ref)) return null;
  return 'sound' in ref ? `sound "${ref.sound}" does not exist` : `prompt "${ref.prompt}" does not exist in the prompt library`;
}

function reach(flow: FlowDefinition, entry: string): Set<string> {
  const seen = new Set([entry]);
  const todo = [entry];
  while (todo.length > 0) {
    for (const e of edgesOf(flow.nodes[todo.pop()!])) {
      if (Object.hasOwn(flow.nodes, e.target) && !seen.has(e.target)) {
        seen.add(e.target);
        todo.push(e.target);
      }
    }
  }
  return seen;
}

/**
 * Cycles made only of edges a silent caller follows, among reachable nodes. Iterative DFS (no
 * depth limit); one cycle per back edge (so each is distinct), rotated to start at its earliest
 * node in the definition.
 */
function silentCycles(flow: FlowDefinition, ids: string[], reachable: Set<string>): string[][] {
  const order = new Map(ids.map((id, i) => [id, i]));
  const silent = (id: string) => [
    ...new Set(edgesOf(flow.nodes[id]).filter((e) => !e.input && Object.hasOwn(flow.nodes, e.target)).map((e) => e.target)),
  ];
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  for (const start of ids) {
    if (!reachable.has(start) || state.has(start)) continue;
    const path = [start];
    const frames = [{ id: start, next: silent(start), i: 0 }];
    state.set(start, 'open');
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.i >= f.next.length) {
        state.set(f.id, 'done');
        frames.pop();
        path.pop();
        continue;
      }
      const t = f.next[f.i++];
      const s = state.get(t);
      if (s === undefined) {
        state.set(t, 'open');
        path.push(t);
        frames.push({ id: t, next: silent(t), i: 0 });
      } else if (s === 'open') {
        const loop = path.slice(path.indexOf(t));
        const first = loop.reduce((best, n, i) => (order.get(n)! < order.get(loop[best])! ? i : best), 0);
        cycles.push([...loop.slice(first), ...loop.slice(0, first)]);
      }
    }
  }
  return cycles;
}

function nodeChecks(node: FlowNode, ctx: FlowContext): Array<[string | undefined, string]> {
  const out: Array<[string | undefined, string]> = [];
  switch (node.type) {
    case 'play':
      if (!node.prompt && !node.say) out.push([undefined, 'a play node needs a prompt or a say']);
      break;
    case 'menu':
      if (Object.keys(node.options).length === 0) out.push(['options', 'a menu needs at least one option']);
      break;
    case 'collect': {
      if (node.minDigits > node.maxDigits) out.push(['minDigits', `minDigits (${node.minDigits}) is more than maxDigits (${node.maxDigits})`]);
      const bad = node.pattern === undefined ? null : regexProblem(node.pattern);
      if (bad) out.push(['pattern', `pattern ${bad}`]);
      break;
    }
    case 'condition':
      node.branches.forEach(({ when }, i) => {
        const field = `branches.${i}.when.value`;
        const v = when.value;
        if (when.op === 'exists' || when.op === 'missing') return;
        if (v === undefined) out.push([field, `branch ${i + 1}: op "${when.op}" needs a value`]);
        else if (when.op === 'matches') {
          const bad = typeof v === 'string' ? regexProblem(v) : 'must be a regular expression (a string)';
          if (bad) out.push([field, `branch ${i + 1}: "matches" value ${bad}`]);
        } else if (when.op === 'in' && !Array.isArray(v)) out.push([field, `branch ${i + 1}: op "in" needs a list of values`]);
        else if ((when.op === 'gt' || when.op === 'lt') && (Array.isArray(v) || v === '' || !Number.isFinite(Number(v)))) {
          out.push([field, `branch ${i + 1}: op "${when.op}" needs a number`]);
        }
      });
      break;
    case 'lookup':
      if (node.source === 'http' && !node.url) out.push(['url', 'a lookup with source "http" needs a url']);
      if (node.by === 'variable' && !node.variable) out.push(['variable', 'a lookup by "variable" needs a variable']);
      break;
    case 'hours': {
      try {
        new Intl.DateTimeFormat('en', { timeZone: node.timezone });
      } catch {
        out.push(['timezone', `unknown timezone "${node.timezone}" (use an IANA name such as Asia/Shanghai)`]);
      }
      for (const d of DAYS) {
        (node.weekly[d] ?? []).forEach(([start, end], i) => {
          if (start >= end) out.push([`weekly.${d}.${i}`, `${d} interval ${i + 1}: start ${start} is not before end ${end}`]);
        });
      }
      node.holidays.forEach((h, i) => {
        const t = new Date(`${h}T00:00:00Z`);
        if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== h) out.push([`holidays.${i}`, `holiday ${h} is not a real date`]);
      });
      break;
    }
    case 'subflow':
      if (ctx.selfName !== undefined && node.flow === ctx.selfName) out.push(['flow', `a flow cannot call itself as a subflow ("${node.flow}")`]);
      else if (!ctx.flowExists(node.flow)) out.push(['flow', `subflow "${node.flow}" does not exist`]);
      break;
    default:
      break;
  }
  return out;
}

/** Why a regular expression is unsafe or broken, or null when it is fine. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > 200) return 'is longer than 200 characters';
  try {
    new RegExp(pattern);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
  if (hasNestedQuantifier(pattern)) return `has a nested quantifier such as (a+)+, which can make matching take forever`;
  return null;
}

/** *, +, {n,} or {n,m} with m >= 2, at lastIndex. */
const REPEAT = /[*+]|\{\d+,(?:[2-9]|\d{2,})?\}/y;

/** Heuristic: a repeated group (+, *, {n,}) that itself contains a repeating quantifier. */
function hasNestedQuantifier(p: string): boolean {
  const groups: boolean[] = []; // per open group: does it contain a repeating quantifier?
  let afterRepeatingGroup = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    const wasAfter = afterRepeatingGroup;
    afterRepeatingGroup = false;
    if (c === '\\') i++;
    else if (c === '[') for (i++; i < p.length && p[i] !== ']'; i++) i += p[i] === '\\' ? 1 : 0;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      afterRepeatingGroup = groups.pop() ?? false;
      if (afterRepeatingGroup && groups.length > 0) groups[groups.length - 1] = true;
    } else if (((REPEAT.lastIndex = i), REPEAT.test(p))) {
      if (wasAfter) return true;
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
  }
  return false;
}
