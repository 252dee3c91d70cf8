// Validated shapes of the ACD's API bodies and stored documents.
import { z } from 'zod';
import { SHORT_ABANDON_TREATMENTS } from '../reports/definitions.js';

/** A number Hotline can dial: digits, optionally with a leading + (callbacks, click-to-dial). */
export const DIALABLE_NUMBER = /^\+?[0-9]{3,20}$/;
const phoneNumber = z.string().trim().regex(DIALABLE_NUMBER, 'a phone number: digits, optionally with a leading +');

/** The Asterisk dial string for `number` from HOTLINE_OUTBOUND_DIAL (`{number}` without its +). */
export const outboundDialString = (template: string, number: string): string => template.replaceAll('{number}', number.replace(/^\+/, ''));

export const queueName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'queue names: letters, digits, _ and - (max 64)');
export const skillName = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'skill names: lower-case letters, digits, _ and - (max 32)');
const level = z.number().int().min(1).max(10);
export const STRATEGIES = ['ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'linear', 'wrandom'] as const;

/** A short code agents pick (break reasons, dispositions) with its label in both languages. */
export const labelledCode = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a code: letters, digits, _ and - (max 32)'),
  labels: z.strictObject({ 'zh-CN': z.string().trim().min(1).max(64), en: z.string().trim().min(1).max(64) }),
});
export type LabelledCode = z.infer<typeof labelledCode>;
const uniqueCodes = (list: LabelledCode[], ctx: z.RefinementCtx, path: string) => {
  const seen = new Set<string>();
  list.forEach((c, i) => {
    if (seen.has(c.code)) ctx.addIssue({ code: 'custom', path: [path, i, 'code'], message: `code ${c.code} appears twice` });
    seen.add(c.code);
  });
};

/** Wrap-up codes of a queue; `required`: an agent may not go Ready before picking one for the last call. */
export const dispositionSettings = z
  .strictObject({ required: z.boolean().default(false), codes: z.array(labelledCode).max(100).default([]) })
  .superRefine((d, ctx) => {
    uniqueCodes(d.codes, ctx, 'codes');
    if (d.required && !d.codes.length) ctx.addIssue({ code: 'custom', path: ['required'], message: 'a required disposition needs at least one code' });
  });

export const breakReasonsBody = z.strictObject({ reasons: z.array(labelledCode).max(50) }).superRefine((b, ctx) => uniqueCodes(b.reasons, ctx, 'reasons'));

const knownTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const threshold = (max: number) => z.number().int().min(0).max(max);
/** Per queue: the wallboard's day and colours. A figure at or past `warn` shows amber, at or past `alarm` red (service level: at or under). */
export const wallboardSettings = z
  .strictObject({
    timezone: z.string().min(1).max(64).refine(knownTimeZone, 'unknown timezone').default('UTC'),
    waitingWarn: threshold(1000).default(3),
    waitingAlarm: threshold(1000).default(6),
    longestWaitWarnSeconds: threshold(7200).default(30),
    longestWaitAlarmSeconds: threshold(7200).default(90),
    /** Service level (0..1) at or under which the figure is amber / red. */
    serviceLevelWarn: z.number().min(0).max(1).default(0.8),
    serviceLevelAlarm: z.number().min(0).max(1).default(0.6),
  })
  .superRefine((w, ctx) => {
    if (w.waitingAlarm < w.waitingWarn) ctx.addIssue({ code: 'custom', path: ['waitingAlarm'], message: 'must be at least waitingWarn' });
    if (w.longestWaitAlarmSeconds < w.longestWaitWarnSeconds) ctx.addIssue({ code: 'custom', path: ['longestWaitAlarmSeconds'], message: 'must be at least longestWaitWarnSeconds' });
    if (w.serviceLevelAlarm > w.serviceLevelWarn) ctx.addIssue({ code: 'custom', path: ['serviceLevelAlarm'], message: 'must be at most serviceLevelWarn' });
  });
export type WallboardSettings = z.infer<typeof wallboardSettings>;

