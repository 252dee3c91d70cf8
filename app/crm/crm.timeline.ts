// A customer's timeline, newest first: the rows of `interactions` and the calls from the
// customer's phone numbers (asked of the calls module through a port; the CRM does not read
// call records itself). Paged by a cursor "<ms>:<id>" of the last item shown.
import type { EntityManager } from 'typeorm';
import { Interaction } from './crm.entities.js';
import { phoneVariants } from './phone.js';

export interface TimelineItem {
  id: string;
  kind: string;
  at: Date;
  refId: string | null;
  /** Stored English text (notes: the agent's own words). */
  summary: string;
  actor: string;
  source: 'interaction' | 'call';
  /** The same in a form a page translates: `timeline.<key>` with these arguments; absent where `summary` is the words to show (notes, kinds other modules write). */
  text?: { key: string; args: Record<string, string | number> };
}

/**
 * The translatable form of the summaries the CRM and the tickets write (see where they are
 * written: crm.service.ts, tickets.service.ts) and of call items; anything else has none.
 */
export function describe(kind: string, summary: string): TimelineItem['text'] {
  if (kind === 'created' && summary === 'customer created') return { key: 'created', args: {} };
  let m = kind === 'updated' ? /^changed: (.*)$/.exec(summary) : null;
  if (m) return { key: 'updated', args: { fields: m[1]! } };
  m = kind === 'ticket' ? /^ticket (\S+) opened: (.*)$/s.exec(summary) : null;
  if (m) return { key: 'ticketOpened', args: { number: m[1]!, title: m[2]! } };
  // crm.merge.ts: "merged <name> (<id>) into this customer[; contact of <companies>]"
  m = kind === 'merge' ? /^merged (.*) \([0-9a-f-]{36}\) into this customer(?:; contact of (.*))?$/s.exec(summary) : null;
  if (m) return m[2] ? { key: 'mergedContact', args: { name: m[1]!, companies: m[2] } } : { key: 'merged', args: { name: m[1]! } };
  return undefined;
}

export interface CallSummary {
  id: string;
  startedAt: Date;
  callerNumber: string;
  calledNumber: string;
  outcome: string | null;
  durationMs: number | null;
}

/** What the CRM needs of the calls module: the calls whose caller number is one of these, newest first. */
export interface CallHistoryPort {
  listByCallers(callers: string[], limit: number, before?: { at: Date; id: string }): Promise<CallSummary[]>;
}

export function parseCursor(s: string | undefined): { at: Date; id: string } | undefined {
  if (!s) return undefined;
  const i = s.indexOf(':');
  return { at: new Date(Number(s.slice(0, i))), id: s.slice(i + 1) };
}

const newer = (a: TimelineItem, b: TimelineItem) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function callItem(c: CallSummary): TimelineItem {
  const secs = c.durationMs === null ? '' : `, ${Math.round(c.durationMs / 1000)} s`;
  const text: TimelineItem['text'] = c.outcome
    ? { key: 'callEnded', args: { from: c.callerNumber, to: c.calledNumber, outcome: c.outcome, seconds: c.durationMs === null ? 0 : Math.round(c.durationMs / 1000) } }
    : { key: 'call', args: { from: c.callerNumber, to: c.calledNumber } };
  return { id: c.id, kind: 'call', at: c.startedAt, refId: c.id, summary: `call from ${c.callerNumber} to ${c.calledNumber}${c.outcome ? ` (${c.outcome}${secs})` : ''}`, actor: '', source: 'call', text };
}

/** An interactions row as a timeline item. */
export function interactionItem(r: { id: string; kind: string; at: Date; refId: string | null; summary: string; actor: string }): TimelineItem {
  const text = describe(r.kind, r.summary);
  return { id: r.id, kind: r.kind, at: r.at, refId: r.refId, summary: r.summary, actor: r.actor, source: 'interaction', ...(text ? { text } : {}) };
}

/** Interactions and calls, newest first, one page of `limit` and the cursor of the next (each source fetched with limit + 1). */
export function mergeTimeline(interactions: TimelineItem[], callRows: CallSummary[], limit: number): { items: TimelineItem[]; next: string | null } {
  const recorded = new Set(interactions.filter((r) => r.kind === 'call' && r.refId).map((r) => r.refId));
  // A call another module already recorded as an interaction is shown once.
  const items = [...interactions, ...callRows.filter((c) => !recorded.has(c.id)).map(callItem)].sort(newer);
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, next: items.length > limit && last ? `${last.at.getTime()}:${last.id}` : null };
}

export async function customerTimeline(
  m: EntityManager,
  calls: CallHistoryPort | undefined,
  customerId: string,
  phones: string[],
  q: { limit: number; before?: string },
): Promise<{ items: TimelineItem[]; next: string | null }> {
  const before = parseCursor(q.before);
  const qb = m
    .createQueryBuilder(Interaction, 'i')
    .where('i.customer_id = :customerId', { customerId })
    .orderBy('i.at', 'DESC')
    .addOrderBy('i.id', 'DESC')
    .limit(q.limit + 1);
  if (before) qb.andWhere('i.at <= :t AND (i.at < :t OR i.id < :id)', { t: before.at, id: before.id });
  const callers = phones.flatMap(phoneVariants);
  const [rows, callRows] = await Promise.all([qb.getMany(), calls && callers.length ? calls.listByCallers(callers, q.limit + 1, before) : Promise.resolve([])]);
  return mergeTimeline(rows.map(interactionItem), callRows, q.limit);
}
