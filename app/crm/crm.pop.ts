// The screen pop's reads, on its hot path: two round trips of plain indexed SQL (no entity
// hydration). 1: the number (primary key of customer_phones) → the active customer and all its
// numbers, in one join. 2, in parallel: emails, tags, companies, the last interactions, open
// reminders, and the calls from its numbers (through the calls port).
import type { EntityManager } from 'typeorm';
import type { CustomerView } from './crm.views.js';
import { contactLinks, parseFields } from './crm.views.js';
import { interactionItem, mergeTimeline, type CallHistoryPort } from './crm.timeline.js';
import { phoneVariants } from './phone.js';

export interface PopReminder {
  id: string;
  agentId: string;
  dueAt: Date;
  text: string;
  status: string;
}

/** DATETIME as the drivers return it in a raw query: a Date (mysql2, timezone Z) or "YYYY-MM-DD HH:MM:SS.sss" in UTC (SQLite). */
const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));

type Row = Record<string, unknown>;

export async function popData(m: EntityManager, calls: CallHistoryPort | undefined, phone: string, lastN = 5) {
  const rows = (await m.query(
    `SELECT c.id, c.name, c.company, c.address, c.region, c.vip_level, c.custom_fields, c.created_at, c.updated_at, p2.phone
       FROM customer_phones p
       JOIN customers c ON c.id = p.customer_id AND c.deleted_at IS NULL AND c.merged_into IS NULL
       JOIN customer_phones p2 ON p2.customer_id = c.id
      WHERE p.phone = ?`,
    [phone],
  )) as Row[];
  const c = rows[0];
  if (!c) return null;
  const id = String(c.id);
  const phones = rows.map((r) => String(r.phone)).sort();
  const [emails, tags, links, interactions, reminders, callRows] = await Promise.all([
    m.query('SELECT email FROM customer_emails WHERE customer_id = ? ORDER BY email', [id]) as Promise<Row[]>,
    m.query('SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag', [id]) as Promise<Row[]>,
    contactLinks(m, [id]),
    m.query('SELECT id, kind, ref_id, summary, actor, at FROM interactions WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT ?', [id, lastN + 1]) as Promise<Row[]>,
    m.query(`SELECT id, agent_id, due_at, text, status FROM reminders WHERE customer_id = ? AND status <> 'done' ORDER BY due_at LIMIT 5`, [id]) as Promise<Row[]>,
    calls ? calls.listByCallers(phones.flatMap(phoneVariants), lastN + 1) : Promise.resolve([]),
  ]);
  const customer: CustomerView = {
    id,
    name: String(c.name),
    company: String(c.company),
    address: String(c.address),
    region: String(c.region),
    vipLevel: Number(c.vip_level),
    phones,
    emails: emails.map((e) => String(e.email)),
    tags: tags.map((t) => String(t.tag)),
    customFields: { ...parseFields((c.custom_fields as string | null) ?? null) },
    companies: links.get(id) ?? [],
    createdAt: toDate(c.created_at),
    updatedAt: toDate(c.updated_at),
  };
  const items = interactions.map((r) => interactionItem({ id: String(r.id), kind: String(r.kind), at: toDate(r.at), refId: (r.ref_id as string | null) ?? null, summary: String(r.summary), actor: String(r.actor) }));
  const openReminders: PopReminder[] = reminders.map((r) => ({ id: String(r.id), agentId: String(r.agent_id), dueAt: toDate(r.due_at), text: String(r.text), status: String(r.status) }));
  return { customer, lastInteractions: mergeTimeline(items, callRows, lastN).items, openReminders };
}