export const RECORDING_MODES = ['all', 'none', 'percent', 'on_demand'] as const;
/** Call recording of a queue's calls: every call, none, a share of them, or when the agent starts it. */
export const recordingSettings = z
  .strictObject({
    mode: z.enum(RECORDING_MODES).default('none'),
    /** mode percent: the share of calls recorded (0-100). */
    percent: z.number().int().min(0).max(100).default(0),
    /** Recordings are purged this many days after the call (legal holds exempt them). */
    retentionDays: z.number().int().min(1).max(3650).default(365),
    /** Supervisors (usernames) who may listen to this queue's calls; empty: every supervisor. */
    supervisors: z.array(z.string().min(1).max(64)).max(100).default([]),
    /** Automatic signals past these raise flags on the recording (QA picks flagged calls). */
    flags: z
      .strictObject({
        maxSilenceRatio: z.number().min(0).max(1).optional(),
        maxLongestSilenceSeconds: z.number().min(0).max(3600).optional(),
        maxTalkOverSeconds: z.number().min(0).max(3600).optional(),
        minAgentTalkRatio: z.number().min(0).max(1).optional(),
        maxAgentTalkRatio: z.number().min(0).max(1).optional(),
      })
      .default({}),
  })
  .superRefine((r, ctx) => {
    if (r.mode === 'percent' && r.percent === 0) ctx.addIssue({ code: 'custom', path: ['percent'], message: 'mode percent needs a percent of 1-100' });
  });
export type RecordingSettings = z.infer<typeof recordingSettings>;

export const queueSettings = z.strictObject({
  strategy: z.enum(STRATEGIES).default('rrmemory'),
  /** Seconds after a call during which the agent gets no queue call. */
  wrapupSeconds: z.number().int().min(0).max(600).default(0),
  /** How long one agent's phone rings before the next is tried. */
  ringSeconds: z.number().int().min(5).max(120).default(15),
  /** Ring agents already on a call (multi-line phones); off: one call per agent at a time. */
  ringInUse: z.boolean().default(false),
  /** The longest a caller waits in this queue before overflow (or the end of the line). */
  maxWaitSeconds: z.number().int().min(5).max(7200).default(600),
  announcePosition: z.boolean().default(false),
  announceHoldTime: z.boolean().default(false),
  /** Seconds between position/hold-time announcements (0: only on entry). */
  announceFrequency: z.number().int().min(0).max(600).default(0),
  /** Calls answered within this many seconds count toward the service level. */
  serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
  /** Reports: an abandon after a wait under this many seconds is a short abandon (default 5). */
  shortAbandonSeconds: z.number().int().min(0).max(600).optional(),
  /** Reports: short abandons are counted, excluded (default) or count as meeting the service level (sl2). */
  shortAbandonTreatment: z.enum(SHORT_ABANDON_TREATMENTS).optional(),
  /** Reports: the skill group (技能组) the queue belongs to, a short label; reports filter and total by it. */
  skillGroup: z.string().trim().min(1).max(64).regex(/^[^,]+$/, 'a skill group: a short label without commas').optional(),
  /** Skills an agent needs (minimum level) to be a member; the penalty is 10 - the agent's lowest level of them. */
  skills: z.record(skillName, level).default({}),
  /** Raise the highest penalty a waiting caller may reach over time (queue rules). */
  penaltySteps: z.array(z.strictObject({ afterSeconds: z.number().int().min(1).max(3600), maxPenalty: z.number().int().min(0).max(10) })).max(10).default([]),
  /** Initial highest penalty a caller may reach (with penaltySteps). */
  initialMaxPenalty: z.number().int().min(0).max(10).optional(),
  /** After `afterSeconds` in this queue the caller moves to `queue`. */
  overflow: z.strictObject({ queue: queueName, afterSeconds: z.number().int().min(5).max(3600) }).optional(),
  /** When no agent is logged in to this queue: send the caller to this queue instead. */
  noAgentsQueue: queueName.optional(),
  /** Wrap-up codes (dispositions) agents pick after a call of this queue. */
  dispositions: dispositionSettings.default({ required: false, codes: [] }),
  /** The live wallboard: the timezone "today" counts in, and its colour thresholds (warn: amber, alarm: red). */
  wallboard: wallboardSettings.default(wallboardSettings.parse({})),
  /** The satisfaction survey (app/survey) asked of callers whose agent hung up first; none when absent. */
  survey: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a survey name').optional(),
  /** Call recording policy and retention. */
  recording: recordingSettings.default(recordingSettings.parse({})),
  /** Callbacks that keep the caller's place: a waiting caller presses `key`, hangs up, and is
   *  called back (agent first, then the customer) when their turn comes. */
  callback: z.strictObject({
    /** The phone key that asks for the callback while waiting. */
    key: z.string().regex(/^[1-9]$/, 'one digit 1-9').default('1'),
    /** The IVR offers the callback when the estimated wait is at least this (0: always). */
    offerAfterSeconds: z.number().int().min(0).max(7200).default(60),
    /** Times the customer's phone is dialed before the callback fails. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Wait before the next attempt after the customer did not answer. */
    retryAfterSeconds: z.number().int().min(5).max(86400).default(300),
    /** How long the customer's phone rings. */
    ringSeconds: z.number().int().min(5).max(120).default(30),
    /** The callback is given up when not done within this time of the request. */
    expireAfterSeconds: z.number().int().min(60).max(7 * 86400).default(4 * 3600),
  }).optional(),
});
export type QueueSettings = z.infer<typeof queueSettings>;

