// IVR flow definitions: a graph of typed nodes, stored as JSON and validated with these
// schemas (per node type) before the graph checks in flow-validate.ts. Node ids are the
// keys of `nodes`; every edge is a node id.
import { z } from 'zod';

export const nodeId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'node ids: a letter, then letters, digits, _ or - (max 64)');
const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, 'variable names: letters, digits, _ and .');
const digitKey = z.string().regex(/^[0-9*#]$/, 'one DTMF key: 0-9, * or #');
const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** What a node plays: an Asterisk sound, a prompt from Hotline's library, or text synthesized at publish. */
export const promptRef = z.union([
  z.strictObject({ sound: z.string().regex(/^[A-Za-z0-9_/-]{1,128}$/, 'a sound name such as hello-world or digits/1') }),
  z.strictObject({ prompt: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a prompt name from the library') }),
  z.strictObject({ text: z.string().min(1).max(1000) }),
]);
export type PromptRef = z.infer<typeof promptRef>;

const base = { name: z.string().max(128).optional() };

export const playNode = z.strictObject({
  ...base,
  type: z.literal('play'),
  prompt: promptRef.optional(),
  say: z.strictObject({ kind: z.enum(['digits', 'number', 'date']), value: z.string().min(1).max(64) }).optional(),
  bargeIn: z.boolean().default(false),
  next: nodeId,
});

export const menuNode = z.strictObject({
  ...base,
  type: z.literal('menu'),
  prompt: promptRef,
  options: z.record(digitKey, nodeId),
  timeoutMs: ms(500, 60_000),
  retries: z.number().int().min(0).max(10),
  invalidPrompt: promptRef.optional(),
  timeoutPrompt: promptRef.optional(),
  /** Where the call goes when retries are used up (no valid key in time). */
  onExhausted: nodeId,
  bargeIn: z.boolean().default(true),
});

export const collectNode = z.strictObject({
  ...base,
  type: z.literal('collect'),
  prompt: promptRef,
  variable: varName,
  minDigits: z.number().int().min(1).max(32),
  maxDigits: z.number().int().min(1).max(32),
  terminator: z.enum(['#', '*', 'none']).default('#'),
  timeoutMs: ms(500, 60_000),
  /** Regular expression the whole entry must match (checked after collecting). */
  pattern: z.string().max(200).optional(),
  retries: z.number().int().min(0).max(10),
  invalidPrompt: promptRef.optional(),
  next: nodeId,
  onExhausted: nodeId,
  bargeIn: z.boolean().default(true),
});

export const lookupNode = z.strictObject({
  ...base,
  type: z.literal('lookup'),
  source: z.enum(['crm', 'http']),
  /** crm: find the customer by the caller's number, or by digits in a variable. */
  by: z.enum(['caller', 'variable']).default('caller'),
  variable: varName.optional(),
  /** http: GET this URL ({{var}} templates allowed); a JSON object's fields become variables. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: ms(100, 10_000).default(2000),
  /** Variables are stored as `<into>.<field>`. */
  into: varName.default('customer'),
  found: nodeId,
  notFound: nodeId,
  onError: nodeId.optional(),
});

const conditionTest = z.strictObject({
  variable: varName,
  op: z.enum(['eq', 'ne', 'in', 'exists', 'missing', 'gt', 'lt', 'matches']),
  value: z.union([z.string().max(200), z.number(), z.array(z.string().max(200)).max(100)]).optional(),
});
export const conditionNode = z.strictObject({
  ...base,
  type: z.literal('condition'),
  branches: z.array(z.strictObject({ when: conditionTest, next: nodeId })).min(1).max(50),
  else: nodeId,
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** An interval may end at 24:00 (the end of the day). */
const hhmmEnd = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM (or 24:00)');
const day = z.array(z.tuple([hhmm, hhmmEnd])).max(8);
export const hoursNode = z.strictObject({
  ...base,
  type: z.literal('hours'),
  timezone: z.string().min(1).max(64),
  weekly: z.strictObject({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }).partial(),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')).max(400).default([]),
  open: nodeId,
  closed: nodeId,
});

export const setNode = z.strictObject({
  ...base,
  type: z.literal('set'),
  variables: z.record(varName, z.string().max(500)),
  next: nodeId,
});

export const transferNode = z.strictObject({
  ...base,
  type: z.literal('transfer'),
  target: z.string().regex(/^\+?[0-9*#]{1,32}$/, 'an extension or phone number'),
  prompt: promptRef.optional(),
});

export const queueNode = z.strictObject({
  ...base,
  type: z.literal('queue'),
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  priority: z.number().int().min(0).max(100).optional(),
  prompt: promptRef.optional(),
  /** Where the flow goes on when nobody is logged in to the queue the ACD chose (e.g. voicemail). */
  noAgents: nodeId.optional(),
  /** Played when the ACD offers a callback (the queue has callbacks and the estimated wait is long);
   *  default: "to call back, press <key>" from Asterisk's sounds. */
  callbackPrompt: promptRef.optional(),
});

export const voicemailNode = z.strictObject({
  ...base,
  type: z.literal('voicemail'),
  mailbox: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  prompt: promptRef.optional(),
  maxSeconds: z.number().int().min(5).max(600).default(120),
  next: nodeId.optional(),
});

/** Takes a fax: the call leaves for ReceiveFAX; the fax is filed to `queue`'s inbox (none: the number's). */
export const faxNode = z.strictObject({
  ...base,
  type: z.literal('fax'),
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  prompt: promptRef.optional(),
});

export const hangupNode = z.strictObject({ ...base, type: z.literal('hangup'), prompt: promptRef.optional() });

export const subflowNode = z.strictObject({
  ...base,
  type: z.literal('subflow'),
  flow: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  next: nodeId,
});

/** Ends a sub-flow: the calling flow goes on at its subflow node's `next` (top level: hang up). */
export const returnNode = z.strictObject({ ...base, type: z.literal('return') });

export const flowNode = z.discriminatedUnion('type', [
  playNode,
  menuNode,
  collectNode,
  lookupNode,
  conditionNode,
  hoursNode,
  setNode,
  transferNode,
  queueNode,
  voicemailNode,
  faxNode,
  hangupNode,
  subflowNode,
  returnNode,
]);
export type FlowNode = z.infer<typeof flowNode>;
export type NodeType = FlowNode['type'];

export const flowDefinition = z.strictObject({
  entry: nodeId,
  /** Language of synthesized prompts and of say digits/number/date. */
  language: z.enum(['en', 'zh']).default('en'),
  /** Where a call goes when a node fails at runtime: an apology, then a queue or a hangup. */
  fallback: z
    .strictObject({ prompt: promptRef.optional(), queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() })
    .default({}),
  nodes: z.record(nodeId, flowNode),
});
export type FlowDefinition = z.infer<typeof flowDefinition>;

// ---- API bodies -------------------------------------------------------------------------
export const flowName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'flow names: letters, digits, _ and - (max 64)');
export const flowNameParams = z.object({ name: flowName });
export const flowVersionParams = z.object({ name: flowName, version: z.coerce.number().int().min(1).max(1_000_000) });
export const createFlowBody = z.strictObject({
  name: flowName,
  description: z.string().max(255).default(''),
  definition: z.record(z.string(), z.unknown()),
});
export const saveDraftBody = z.strictObject({
  description: z.string().max(255).optional(),
  definition: z.record(z.string(), z.unknown()),
});
export const rollbackBody = z.strictObject({ version: z.number().int().min(1) });
export const numberParams = z.object({ number: z.string().regex(/^\+?[0-9*#]{1,32}$/, 'a dialled number: digits, * and #') });
export const mapNumberBody = z.strictObject({ flow: flowName });
export const dryRunBody = z.strictObject({
  /** Keys pressed in order; when they run out, every wait times out. */
  digits: z.string().regex(/^[0-9*#]{0,64}$/, 'DTMF keys only (0-9, *, #)').default(''),
  caller: z.string().max(64).default('anonymous'),
  called: z.string().max(64).default(''),
  variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/), z.string().max(500)).default({}),
  /** The time business-hours nodes see (ISO 8601); default now. */
  at: z.iso.datetime({ offset: true }).optional(),
  /** Which version: the published one (default) or the latest draft. */
  version: z.enum(['published', 'draft']).default('published'),
});
