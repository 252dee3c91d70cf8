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
  /** What kind of problem (stable; the console words it in its language from `code` and `params`). Absent for rare forms. */
  code?: string;
  params?: Record<string, string | number>;
}

type Coded = { code?: string; params?: Record<string, string | number> };
const coded = (code: string, params?: Record<string, string | number>): Coded => (params ? { code, params } : { code });

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
  const { path, message, ...kind } = describe(issue, issue.path.map(String), input);
  const inNode = path[0] === 'nodes' && path.length >= 2;
  const node = inNode ? path[1] : null;
  const field = (inNode ? path.slice(2) : path).join('.');
  return field === '' ? { node, message, ...kind } : { node, field, message, ...kind };
}

function describe(issue: Issue, path: string[], input: unknown): { path: string[]; message: string } & Coded {
  const value = valueAt(input, path);
  const last = path[path.length - 1] ?? 'value';
  const at = (message: string, how: Coded = {}) => ({ path, message, ...how });
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? at(`${last} is required (${issue.expected})`, coded('required', { field: last }))
        : at(`${last} must be ${issue.expected}, got ${kind(value)}`, coded('wrong_type', { field: last, expected: String(issue.expected), got: kind(value) }));
    case 'invalid_union': {
      if (issue.discriminator === 'type') {
        const types = (issue.options as string[]).join(', ');
        return value === undefined
          ? at(`node type is missing; the types are: ${types}`, coded('type_missing', { types }))
          : at(`unknown node type ${JSON.stringify(value)}; the types are: ${types}`, coded('type_unknown', { value: JSON.stringify(value), types }));
      }
      const branches = (issue.errors as Issue[][] | undefined) ?? [];
      const fitting = branches.filter((b) => b.every((i) => i.code !== 'unrecognized_keys' && i.code !== 'invalid_type'));
      if (fitting.length === 1 && fitting[0].length > 0) {
        const inner = fitting[0][0];
        return describe(inner, [...path, ...inner.path.map(String)], input);
      }
      if (/prompt$/i.test(last)) return at(`${last} must be exactly one of {"sound": name}, {"prompt": library name} or {"text": words}`, coded('prompt_form', { field: last }));
      if (branches.length > 0 && branches.every((b) => b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0)) {
        return at(`${last} must be ${branches.map((b) => b[0].expected).join(' or ')}, got ${kind(value)}`);
      }
      return at(`${last} does not match any allowed form`);
    }
    case 'invalid_key': {
      const inner = ((issue.issues as Issue[] | undefined) ?? [])[0]?.message ?? issue.message;
      if (path.length === 2 && path[0] === 'nodes') return at(`"${last}" is not a valid node id: ${inner}`, coded('node_id', { id: last }));
      return at(`key "${last}" in ${path[path.length - 2] ?? 'the flow'} is not valid: ${inner}`);
    }
    case 'unrecognized_keys': {
      const keys = (issue.keys as string[]).map((k) => `"${k}"`).join(', ');
      const type = (value as { type?: unknown } | undefined)?.type;
      const allowed = path.length === 2 && path[0] === 'nodes' && typeof type === 'string' ? FIELDS.get(type) : undefined;
      return at(`unknown field ${keys}${allowed ? `; a ${type} node has: ${allowed.join(', ')}` : ''}`, allowed ? coded('unknown_field', { keys, type: String(type), allowed: allowed.join(', ') }) : coded('unknown_field_flow', { keys }));
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const word = issue.inclusive === false ? (small ? 'more than' : 'less than') : small ? 'at least' : 'at most';
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      const how = issue.origin === 'number' && issue.inclusive !== false ? coded(small ? 'at_least' : 'at_most', { field: last, bound: Number(bound) }) : {};
      return at(`${last} must ${issue.origin === 'array' ? 'have' : 'be'} ${word} ${String(bound)}${unit}`, how);
    }
    case 'invalid_value':
      return at(`${last} must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`, coded('one_of', { field: last, values: (issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', '), got: JSON.stringify(value) ?? '' }));
    case 'invalid_format':
      return at(`${JSON.stringify(value)} is not valid for ${last}: ${issue.message}`, coded('format', { field: last, value: JSON.stringify(value) ?? '' }));
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
  const add = (node: string | null, message: string, field: string | undefined, how: Coded) =>
    buckets.get(node)!.push({ node, ...(field === undefined ? {} : { field }), message, ...how });

  const entryOk = exists(flow.entry);
  if (!entryOk) add(null, `entry "${flow.entry}" does not exist`, 'entry', coded('entry_missing', { entry: flow.entry }));
  if (flow.fallback.prompt) {
    const m = missingPrompt(flow.fallback.prompt, ctx);
    if (m) add(null, m.message, 'fallback.prompt', m);
  }
  const reachable = entryOk ? reach(flow, flow.entry) : null;

  for (const id of ids) {
    const node = flow.nodes[id];
    if (reachable && !reachable.has(id)) add(id, `"${id}" cannot be reached from the entry "${flow.entry}"`, undefined, coded('unreachable', { entry: flow.entry }));
    for (const e of edgesOf(node)) {
      if (!exists(e.target)) add(id, `${e.label} points at "${e.target}", which does not exist`, e.field, coded('edge_missing', { target: e.target }));
    }
    for (const [field, message, how] of nodeChecks(node, ctx)) add(id, message, field, how);
    for (const u of promptUsesOf(node)) {
      const m = missingPrompt(u.ref, ctx);
      if (m) add(id, m.message, u.field, m);
    }
  }
  if (reachable) {
    for (const cycle of silentCycles(flow, ids, reachable)) {
      const path = [...cycle, cycle[0]].join(' -> ');
      add(cycle[0], `a loop that a caller who presses nothing can never leave: ${path}`, undefined, coded('silent_loop', { path }));
    }
  }
  return [...buckets.values()].flat();
}

