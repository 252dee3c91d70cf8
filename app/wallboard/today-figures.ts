// A queue's "today" figures on the wallboard come from the reports' own definitions and rollups
// (app/reports/definitions.ts, the 15-minute buckets of the queue since the start of its day), so
// the board and the reports never differ: service level, abandons (short abandons as the queue's
// treatment says), ASA. The board asks after the queue-call log and the rollups have written the
// event that triggered it.
import type { QueueDefinitions, QueueFigures } from '../reports/definitions.js';
import type { SurveyFigures } from '../reports/survey-definitions.js';

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
  /** Today's satisfaction survey answers (the survey report's figures); null when nobody was surveyed today. */
  satisfaction: Pick<SurveyFigures, 'surveyed' | 'answered' | 'satisfied' | 'csat' | 'averageScore' | 'responseRate'> | null;
}

/** The survey report's totals of one queue over [from, to) (app/survey SurveyService.queueTotals). */
export type SatisfactionSource = (queue: string, from: Date, to: Date) => Promise<SurveyFigures>;

/** The reports' figures of one queue over [from, to) (app/reports ReportsService.queueFigures). */
export type QueueFiguresSource = (queue: string, from: Date, to: Date) => Promise<{ figures: QueueFigures; definitions: QueueDefinitions }>;

export async function todayFigures(source: QueueFiguresSource, queue: string, since: Date, now: Date, surveys?: SatisfactionSource): Promise<TodayFigures> {
  // rollup buckets are 15 minutes: the range ends after the bucket now is in
  const [{ figures: f, definitions }, s] = await Promise.all([source(queue, since, new Date(now.getTime() + 15 * 60_000)), surveys ? surveys(queue, since, new Date(now.getTime() + 60_000)) : null]);
  return {
    since: since.toISOString(),
    answered: f.answered,
    abandoned: f.abandonedCounted,
    answeredWithinServiceLevel: f.answeredInSl,
    serviceLevel: f.serviceLevel,
    serviceLevelSeconds: definitions.serviceLevelSeconds,
    asaSeconds: f.asaSeconds,
    definitions,
    satisfaction: s && s.surveyed > 0 ? { surveyed: s.surveyed, answered: s.answered, satisfied: s.satisfied, csat: s.csat, averageScore: s.averageScore, responseRate: s.responseRate } : null,
  };
}
