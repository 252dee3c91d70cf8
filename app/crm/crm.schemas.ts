import { z } from 'zod';
import { normalizePhone } from './phone.js';

const phone = z.string().max(40).transform((v, ctx) => {
  const n = normalizePhone(v);
  if (!n) ctx.addIssue({ code: 'custom', message: `"${v}" is not a phone number` });
  return n ?? '';
});

export const createCustomerBody = z.strictObject({
  name: z.string().trim().min(1).max(128),
  company: z.string().max(128).default(''),
  vipLevel: z.number().int().min(0).max(9).default(0),
  phones: z.array(phone).min(1).max(20),
});

export const customerIdParams = z.object({ id: z.uuid() });
export const customerQuery = z.strictObject({ phone: z.string().min(1).max(40) });
