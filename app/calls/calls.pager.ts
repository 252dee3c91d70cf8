// Call records page by page (the Excel export), newest first like GET /calls, by keyset
// (started_at, id) so the millionth row costs what the first did.
import type { DataSource } from 'typeorm';
import { CallRecord } from './calls.entities.js';
import { whereCallsMatch, type CallFilters } from './call-filters.js';

/** GET /api/calls's filters (call-filters.ts): the export takes the Calls page's search as it stands. */
export type CallExportFilter = CallFilters;

export type CallCursor = { startedAt: Date; id: string };
export type CallExportRow = Pick<
  CallRecord,
  'id' | 'startedAt' | 'callerNumber' | 'callerName' | 'calledNumber' | 'flow' | 'answeredAt' | 'endedAt' | 'durationMs' | 'outcome' | 'hangupCause' | 'digits' | 'handledBy'
  | 'queue' | 'agentName' | 'agentInterface' | 'holdSeconds' | 'talkSeconds' | 'disposition'
>;

export type CallerHistoryRow = Pick<CallRecord, 'id' | 'startedAt' | 'callerNumber' | 'calledNumber' | 'outcome' | 'durationMs'>;

export interface CallRecordPager {
  page(filter: CallExportFilter, after: CallCursor | null, limit: number): Promise<{ items: CallExportRow[]; next: CallCursor | null }>;
  /** The newest calls whose caller number is exactly one of `callers` (the CRM's timeline), before a cursor. */
  byCallers(callers: string[], limit: number, before?: { at: Date; id: string }): Promise<CallerHistoryRow[]>;
}

const COLUMNS = [
  'id', 'startedAt', 'callerNumber', 'callerName', 'calledNumber', 'flow', 'answeredAt', 'endedAt', 'durationMs', 'outcome', 'hangupCause', 'digits', 'handledBy',
  'queue', 'agentName', 'agentInterface', 'holdSeconds', 'talkSeconds', 'disposition',
];

export function callRecordPager(db: DataSource): CallRecordPager {
  const repo = db.getRepository(CallRecord);
  return {
    async page(filter, after, limit) {
      const qb = whereCallsMatch(repo.createQueryBuilder('r'), filter)
        .select(COLUMNS.map((c) => `r.${c}`))
        .orderBy('r.startedAt', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .limit(limit);
      // Written so the started_at index gives a range scan (an OR of the two cases does not).
      if (after) qb.andWhere('r.startedAt <= :t AND (r.startedAt < :t OR r.id < :id)', { t: after.startedAt, id: after.id });
      const items = await qb.getMany();
      const last = items[items.length - 1];
      return { items, next: items.length === limit && last ? { startedAt: last.startedAt, id: last.id } : null };
    },
    async byCallers(callers, limit, before) {
      if (!callers.length) return [];
      const qb = repo
        .createQueryBuilder('r')
        .select(['r.id', 'r.startedAt', 'r.callerNumber', 'r.calledNumber', 'r.outcome', 'r.durationMs'])
        .where('r.callerNumber IN (:...callers)', { callers: callers.slice(0, 500) })
        .orderBy('r.startedAt', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .limit(limit);
      if (before) qb.andWhere('r.startedAt <= :t AND (r.startedAt < :t OR r.id < :id)', { t: before.at, id: before.id });
      return qb.getMany();
    },
  };
}
