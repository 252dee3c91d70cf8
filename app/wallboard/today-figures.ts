// A queue's "today" figures on the wallboard come from the reports' own definitions and rollups
// (app/reports/definitions.ts, the 15-minute buckets of the queue since the start of its day), so
// the board and the reports never differ: service level, abandons (short abandons as the queue's
// treatment says), ASA. The board asks after the queue-call log and the rollups have written the
// event that triggered it.
import type { QueueDefinitions, QueueFigures } from '../reports/definitions.js';

export interface TodayFigures {
  /** Start of "today" in the queue's timezone. */
  since: string;
  answered: number;
  /** Abandons as the queue's short-abandon treatment counts them. */
  abandoned: number;
  answeredWithinServiceLevel: number;
  /** 0..1, null with no call in the service-level base yet. */
  serviceLevel: number | null;
  serviceLevelSeconds: number;
  /** Average speed of answer, seconds (null: nothing answered yet). */
  asaSeconds: number | null;
  /** The definitions these figures follow (the same the reports print). */
  definitions: QueueDefinitions;
}

/** The reports' figures of one queue over [from, to) (app/reports ReportsService.queueFigures). */
export type QueueFiguresSource = (queue: string, from: Date, to: Date) => Promise<{ figures: QueueFigures; definitions: QueueDefinitions }>;

export async function todayFigures(source: QueueFiguresSource, queue: string, since: Date, now: Date): Promise<TodayFigures> {
  // rollup buckets are 15 minutes: the range ends after the bucket now is in
  const { figures: f, definitions } = await source(queue, since, new Date(now.getTime() + 15 * 60_000));
  return {
    since: since.toISOString(),
    answered: f.answered,
    abandoned: f.abandonedCounted,
    answeredWithinServiceLevel: f.answeredInSl,
    serviceLevel: f.serviceLevel,
    serviceLevelSeconds: definitions.serviceLevelSeconds,
    asaSeconds: f.asaSeconds,
    definitions,
  };
}
