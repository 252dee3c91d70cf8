import { z } from 'zod';
import { normalizePhone } from './phone.js';

export const phone = z.string().max(40).transform((v, ctx) => {
  const n = normalizePhone(v);
  if (!n) ctx.addIssue({ code: 'custom', message: `"${v}" is not a phone number` });
  return n ?? '';
});

export const email = z
  .string()
  .trim()
  .max(254)
  .transform((v) => v.toLowerCase())
  .pipe(z.email({ message: 'not a valid email address' }));

/** Tags: trimmed, inner spaces collapsed, lower-cased (Chinese unchanged); no commas or control characters. */
export const tag = z
  .string()
  .transform((v) => v.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase())
  .pipe(z.string().min(1, 'a tag cannot be empty').max(64).regex(/^[^,\p{Cc}]+$/u, 'a tag cannot contain commas or control characters'));

export const CUSTOM_FIELDS_MAX_KEYS = 50;
export const CUSTOM_FIELDS_MAX_BYTES = 4096;
/** Letters of any script, digits, _ . - ; no __proto__ and friends. */
const KEY = /^[\p{L}_][\p{L}\p{N}_.-]{0,63}$/u;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const fieldValue = z.union([z.string().max(1000), z.number().finite(), z.boolean()], { message: 'a custom field value is a string, a number or a boolean' });

export type CustomFields = Record<string, string | number | boolean>;

/** Throws a message when custom fields exceed the limits (also checked after a merge combines two sets). */
export function customFieldsProblem(f: CustomFields): string | null {
  const keys = Object.keys(f).length;
  if (keys > CUSTOM_FIELDS_MAX_KEYS) return `custom fields: ${keys} fields, at most ${CUSTOM_FIELDS_MAX_KEYS}`;
  const bytes = new TextEncoder().encode(JSON.stringify(f)).length; // UTF-8 bytes, in Node and in the browser
  if (bytes > CUSTOM_FIELDS_MAX_BYTES) return `custom fields: ${bytes} bytes as JSON, at most ${CUSTOM_FIELDS_MAX_BYTES}`;
  return null;
}

const sized = <T extends z.ZodType<Record<string, unknown>>>(s: T) =>
  s.superRefine((v, ctx) => {
    const problem = customFieldsProblem(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) as CustomFields);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * Field names are checked on the raw object, before zod's record (which silently drops a
 * "__proto__" key and reports a bad key only as "Invalid key in record").
 */
const noForbiddenKeys = z.unknown().superRefine((v, ctx) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is not allowed as a custom field name` });
    else if (!KEY.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'a custom field name is 1–64 letters, digits, _ . - and starts with a letter or _' });
  }
});
const fieldKey = z.string();

export const customFields = noForbiddenKeys.pipe(sized(z.record(fieldKey, fieldValue)));
/** PATCH: a null value removes the field. */
export const customFieldsPatch = noForbiddenKeys.pipe(sized(z.record(fieldKey, z.union([fieldValue, z.null()]))));

const text = (max: number) => z.string().trim().max(max);
const uniq = <T>(xs: T[]) => [...new Set(xs)];

export const createCustomerBody = z.strictObject({
  name: z.string().trim().min(1).max(128),
  phones: z.array(phone).max(20).default([]).transform(uniq),
  emails: z.array(email).max(20).default([]).transform(uniq),
  company: text(128).default(''),
  address: text(255).default(''),
  region: text(64).default(''),
  tags: z.array(tag).max(50).default([]).transform(uniq),
  vipLevel: z.number().int().min(0).max(9).default(0),
  customFields: customFields.default({}),
});
export type CreateCustomerInput = z.infer<typeof createCustomerBody>;

export const patchCustomerBody = z
  .strictObject({
    name: z.string().trim().min(1).max(128),
    phones: z.array(phone).max(20).transform(uniq),
    emails: z.array(email).max(20).transform(uniq),
    company: text(128),
    address: text(255),
    region: text(64),
    tags: z.array(tag).max(50).transform(uniq),
    vipLevel: z.number().int().min(0).max(9),
    customFields: customFieldsPatch,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type PatchCustomerInput = z.infer<typeof patchCustomerBody>;

export const tagsBody = z.strictObject({ tags: z.array(tag).min(1).max(50).transform(uniq) });
export const tagParams = z.object({ id: z.uuid(), tag });
export const customerIdParams = z.object({ id: z.uuid() });
export const mergeBody = z.strictObject({ duplicateId: z.uuid() });
export const noteBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });

const limit = (max = 100, dflt = 20) => z.coerce.number().int().min(1).max(max).default(dflt);
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);

export const CUSTOMER_SORTS = ['name', 'createdAt', 'updatedAt', 'vipLevel'] as const;
/** Part of a phone number (e.g. its last four digits, 尾号): 3 to 20 digits, optionally after +. */
export const PHONE_DIGITS = /^\+?[0-9]{3,20}$/;
/** The customer search's filters (customer-filters.ts); the customers' export takes them too (io.schemas.ts). */
export const customerListQuery = z.strictObject({
  /** Name contains (any language). */
  name: z.string().min(1).max(128).optional(),
  /** Any written form of a phone number: exact match after normalization. */
  phone: phone.optional(),
  /** A stored number contains these digits, or is what they normalize to (8613800138000 finds 13800138000). */
  phoneDigits: z.string().regex(PHONE_DIGITS, '3 to 20 digits, optionally after +').optional(),
  email: email.optional(),
  tag: tag.optional(),
  /** The company text contains it, or the customer is a contact of a company whose name contains it. */
  company: z.string().min(1).max(128).optional(),
  companyId: z.uuid().optional(),
  region: z.string().min(1).max(64).optional(),
  limit: limit(),
  offset,
  sort: z.enum(CUSTOMER_SORTS).default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;

export const screenPopQuery = z.strictObject({ phone: z.string().min(1).max(64) });

export const timelineQuery = z.strictObject({
  limit: limit(100, 20),
  /** The `next` cursor of the previous page. */
  before: z
    .string()
    .regex(/^\d{1,15}:[0-9a-zA-Z-]{1,64}$/, 'not a timeline cursor (use the `next` of the previous page)')
    .optional(),
});

export const reminderBody = z.strictObject({
  dueAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  text: z.string().trim().min(1).max(1000),
  /** The user to remind; default: the one creating it. */
  agentId: z.string().min(1).max(36).optional(),
});
export const reminderListQuery = z.strictObject({
  agentId: z.string().min(1).max(36).optional(),
  customerId: z.uuid().optional(),
  status: z.enum(['open', 'notified', 'done']).optional(),
  dueBefore: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: limit(),
  offset,
});

export const companyBody = z.strictObject({
  name: z.string().trim().min(1).max(128),
  address: text(255).default(''),
  region: text(64).default(''),
});
export const patchCompanyBody = z
  .strictObject({ name: z.string().trim().min(1).max(128), address: text(255), region: text(64) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export const companyListQuery = z.strictObject({ name: z.string().min(1).max(128).optional(), limit: limit(), offset });
export const contactBody = z.strictObject({ customerId: z.uuid(), role: text(64).default('') });
export const contactParams = z.object({ id: z.uuid(), customerId: z.uuid() });
