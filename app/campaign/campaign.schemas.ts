// zod schemas of the outbound-campaign API (外呼任务, docs/api/campaigns.md). The console's forms
// use the same ones, so a campaign validates the same in the page and in the API.
import { z } from 'zod';

/** A campaign's name: how the API and the console address it. */
export const campaignName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'campaign names: letters, digits, _ and - (max 64), starting with a letter or digit');

const noControl = (v: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v);
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'no control characters');

/** A result code an agent gives a contact after talking to them. */
export const resultCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'result codes: lower-case letters, digits, _ and - (max 32)');

/** Codes the system gives on its own (a dial that did not connect); a campaign cannot define them. */
export const SYSTEM_RESULTS = ['no_answer', 'busy', 'failed', 'callback', 'no_result'] as const;
export type SystemResult = (typeof SYSTEM_RESULTS)[number];

/** One result an agent may choose. `final`: the contact is done; otherwise it is called again after `retryMinutes`. */
export const campaignResult = z.strictObject({
  code: resultCode.refine((c) => !(SYSTEM_RESULTS as readonly string[]).includes(c), 'that code is one the system uses (no_answer, busy, failed, callback, no_result)'),
  label: line(32),
  final: z.boolean(),
  /** Counts toward the campaign's success rate (a sale, an appointment, a survey done). */
  success: z.boolean().default(false),
});
export type CampaignResult = z.infer<typeof campaignResult>;

const results = z
  .array(campaignResult)
  .min(1, 'a campaign needs at least one result')
  .max(20)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((r, i) => {
      const first = seen.get(r.code);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `code ${r.code} is already result ${first + 1}` });
      else seen.set(r.code, i);
    });
    if (!list.some((r) => r.final)) ctx.addIssue({ code: 'custom', message: 'mark at least one result as final' });
  });

const clock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day, HH:MM');

/** When contacts may be called, in the campaign's timezone (days: 1 = Monday … 7 = Sunday). */
export const callingHours = z
  .strictObject({
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    from: clock,
    to: clock,
    timezone: z.string().max(64).refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA timezone, e.g. Asia/Shanghai'),
  })
  .refine((h) => h.from < h.to, { path: ['to'], message: 'to must be after from (the same day)' })
  .refine((h) => new Set(h.days).size === h.days.length, { path: ['days'], message: 'each day once' });
export type CallingHours = z.infer<typeof callingHours>;

export const campaignFields = {
  /** What agents and reports call it. */
  title: line(100),
  /** The queue whose agents work the campaign (its members may take contacts). */
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name'),
  /** What the agent reads to the customer (shown beside the contact; plain text). */
  script: z.string().max(8000).refine(noControl, 'no control characters').default(''),
  results,
  callingHours,
  /** Calls to one contact at most (the first included). */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Minutes before a contact who did not answer (or was busy, or whose call failed) is called again. */
  retryMinutes: z.number().int().min(1).max(10080).default(60),
  /** Minutes a contact stays with the agent who took it before it is free again (no result given). */
  holdMinutes: z.number().int().min(1).max(240).default(15),
};

export const campaignCreateBody = z.strictObject({ name: campaignName, ...campaignFields });
export const campaignUpdateBody = z.strictObject({ ...campaignFields });
export type CampaignDefinition = z.infer<typeof campaignCreateBody>;

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'finished'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** Status moves an admin or supervisor may make (finished is for good). */
export const campaignStatusBody = z.strictObject({ status: z.enum(['running', 'paused', 'finished']) });

export const campaignParams = z.strictObject({ name: campaignName });

export const CONTACT_STATUSES = ['pending', 'reserved', 'done', 'unreached', 'blocked', 'cancelled'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** A contact added by hand (JSON). Extra fields are shown to the agent as they are. */
export const contactInput = z.strictObject({
  phone: z.string().trim().min(3).max(40),
  name: z.string().trim().max(100).refine(noControl, 'no control characters').default(''),
  fields: z.record(line(40), z.string().max(500).refine(noControl, 'no control characters')).default({}).refine((f) => Object.keys(f).length <= 20, 'at most 20 fields'),
});
export const contactsAddBody = z.strictObject({ contacts: z.array(contactInput).min(1).max(5000) });

/** Contacts from the CRM: customers with this tag (their first phone). */
export const contactsFromCustomersBody = z.strictObject({ tag: line(64) });

export const contactListQuery = z.strictObject({
  status: z.enum(CONTACT_STATUSES).optional(),
  result: z.union([resultCode, z.enum(SYSTEM_RESULTS)]).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const contactParams = z.strictObject({ name: campaignName, id: z.uuid() });

/** The result an agent gives the contact they have. `callback`: call again at `callbackAt` (kept for that agent). */
export const contactResultBody = z
  .strictObject({
    result: z.union([resultCode, z.literal('callback')]),
    note: z.string().max(2000).refine(noControl, 'no control characters').default(''),
    callbackAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.result === 'callback' && !b.callbackAt) ctx.addIssue({ code: 'custom', path: ['callbackAt'], message: 'say when to call back' });
    if (b.result !== 'callback' && b.callbackAt) ctx.addIssue({ code: 'custom', path: ['callbackAt'], message: 'only a callback has a time' });
  });

export const exportQuery = z.strictObject({ locale: z.enum(['zh-CN', 'en']).default('zh-CN') });

/** The contacts import: `dryRun=true` checks the list and adds nothing. */
export const contactImportQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') });
