// The customer edit form as text fields, and the PATCH it makes: only what changed (phones,
// emails and tags as lists split at commas, Chinese commas or spaces; a custom field removed is
// sent as null, one whose text did not change keeps its number or yes/no type).

export interface FieldRow { key: string; value: string }
export interface CustomerForm {
  name: string;
  phones: string;
  emails: string;
  company: string;
  address: string;
  region: string;
  tags: string;
  vipLevel: number;
  fields: FieldRow[];
}
type Scalar = string | number | boolean;
export interface CustomerShown {
  name: string;
  phones: string[];
  emails: string[];
  company: string;
  address: string;
  region: string;
  tags: string[];
  vipLevel: number;
  customFields: Record<string, Scalar>;
}

export const splitList = (s: string): string[] => s.split(/[,，;；\s]+/).filter(Boolean);
/** Phones may be written with spaces inside ("138 0013 8000"): only commas and semicolons part them. */
export const splitPhones = (s: string): string[] => s.split(/[,，;；\n]+/).map((x) => x.trim()).filter(Boolean);

export function formOf(c: CustomerShown): CustomerForm {
  return {
    name: c.name,
    phones: c.phones.join(', '),
    emails: c.emails.join(', '),
    company: c.company,
    address: c.address,
    region: c.region,
    tags: c.tags.join(', '),
    vipLevel: c.vipLevel,
    fields: Object.entries(c.customFields).map(([key, value]) => ({ key, value: String(value) })),
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function patchOf(c: CustomerShown, f: CustomerForm): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const text = (key: 'name' | 'company' | 'address' | 'region') => {
    if (f[key].trim() !== c[key]) patch[key] = f[key];
  };
  text('name');
  text('company');
  text('address');
  text('region');
  const phones = splitPhones(f.phones);
  if (!sameList(phones, c.phones)) patch.phones = phones;
  const emails = splitList(f.emails);
  if (!sameList(emails, c.emails)) patch.emails = emails;
  const tags = splitList(f.tags);
  if (!sameList(tags, c.tags)) patch.tags = tags;
  if (f.vipLevel !== c.vipLevel) patch.vipLevel = f.vipLevel;
  const fields: Record<string, Scalar | null> = {};
  const kept = new Set<string>();
  for (const row of f.fields) {
    const key = row.key.trim();
    if (!key) continue;
    kept.add(key);
    const old = c.customFields[key];
    if (old === undefined || String(old) !== row.value) fields[key] = row.value;
  }
  for (const key of Object.keys(c.customFields)) if (!kept.has(key)) fields[key] = null;
  if (Object.keys(fields).length) patch.customFields = fields;
  return patch;
}
