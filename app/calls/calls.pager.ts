// Call records page by page (the Excel export), newest first like GET /calls, by keyset
// (started_at, id) so the millionth row costs what the first did.
import type { DataSource } from 'typeorm';
import { CallRecord } from './calls.entities.js';

export interface CallExportFilter {
  /** Exact caller number, as GET /calls?caller= */
  caller?: string;
  /** started_at >= from */
  from?: Date;
  /** started_at < to */
  to?: Date;
  /** The rest as GET /calls takes them: the start of the caller's number (digits, + first), the rest exact. */
  callerPrefix?: string;
  called?: string;
  outcome?: string;
  queue?: string;
  agentId?: string;
  flow?: string;
  source?: string;
}

/** The exact-match filters and their columns. */
const EXACT = [['called', 'calledNumber'], ['outcome', 'outcome'], ['queue', 'queue'], ['agentId', 'agentId'], ['flow', 'flow'], ['source', 'source']] as const;

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
      const qb = repo
        .createQueryBuilder('r')
        .select(COLUMNS.map((c) => `r.${c}`))
        .orderBy('r.startedAt', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .limit(limit);
      if (filter.caller) qb.andWhere('r.callerNumber = :caller', { caller: filter.caller });
      // Digits and + only (the schema): nothing LIKE reads as a wildcard.
      if (filter.callerPrefix) qb.andWhere('r.callerNumber LIKE :prefix', { prefix: `${filter.callerPrefix}%` });
      for (const [key, column] of EXACT) if (filter[key]) qb.andWhere(`r.${column} = :${key}`, { [key]: filter[key] });
      if (filter.from) qb.andWhere('r.startedAt >= :from', { from: filter.from });
      if (filter.to) qb.andWhere('r.startedAt < :to', { to: filter.to });
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