export const createQueueBody = z.strictObject({ name: queueName, settings: queueSettings.default(queueSettings.parse({})) });
export const queueParams = z.object({ queue: queueName });

const endpointName = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'endpoint names: letters, digits, _ and - (max 40)');
const contactUri = z.string().max(255).regex(/^sips?:[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a SIP URI like sip:agent@10.0.0.5:5060');
const sipPassword = z.string().min(12, 'SIP passwords: at least 12 characters').max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');

export const PHONE_KINDS = ['webrtc', 'desk'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

export const agentFields = {
  name: z.string().trim().min(1).max(128),
  endpoint: endpointName,
  /** webrtc: the browser phone of the agent desktop (Hotline makes its SIP password); desk: a SIP phone. */
  phone: z.enum(PHONE_KINDS).default('desk'),
  /** A static device address; without it the device registers with `sipPassword`. */
  contact: contactUri.optional(),
  sipPassword: sipPassword.optional(),
  skills: z.record(skillName, level).default({}),
  team: z.string().max(64).default(''),
  userId: z.string().uuid().nullable().default(null),
};
export const createAgentBody = z
  .strictObject(agentFields)
  .refine((a) => a.phone === 'webrtc' || a.contact || a.sipPassword, { message: 'a desk phone needs a static contact or a SIP password to register with', path: ['contact'] })
  .refine((a) => a.phone === 'desk' || (!a.contact && !a.sipPassword), { message: 'a WebRTC phone registers from the browser with a password Hotline generates: give no contact or sipPassword', path: ['phone'] });
export const updateAgentBody = z.strictObject({
  name: agentFields.name.optional(),
  phone: z.enum(PHONE_KINDS).optional(),
  /** WebRTC phones: replace the generated SIP password (the browser gets the new one from /api/agent-desk/me). */
  rotateSipPassword: z.literal(true).optional(),
  contact: contactUri.nullable().optional(),
  sipPassword: sipPassword.optional(),
  skills: z.record(skillName, level).optional(),
  team: z.string().max(64).optional(),
  userId: z.string().uuid().nullable().optional(),
});
export const agentParams = z.object({ agentId: z.string().uuid() });
/** Click-to-dial: the customer's number (and the name the agent's phone shows). */
export const dialBody = z.strictObject({
  number: phoneNumber,
  name: z.string().trim().max(128).default(''),
});
export const breakBody = z.strictObject({ reason: z.string().regex(/^[A-Za-z0-9_ -]{1,32}$/, 'a reason code (letters, digits, _ - and spaces, max 32)') });
/** A wrap-up code for the agent's call (`callId`: a call record; default: the agent's last queue call). */
export const dispositionBody = z.strictObject({
  callId: z.string().uuid().optional(),
  code: labelledCode.shape.code,
  note: z.string().trim().max(500).default(''),
});
export const timelineQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
/** Live queue stats (Hotline's queues and an attached PBX's): `tz` is the day "today" counts from. */
export const statsQuery = z.strictObject({ tz: z.string().min(1).max(64).default('UTC') });

// ---- routing --------------------------------------------------------------------------
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
export const routingRule = z.strictObject({
  name: z.string().min(1).max(64),
  enabled: z.boolean().default(true),
  when: z.strictObject({
    /** The queue the IVR asked for. */
    queues: z.array(queueName).max(50).optional(),
    /** The caller's CRM VIP level at least this. */
    vipMin: z.number().int().min(1).max(100).optional(),
    /** The caller's region (from the region table) is one of these. */
    regions: z.array(z.string().min(1).max(64)).max(100).optional(),
    /** Local time window (days 0=Sunday .. 6) in a timezone. */
    time: z.strictObject({ days: z.array(z.number().int().min(0).max(6)).min(1).max(7).default([0, 1, 2, 3, 4, 5, 6]), from: hhmm, to: hhmm, timezone: z.string().min(1).max(64).default('UTC') }).optional(),
    /** An IVR variable equals a value. */
    variable: z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/), equals: z.string().max(200) }).optional(),
  }).default({}),
  then: z.strictObject({
    queue: queueName.optional(),
    priorityAdd: z.number().int().min(-100).max(100).optional(),
    /** Stop evaluating further rules. */
    stop: z.boolean().default(false),
  }),
});
export type RoutingRule = z.infer<typeof routingRule>;
export const routingRulesBody = z.strictObject({ rules: z.array(routingRule).max(200) });