function missingPrompt(ref: PromptRef, ctx: FlowContext): ({ message: string } & Coded) | null {
  if ('text' in ref || ctx.promptExists(ref)) return null;
  return 'sound' in ref
    ? { message: `sound "${ref.sound}" does not exist`, ...coded('sound_missing', { name: ref.sound }) }
    : { message: `prompt "${ref.prompt}" does not exist in the prompt library`, ...coded('prompt_missing', { name: ref.prompt }) };
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

function nodeChecks(node: FlowNode, ctx: FlowContext): Array<[string | undefined, string, Coded]> {
  const out: Array<[string | undefined, string, Coded]> = [];
  switch (node.type) {
    case 'play':
      if (!node.prompt && !node.say) out.push([undefined, 'a play node needs a prompt or a say', coded('play_empty')]);
      break;
    case 'menu':
      if (Object.keys(node.options).length === 0) out.push(['options', 'a menu needs at least one option', coded('menu_empty')]);
      break;
    case 'collect': {
      if (node.minDigits > node.maxDigits) out.push(['minDigits', `minDigits (${node.minDigits}) is more than maxDigits (${node.maxDigits})`, coded('digits_range', { min: node.minDigits, max: node.maxDigits })]);
      const bad = node.pattern === undefined ? null : regexProblem(node.pattern);
      if (bad) out.push(['pattern', `pattern ${bad}`, coded('pattern')]);
      break;
    }
    case 'condition':
      node.branches.forEach(({ when }, i) => {
        const field = `branches.${i}.when.value`;
        const v = when.value;
        if (when.op === 'exists' || when.op === 'missing') return;
        if (v === undefined) out.push([field, `branch ${i + 1}: op "${when.op}" needs a value`, coded('branch_value', { n: i + 1, op: when.op })]);
        else if (when.op === 'matches') {
          const bad = typeof v === 'string' ? regexProblem(v) : 'must be a regular expression (a string)';
          if (bad) out.push([field, `branch ${i + 1}: "matches" value ${bad}`, coded('branch_pattern', { n: i + 1 })]);
        } else if (when.op === 'in' && !Array.isArray(v)) out.push([field, `branch ${i + 1}: op "in" needs a list of values`, coded('branch_list', { n: i + 1 })]);
        else if ((when.op === 'gt' || when.op === 'lt') && (Array.isArray(v) || v === '' || !Number.isFinite(Number(v)))) {
          out.push([field, `branch ${i + 1}: op "${when.op}" needs a number`, coded('branch_number', { n: i + 1, op: when.op })]);
        }
      });
      break;
    case 'lookup':
      if (node.source === 'http' && !node.url) out.push(['url', 'a lookup with source "http" needs a url', coded('lookup_url')]);
      if (node.by === 'variable' && !node.variable) out.push(['variable', 'a lookup by "variable" needs a variable', coded('lookup_variable')]);
      break;
    case 'hours': {
      try {
        new Intl.DateTimeFormat('en', { timeZone: node.timezone });
      } catch {
        out.push(['timezone', `unknown timezone "${node.timezone}" (use an IANA name such as Asia/Shanghai)`, coded('timezone', { timezone: node.timezone })]);
      }
      for (const d of DAYS) {
        (node.weekly[d] ?? []).forEach(([start, end], i) => {
          if (start >= end) out.push([`weekly.${d}.${i}`, `${d} interval ${i + 1}: start ${start} is not before end ${end}`, coded('interval', { day: d, n: i + 1, start, end })]);
        });
      }
      node.holidays.forEach((h, i) => {
        const t = new Date(`${h}T00:00:00Z`);
        if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== h) out.push([`holidays.${i}`, `holiday ${h} is not a real date`, coded('holiday', { date: h })]);
      });
      break;
    }
    case 'subflow':
      if (ctx.selfName !== undefined && node.flow === ctx.selfName) out.push(['flow', `a flow cannot call itself as a subflow ("${node.flow}")`, coded('subflow_self', { flow: node.flow })]);
      else if (!ctx.flowExists(node.flow)) out.push(['flow', `subflow "${node.flow}" does not exist`, coded('subflow_missing', { flow: node.flow })]);
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
