import { z } from 'zod';
import { callListQuery } from '../calls/calls.schemas.js';
import { customerListQuery } from '../crm/crm.schemas.js';
import { CUSTOMER_FIELDS } from './customer-import.js';
import { IGNORE } from './headers.js';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const importQuery = z.strictObject({
  mode: z.enum(['dry-run', 'all-or-nothing', 'skip-bad-rows']).default('all-or-nothing'),
  /** Overrides the Content-Type. */
  format: z.enum(['xlsx', 'csv']).optional(),
  /** Answer when the import has finished (200, or its 4xx) instead of 202 at once. */
  wait: flag,
  /** The file's name, shown in the job and the report. */
  fileName: z.string().trim().min(1).max(255).optional(),
});

export const jobIdParams = z.object({ jobId: z.uuid() });

const lang = z.enum(['zh', 'en']).default('zh');
export const langQuery = z.strictObject({ lang });

const list = customerListQuery.shape;
/**
 * GET /api/customers's filters (crm.schemas.ts; the Customers page's search exported as it
 * stands), except its exact phone and companyId. `phone` is the export's older name for
 * `phoneDigits`, written more loosely (separators ignored, one digit is enough); it is handed
 * on as phoneDigits (a number contains these digits).
 */
export const customerExportQuery = z
  .strictObject({
    /** Name contains. */
    name: z.string().trim().min(1).max(128).optional(),
    /** Phone contains these digits (separators ignored). */
    phone: z
      .string()
      .max(40)
      .transform((v) => v.replace(/[^0-9+]/g, ''))
      .pipe(z.string().min(1, 'phone needs at least one digit'))
      .optional(),
    phoneDigits: list.phoneDigits,
    email: list.email,
    tag: list.tag,
    company: list.company,
    region: list.region,
    lang,
  })
  .refine((q) => !(q.phone && q.phoneDigits), { message: 'give phone or phoneDigits, not both', path: ['phoneDigits'] })
  .transform(({ phone, ...q }) => (phone ? { ...q, phoneDigits: phone } : q));

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** A date (UTC day; as an end it means the whole day) or an ISO date-time with its offset. */
const when = (end: boolean) =>
  z.string().transform((v, ctx) => {
    const d = DAY.test(v) ? new Date(`${v}T00:00:00.000Z`) : DATE_TIME.test(v) ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a date (YYYY-MM-DD) or an ISO date-time with offset` });
      return z.NEVER;
    }
    return DAY.test(v) && end ? new Date(d.getTime() + 86_400_000) : d;
  });

export const callExportQuery = z
  .strictObject({
    caller: z.string().min(1).max(64).optional(),
    from: when(false).optional(),
    to: when(true).optional(),
    // The Calls page's other filters, as GET /api/calls takes them: its search exported as it stands.
    callerPrefix: callListQuery.shape.callerPrefix,
    called: callListQuery.shape.called,
    outcome: callListQuery.shape.outcome,
    queue: callListQuery.shape.queue,
    agentId: callListQuery.shape.agentId,
    flow: callListQuery.shape.flow,
    source: callListQuery.shape.source,
    lang,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const customerMappingBody = z.strictObject({
  columns: z
    .array(
      z.strictObject({
        header: z.string().trim().min(1).max(64),
        field: z.enum([IGNORE, ...CUSTOMER_FIELDS.map((f) => f.key)] as [string, ...string[]]),
      }),
    )
    .max(100),
});
export type MappingColumns = z.infer<typeof customerMappingBody>['columns'];