export const regionEntry = z.strictObject({ prefix: z.string().regex(/^\+?[0-9]{1,15}$/, 'digits (the normalized number starts with them)'), region: z.string().min(1).max(64) });
export const regionsBody = z.strictObject({ regions: z.array(regionEntry).max(10_000) });
export type RegionEntry = z.infer<typeof regionEntry>;

export const routeDryRunBody = z.strictObject({
  queue: queueName,
  caller: z.string().max(64).default(''),
  priority: z.number().int().min(0).max(100).default(0),
  variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/), z.string().max(500)).default({}),
  at: z.iso.datetime({ offset: true }).optional(),
});

// ---- callbacks ------------------------------------------------------------------------
export const callbackParams = z.object({ callbackId: z.string().uuid() });
export const callbackListQuery = z.strictObject({
  queue: queueName.optional(),
  status: z.enum(['scheduled', 'waiting', 'connecting', 'retry_wait', 'completed', 'failed', 'cancelled', 'open']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** A callback asked for by an agent or supervisor (not from a phone key): joins at the back. */
/** The latest a callback can be scheduled for (预约回电), from now. */
export const CALLBACK_SCHEDULE_MAX_DAYS = 30;

export const createCallbackBody = z
  .strictObject({
    queue: queueName,
    number: phoneNumber,
    name: z.string().trim().max(128).default(''),
    priority: z.number().int().min(0).max(100).default(0),
    /** When to call (the customer's preferred time): the callback joins the queue then; left out: now. */
    at: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.at) return;
    const ahead = b.at.getTime() - Date.now();
    if (ahead < -60_000) ctx.addIssue({ code: 'custom', path: ['at'], message: 'the time to call back has passed' });
    else if (ahead > CALLBACK_SCHEDULE_MAX_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['at'], message: `at most ${CALLBACK_SCHEDULE_MAX_DAYS} days ahead` });
  });
