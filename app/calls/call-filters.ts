// The Calls search's filters as conditions of a query, written once for GET /api/calls
// (CallsService.list) and its Excel export (calls.pager.ts, which adds its keyset): a time
// range, the caller's number (exact, its start, or both) and the rest exact. Values are bound
// parameters, never put in the SQL.
import type { SelectQueryBuilder } from 'typeorm';
import type { CallOutcome, CallRecord } from './calls.entities.js';

export interface CallFilters {
  /** Started at or after `from`, before `to`. */
  from?: Date;
  to?: Date;
  /** The caller's number, exactly. */
  caller?: string;
  /** Digits (optionally after +) the caller's number starts with (calls.schemas.ts NUMBER_START). */
  callerPrefix?: string;
  called?: string;
  outcome?: CallOutcome;
  queue?: string;
  agentId?: string;
  flow?: string;
  source?: string;
}

/** The exact-match filters and their columns. */
const EXACT = [['called', 'calledNumber'], ['outcome', 'outcome'], ['queue', 'queue'], ['agentId', 'agentId'], ['flow', 'flow'], ['source', 'source']] as const;

/**
 * Adds the filters that are set to `qb` (AND, on its main alias). The parameters are named
 * from, to, caller, prefix and the EXACT keys: the query's own conditions use other names.
 */
export function whereCallsMatch<Q extends SelectQueryBuilder<CallRecord>>(qb: Q, f: CallFilters): Q {
  const r = qb.alias;
  if (f.from) qb.andWhere(`${r}.startedAt >= :from`, { from: f.from });
  if (f.to) qb.andWhere(`${r}.startedAt < :to`, { to: f.to });
  if (f.caller) qb.andWhere(`${r}.callerNumber = :caller`, { caller: f.caller });
  // Digits and + only (the schema): nothing LIKE reads as a wildcard.
  if (f.callerPrefix) qb.andWhere(`${r}.callerNumber LIKE :prefix`, { prefix: `${f.callerPrefix}%` });
  for (const [key, column] of EXACT) if (f[key]) qb.andWhere(`${r}.${column} = :${key}`, { [key]: f[key] });
  return qb;
}
