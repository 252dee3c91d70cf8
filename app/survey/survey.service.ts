// Surveys and their responses: the definitions admins keep, the response row each surveyed call
// gets (written before the question is asked, settled once), and the figures over them.
import { randomUUID } from 'node:crypto';
import { LessThan, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { isDuplicateKey } from '../crm/crm.service.js';
import { NotFoundError } from '../errors.js';
import { addSurveyResponse, emptySurveyCounters, surveyFigures, type SurveyCounters, type SurveyFigures } from '../reports/survey-definitions.js';
import type { Window } from '../reports/report-windows.js';
import { windowsWhere } from '../reports/window-sql.js';
import { Survey, SurveyResponse } from './survey.entities.js';
import { SurveyExistsError, SurveyInUseError } from './survey.errors.js';
import { surveyUpdateBody, type ResponseListQuery, type ResponseStatus, type SurveyDefinition, type SurveyReportQuery } from './survey.schemas.js';

/** The recording flag of a call whose caller answered the survey with an answer not marked satisfied. */
export const UNSATISFIED_FLAG = 'unsatisfied';

export type SurveyView = SurveyDefinition & { id: string; createdBy: string; createdAt: Date; updatedBy: string; updatedAt: Date };

/** Who asks which queues name a survey (the ACD's queue settings). */
export type QueuesUsing = (survey: string) => Promise<string[]>;

export interface ResponseStart {
  callId: string;
  channelId: string;
  survey: string;
  queue: string;
  agentId: string | null;
  agentName: string | null;
  callerNumber: string;
}

export interface ReportRow extends SurveyFigures {
  key: string;
  label: string;
}

/** A response's answer from a raw row (SQLite and MariaDB give booleans as 0/1). */
const answerOf = (r: { status: string; score: number | null; satisfied: unknown; label: string | null }) =>
  r.status === 'answered' && r.score !== null ? { score: Number(r.score), satisfied: r.satisfied === true || r.satisfied === 1 || r.satisfied === '1', label: r.label ?? '' } : null;

/**
 * Responses counted in the database per group (`col`) and answer: one row per group, status, score,
 * satisfied and label with its count `n` and the group's `name`.
 */
function grouped(qb: SelectQueryBuilder<SurveyResponse>, col: string, name: string) {
  return qb
    .select(col, 'g')
    .addSelect(name, 'name')
    .addSelect('r.status', 'status')
    .addSelect('r.score', 'score')
    .addSelect('r.satisfied', 'satisfied')
    .addSelect('r.label', 'label')
    .addSelect('COUNT(*)', 'n')
    .groupBy(col)
    .addGroupBy('r.status')
    .addGroupBy('r.score')
    .addGroupBy('r.satisfied')
    .addGroupBy('r.label')
    .getRawMany<{ g: string | null; name: string | null; status: string; score: number | null; satisfied: unknown; label: string | null; n: number | string }>();
}

const dayKey = (tz: string) => {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (d: Date) => f.format(d);
};

export class SurveyService {
  queuesUsing: QueuesUsing = async () => [];

  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private view(s: Survey): SurveyView {
    const def = JSON.parse(s.definition) as Omit<SurveyDefinition, 'name'>;
    return { ...def, name: s.name, id: s.id, createdBy: s.createdBy, createdAt: s.createdAt, updatedBy: s.updatedBy, updatedAt: s.updatedAt };
  }

  async list(): Promise<SurveyView[]> {
    const rows = await this.db.manager.find(Survey, { order: { name: 'ASC' } });
    return rows.map((s) => this.view(s));
  }

  async get(name: string): Promise<SurveyView> {
    const s = await this.db.manager.findOne(Survey, { where: { name } });
    if (!s) throw new NotFoundError('survey', name);
    return this.view(s);
  }

  async find(name: string): Promise<SurveyView | null> {
    const s = await this.db.manager.findOne(Survey, { where: { name } });
    return s ? this.view(s) : null;
  }

  async create(def: SurveyDefinition, actor: string): Promise<SurveyView> {
    const { name, ...rest } = def;
    const now = this.now();
    const row = { id: randomUUID(), name, definition: JSON.stringify(rest), createdBy: actor, createdAt: now, updatedBy: actor, updatedAt: now };
    try {
      await this.db.manager.insert(Survey, row);
    } catch (err) {
      if (isDuplicateKey(err)) throw new SurveyExistsError(name);
      throw err;
    }
    return this.view(Object.assign(new Survey(), row));
  }

  async update(name: string, def: ReturnType<typeof surveyUpdateBody.parse>, actor: string): Promise<SurveyView> {
    const s = await this.db.manager.findOne(Survey, { where: { name } });
    if (!s) throw new NotFoundError('survey', name);
    const clean: Record<string, unknown> = { ...def };
    for (const k of ['invalidPrompt', 'thanksPrompt']) if (clean[k] === null) delete clean[k];
    s.definition = JSON.stringify(clean);
    s.updatedBy = actor;
    s.updatedAt = this.now();
    await this.db.manager.save(s);
    return this.view(s);
  }

  async remove(name: string): Promise<SurveyView> {
    const s = await this.get(name);
    const queues = await this.queuesUsing(name);
    if (queues.length) throw new SurveyInUseError(name, queues);
    await this.db.manager.delete(Survey, { name });
    return s;
  }

  // ---- responses ------------------------------------------------------------------------

  /**
   * The response of a call, opened as `asking` (once per call: a call resumed on another node, or
   * a second pass through the queue, gets the row it has).
   */
  async begin(r: ResponseStart): Promise<{ response: SurveyResponse; fresh: boolean }> {
    const row: SurveyResponse = Object.assign(new SurveyResponse(), {
      id: randomUUID(),
      ...r,
      status: 'asking',
      key: null,
      label: null,
      score: null,
      satisfied: null,
      asked: 0,
      startedAt: this.now(),
      endedAt: null,
    });
    try {
      await this.db.manager.insert(SurveyResponse, row);
      return { response: row, fresh: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const had = await this.db.manager.findOne(SurveyResponse, { where: { callId: r.callId } });
      if (!had) throw err;
      return { response: had, fresh: false };
    }
  }

  /** The response still being asked on this channel (a takeover resumes it), or null. */
  async asking(channelId: string): Promise<SurveyResponse | null> {
    return this.db.manager.findOne(SurveyResponse, { where: { channelId, status: 'asking' }, order: { startedAt: 'DESC' } });
  }

  /**
   * Responses left `asking` by a node that stopped while the caller was asked and whose caller was
   * never picked up again (hung up meanwhile): settled as `failed` once no survey can still be
   * running (a survey lasts minutes at most). Returns how many.
   */
  async settleStale(startedBefore: Date): Promise<number> {
    const r = await this.db.manager.update(SurveyResponse, { status: 'asking', startedAt: LessThan(startedBefore) }, { status: 'failed', endedAt: this.now() });
    return r.affected ?? 0;
  }

  async asked(id: string): Promise<void> {
    await this.db.manager.increment(SurveyResponse, { id, status: 'asking' }, 'asked', 1);
  }

  /** Settles a response still being asked; false when it was settled already. */
  async settle(id: string, status: Exclude<ResponseStatus, 'asking'>, answer?: { key: string; label: string; score: number; satisfied: boolean }): Promise<boolean> {
    const r = await this.db.manager.update(SurveyResponse, { id, status: 'asking' }, { status, endedAt: this.now(), ...(answer ?? {}) });
    return (r.affected ?? 0) > 0;
  }

  /** The recording flags the survey holds for a call: `unsatisfied` when its caller answered so. */
  async flagsOfCall(callId: string): Promise<string[]> {
    const r = await this.ofCall(callId);
    return r?.status === 'answered' && !r.satisfied ? [UNSATISFIED_FLAG] : [];
  }

  async ofCall(callId: string): Promise<SurveyResponse | null> {
    return this.db.manager.findOne(SurveyResponse, { where: { callId } });
  }

  private windowed(q: { from: Date; to: Date; queue?: string; agentId?: string; survey?: string }): SelectQueryBuilder<SurveyResponse> {
    const qb = this.db.manager.createQueryBuilder(SurveyResponse, 'r').where('r.startedAt >= :from AND r.startedAt < :to', { from: q.from, to: q.to });
    if (q.queue) qb.andWhere('r.queue = :queue', { queue: q.queue });
    if (q.agentId) qb.andWhere('r.agentId = :agentId', { agentId: q.agentId });
    if (q.survey) qb.andWhere('r.survey = :survey', { survey: q.survey });
    return qb;
  }

  async responses(q: ResponseListQuery): Promise<{ items: SurveyResponse[]; total: number }> {
    const qb = this.windowed(q);
    if (q.status) qb.andWhere('r.status = :status', { status: q.status });
    if (q.satisfied) qb.andWhere('r.satisfied = :sat', { sat: q.satisfied === 'yes' });
    const [items, total] = await qb.orderBy('r.startedAt', 'DESC').addOrderBy('r.id', 'ASC').skip(q.offset).take(q.limit).getManyAndCount();
    return { items, total };
  }

  /** The figures of one queue over [from, to) (the wallboard's "today"). */
  async queueTotals(queue: string, from: Date, to: Date): Promise<SurveyFigures> {
    return (await this.report({ from, to, queue, groupBy: 'queue', timezone: 'UTC' })).total;
  }

  /**
   * Counters per queue or agent of the responses that began inside `windows` (a report's UTC
   * windows), optionally only in `queues`: what the queue comparison and the agent statistics add.
   */
  async countersBy(groupBy: 'queue' | 'agent', windows: Window[], queues: string[] | null): Promise<Map<string, SurveyCounters>> {
    const col = groupBy === 'queue' ? 'r.queue' : 'r.agentId';
    const qb = this.db.manager.createQueryBuilder(SurveyResponse, 'r').where(windowsWhere('r.startedAt', windows, 'sv')).andWhere("r.status <> 'asking'");
    if (queues) {
      if (!queues.length) return new Map();
      qb.andWhere('r.queue IN (:...queues)', { queues });
    }
    const rows = await grouped(qb, col, col);
    const out = new Map<string, SurveyCounters>();
    for (const r of rows) {
      if (r.g === null || r.g === '') continue;
      const c = out.get(r.g) ?? emptySurveyCounters();
      out.set(r.g, c);
      const answer = answerOf(r);
      for (let i = 0; i < Number(r.n); i++) addSurveyResponse(c, answer);
    }
    return out;
  }

  /** Figures per queue, agent, survey or day, and for the whole window. Responses still being asked are not counted. */
  async report(q: SurveyReportQuery): Promise<{ rows: ReportRow[]; total: SurveyFigures }> {
    const groups = new Map<string, { label: string; c: SurveyCounters }>();
    const total = emptySurveyCounters();
    const add = (key: string, label: string, n: number, answer: { score: number; satisfied: boolean; label: string } | null) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { label, c: emptySurveyCounters() }));
      for (let i = 0; i < n; i++) {
        addSurveyResponse(g.c, answer);
        addSurveyResponse(total, answer);
      }
    };
    if (q.groupBy === 'day') {
      const key = dayKey(q.timezone);
      const rows = await this.windowed(q).andWhere("r.status <> 'asking'").select(['r.startedAt', 'r.status', 'r.score', 'r.satisfied', 'r.label']).getMany();
      for (const r of rows) {
        const k = key(r.startedAt);
        add(k, k, 1, answerOf(r));
      }
    } else {
      const col = { queue: 'r.queue', agent: 'r.agentId', survey: 'r.survey' }[q.groupBy];
      const rows = await grouped(this.windowed(q).andWhere("r.status <> 'asking'"), col, q.groupBy === 'agent' ? 'MAX(r.agentName)' : col);
      for (const r of rows) add(r.g ?? '', r.name ?? r.g ?? '', Number(r.n), answerOf(r));
    }
    const rows = [...groups.entries()].map(([key, g]) => ({ key, label: g.label, ...surveyFigures(g.c) })).sort((a, b) => (q.groupBy === 'day' ? a.key.localeCompare(b.key) : b.surveyed - a.surveyed || a.key.localeCompare(b.key)));
    return { rows, total: surveyFigures(total) };
  }
}
