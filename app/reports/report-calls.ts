// Drill-down: the calls behind a figure of a report (通话明细). A figure of the summary or the
// queue comparison — offered, answered (within or past the service level), abandoned (short),
// callbacks, overflowed, timed out — of a period, a queue or the whole range, listed call by call
// from the report facts, under the same definitions and thresholds the figure was counted with.
// A call that overflowed is listed once per queue it entered (as the queue figures count it).
import { Brackets, In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { ValidationError } from '../errors.js';
import type { QueueDefinitions } from './definitions.js';
import { regionLabel } from './region.js';
import { periodBounds, type Interval } from './report-time.js';
import { clipWindows, type Window } from './report-windows.js';
import { windowsWhere } from './window-sql.js';
import { ReportCallFact } from './reports.entities.js';
import { CallRecord } from '../calls/calls.entities.js';

import type { DrillFigure } from './report-figures.js';

const OUTCOME: Partial<Record<DrillFigure, string>> = {
  answered: 'answered', answeredInSl: 'answered', answeredOutSl: 'answered', abandoned: 'abandoned', abandonedShort: 'abandoned',
  callbacks: 'callback', overflowed: 'overflowed', timeouts: 'timeout',
};

export interface DrillQuery {
  from: Date;
  to: Date;
  /** The windows of the range on the chosen weekdays and times of day (the range itself without a day filter). */
  windows: Window[];
  tz: string;
  locale: 'zh-CN' | 'en';
  queues: string[] | null;
  queueDefs: Map<string, QueueDefinitions>;
  figure: DrillFigure;
  /** A period label of the summary (with its interval): only the calls that entered a queue in it. */
  period?: { label: string; interval: Interval };
  agents: string[] | null;
  agentNames: Map<string, string>;
  limit: number;
  offset: number;
}

/** The threshold condition of a figure, per queue (each queue under its own thresholds). */
function thresholds(qb: SelectQueryBuilder<ReportCallFact>, figure: DrillFigure, defs: Map<string, QueueDefinitions>, fallback: QueueDefinitions): void {
  if (figure !== 'answeredInSl' && figure !== 'answeredOutSl' && figure !== 'abandonedShort') return;
  const queues = [...defs.keys()];
  const limit = (d: QueueDefinitions) => (figure === 'abandonedShort' ? d.shortAbandonSeconds : d.serviceLevelSeconds);
  const op = figure === 'answeredInSl' ? '<=' : figure === 'answeredOutSl' ? '>' : '<';
  qb.andWhere(new Brackets((w) => {
    queues.forEach((q, i) => w.orWhere(`(f.queue = :dq${i} AND f.wait_seconds ${op} :dl${i})`, { [`dq${i}`]: q, [`dl${i}`]: limit(defs.get(q)!) }));
    // Queues deleted since: the center's thresholds.
    if (queues.length) w.orWhere(`(f.queue NOT IN (:...dqAll) AND f.wait_seconds ${op} :dlx)`, { dqAll: queues, dlx: limit(fallback) });
    else w.where(`f.wait_seconds ${op} :dlx`, { dlx: limit(fallback) });
  }));
}

export async function drillDown(db: DataSource, q: DrillQuery, fallback: QueueDefinitions) {
  let from = q.from;
  let to = q.to;
  if (q.period) {
    const b = periodBounds(q.period.label, q.period.interval, q.tz);
    if (!b) throw new ValidationError(`invalid query: period: not a ${q.period.interval} of the summary: ${q.period.label.slice(0, 40)}`, [{ field: 'period', message: 'not a period label' }]);
    from = new Date(Math.max(b[0], q.from.getTime()));
    to = new Date(Math.min(b[1], q.to.getTime()));
  }
  const qb = db.getRepository(ReportCallFact).createQueryBuilder('f')
    .where(windowsWhere('f.joined_at', clipWindows(q.windows, from.getTime(), to.getTime())));
  if (q.queues) qb.andWhere('f.queue IN (:...queues)', { queues: q.queues });
  const outcome = OUTCOME[q.figure];
  if (outcome) qb.andWhere('f.outcome = :outcome', { outcome });
  if (q.agents) qb.andWhere('f.agent_id IN (:...agents)', { agents: q.agents });
  thresholds(qb, q.figure, q.queueDefs, fallback);
  const [rows, total] = await qb.orderBy('f.joined_at', 'DESC').addOrderBy('f.id', 'DESC').skip(q.offset).take(q.limit).getManyAndCount();
  // The call record of each leg (Hotline's own calls and an attached PBX's), for its timeline.
  const records = rows.length ? await db.getRepository(CallRecord).find({ where: { channelId: In([...new Set(rows.map((r) => r.uniqueid))]) }, select: { id: true, channelId: true, source: true } }) : [];
  const items = rows.map((f) => ({
    id: f.id,
    at: f.joinedAt.toISOString(),
    answeredAt: f.answeredAt?.toISOString() ?? null,
    endedAt: f.endedAt?.toISOString() ?? null,
    queue: f.queue,
    callerNumber: f.callerNumber,
    outcome: f.outcome,
    waitSeconds: f.waitSeconds,
    talkSeconds: f.talkSeconds,
    holdSeconds: f.holdSeconds,
    wrapupSeconds: f.wrapupSeconds,
    agentId: f.agentId,
    agentName: f.agentId ? (q.agentNames.get(f.agentId) ?? null) : null,
    disposition: f.disposition,
    regionLabel: regionLabel(f.city, q.locale),
    overflowTo: f.overflowTo || null,
    callId: records.find((r) => r.channelId === f.uniqueid && r.source === f.source)?.id ?? null,
  }));
  return { from: from.toISOString(), to: to.toISOString(), tz: q.tz, figure: q.figure, total, limit: q.limit, offset: q.offset, items };
}
