// Merging a duplicate customer into a survivor, inside the caller's transaction: every row
// that belongs to the duplicate moves to the survivor, then the duplicate is marked
// merged_into. If any step fails (e.g. the combined custom fields are too large) the
// transaction rolls back and nothing has moved.
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { Company, CompanyContact, Customer, CustomerEmail, CustomerPhone, CustomerTag, Interaction, Reminder } from './crm.entities.js';
import { CustomFieldsTooLargeError, MergeRefusedError } from './crm.errors.js';
import { customFieldsProblem, type CustomFields } from './crm.schemas.js';
import { parseFields } from './crm.views.js';

export interface MergeResult {
  duplicateId: string;
  phones: number;
  emails: number;
  tags: number;
  interactions: number;
  reminders: number;
  contacts: number;
}

/** Rows of a (customer_id, value) table: the duplicate's values the survivor lacks move, the rest go. */
async function moveSet(m: EntityManager, entity: typeof CustomerEmail | typeof CustomerTag, col: 'email' | 'tag', from: string, to: string): Promise<number> {
  const theirs = (await m.find(entity, { where: { customerId: from } })) as unknown as Array<Record<string, string>>;
  const ours = new Set(((await m.find(entity, { where: { customerId: to } })) as unknown as Array<Record<string, string>>).map((r) => r[col]));
  const moving = theirs.map((r) => r[col]!).filter((v) => !ours.has(v));
  await m.delete(entity, { customerId: from });
  if (moving.length) await m.insert(entity, moving.map((v) => ({ customerId: to, [col]: v })));
  return moving.length;
}

export async function mergeCustomers(
  m: EntityManager,
  survivorId: string,
  duplicateId: string,
  actor: string,
  active: (m: EntityManager, id: string) => Promise<Customer>,
): Promise<MergeResult> {
  if (survivorId === duplicateId) throw new MergeRefusedError('a customer cannot be merged into itself');
  // Lock both rows (MariaDB/MySQL) in ID order so two merges of the same pair cannot interleave.
  if (m.connection.options.type !== 'better-sqlite3') {
    await m.query(`SELECT id FROM customers WHERE id IN (?, ?) ORDER BY id FOR UPDATE`, [survivorId, duplicateId]);
  }
  const survivor = await active(m, survivorId);
  const dup = await active(m, duplicateId);
  const now = new Date();

  const phones = await m.update(CustomerPhone, { customerId: dup.id }, { customerId: survivor.id });
  const emails = await moveSet(m, CustomerEmail, 'email', dup.id, survivor.id);
  const tags = await moveSet(m, CustomerTag, 'tag', dup.id, survivor.id);
  const interactions = await m.update(Interaction, { customerId: dup.id }, { customerId: survivor.id });
  const reminders = await m.update(Reminder, { customerId: dup.id }, { customerId: survivor.id });

  const theirContacts = await m.find(CompanyContact, { where: { customerId: dup.id } });
  const ourCompanies = new Set((await m.find(CompanyContact, { where: { customerId: survivor.id } })).map((c) => c.companyId));
  const movingContacts = theirContacts.filter((c) => !ourCompanies.has(c.companyId));
  await m.delete(CompanyContact, { customerId: dup.id });
  if (movingContacts.length) await m.insert(CompanyContact, movingContacts.map((c) => ({ ...c, customerId: survivor.id })));

  // The survivor's values win; the duplicate fills what the survivor leaves empty.
  const fields: CustomFields = { ...parseFields(dup.customFields), ...parseFields(survivor.customFields) };
  const problem = customFieldsProblem(fields);
  if (problem) throw new CustomFieldsTooLargeError(`the merged ${problem}; remove some fields from either customer first`);
  await m.update(Customer, { id: survivor.id }, {
    company: survivor.company || dup.company,
    address: survivor.address || dup.address,
    region: survivor.region || dup.region,
    vipLevel: Math.max(survivor.vipLevel, dup.vipLevel),
    customFields: Object.keys(fields).length ? JSON.stringify(fields) : null,
    updatedAt: now,
  });
  await m.update(Customer, { id: dup.id }, { mergedInto: survivor.id, updatedAt: now });
  // Customers merged into the duplicate earlier now point at the survivor (one hop, always).
  await m.update(Customer, { mergedInto: dup.id }, { mergedInto: survivor.id });

  const names = movingContacts.length ? (await m.find(Company, { where: { id: In(movingContacts.map((c) => c.companyId)) } })).map((c) => c.name) : [];
  await m.insert(Interaction, {
    id: randomUUID(),
    customerId: survivor.id,
    kind: 'merge',
    refId: dup.id,
    summary: `merged ${dup.name} (${dup.id}) into this customer${names.length ? `; contact of ${names.join(', ')}` : ''}`.slice(0, 2000),
    actor: actor.slice(0, 128),
    at: now,
  });
  return {
    duplicateId: dup.id,
    phones: phones.affected ?? 0,
    emails,
    tags,
    interactions: interactions.affected ?? 0,
    reminders: reminders.affected ?? 0,
    contacts: movingContacts.length,
  };
}
