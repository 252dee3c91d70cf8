// QA: scorecards (an edit is a new version; evaluations keep the version they used), evaluations
// of recorded calls (scored by qa.scoring.ts), the agent's acknowledgement or dispute, the
// supervisor's resolution, and averages per agent, queue or item. Nothing is stored when the
// input is refused.
import { randomUUID } from 'node:crypto';
import { Between, type DataSource, type FindOptionsWhere } from 'typeorm';
import { ForbiddenError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/permissions.js';
import { AppError, NotFoundError } from '../errors.js';
import { isDuplicateKey } from '../crm/crm.service.js';
import { QaEvaluation, QaScorecard } from './qa.entities.js';
import { QaTask } from './sampling.entities.js';
import type { ScorecardDefinition } from './qa.schemas.js';
import { score } from './qa.scoring.js';

export class NoRecordingError extends AppError {
  constructor(what: string) {
    super(422, 'no_recording', `${what} has no stored recording to evaluate`);
  }
}

export class EvaluationStateError extends AppError {
  constructor(message: string) {
    super(409, 'evaluation_state', message);
  }
}

/** What QA needs of a recording (the recording module answers). */
export interface RecordingRef {
  id: string;
  callId: string | null;
  agentId: string | null;
  queue: string;
  status: string;
}

export interface EvaluationInput {
  recordingId?: string;
  callId?: string;
  scorecardId: string;
  answers: Record<string, number | 'na'>;
  comments: Array<{ at: number; text: string }>;
  summary: string;
}

export interface QaDeps {
  db: DataSource;
  recordingById: (id: string) => Promise<RecordingRef | null>;
  recordingOfCall: (callId: string) => Promise<RecordingRef | null>;
  /** Throws 403 unless `who` may hear the recording. */
  mayHear: (who: Principal, r: RecordingRef) => Promise<void>;
  agentOfUser: (userId: string) => Promise<string | null>;
}

const view = (e: QaEvaluation) => ({
  id: e.id, recordingId: e.recordingId, callId: e.callId, scorecardId: e.scorecardId, scorecardVersion: e.scorecardVersion, agentId: e.agentId, queue: e.queue,
  evaluator: e.evaluator, answers: JSON.parse(e.answers) as unknown, comments: JSON.parse(e.comments) as unknown, summary: e.summary, score: Number(e.score),
  criticalFailed: e.criticalFailed.split(',').filter(Boolean), status: e.status, disputeComment: e.disputeComment, resolutionComment: e.resolutionComment, resolvedBy: e.resolvedBy,
  createdAt: e.createdAt, updatedAt: e.updatedAt, calibrationId: e.calibrationId, official: !!e.official,
});
export type EvaluationView = ReturnType<typeof view>;
const cardView = (c: QaScorecard) => ({ id: c.id, name: c.name, queue: c.queue, version: c.version, ...(JSON.parse(c.definition) as Pick<ScorecardDefinition, 'sections'>), createdBy: c.createdBy, createdAt: c.createdAt });

export class QaService {
  constructor(private readonly d: QaDeps) {}

  async createScorecard(def: ScorecardDefinition, who: Principal, previous?: QaScorecard) {
    const row: QaScorecard = { id: randomUUID(), name: def.name, queue: def.queue, version: previous ? previous.version + 1 : 1, definition: JSON.stringify({ sections: def.sections }), createdBy: who.name, createdAt: new Date() };
    await this.d.db.getRepository(QaScorecard).insert(row);
    return cardView(row);
  }

  /** An edit: a new version (new id) of the card; evaluations made with the old one keep it. */
  async reviseScorecard(id: string, def: ScorecardDefinition, who: Principal) {
    return this.createScorecard(def, who, await this.card(id));
  }

  private async card(id: string): Promise<QaScorecard> {
    const c = await this.d.db.getRepository(QaScorecard).findOneBy({ id });
    if (!c) throw new NotFoundError('scorecard', id);
    return c;
  }

  async scorecards() {
    return (await this.d.db.getRepository(QaScorecard).find({ order: { name: 'ASC', version: 'DESC' } })).map(cardView);
  }

  /** The card's sections (throws 404 for an unknown card). */
  async cardDefinition(id: string): Promise<{ card: QaScorecard; sections: ScorecardDefinition['sections'] }> {
    const card = await this.card(id);
    return { card, sections: (JSON.parse(card.definition) as Pick<ScorecardDefinition, 'sections'>).sections };
  }

  /**
   * Scores and stores an evaluation. Inside a calibration session (`calibrationId`) it is not
   * official (the agent does not see it, reports leave it out); otherwise it also closes the
   * evaluator's open QA tasks for the recording.
   */
  async evaluate(b: EvaluationInput, who: Principal, calibrationId: string | null = null): Promise<EvaluationView> {
    const card = await this.card(b.scorecardId);
    const rec = b.recordingId ? await this.d.recordingById(b.recordingId) : await this.d.recordingOfCall(b.callId!);
    if (!rec) {
      if (b.recordingId) throw new NotFoundError('recording', b.recordingId);
      throw new NoRecordingError(`call ${b.callId}`);
    }
    if (rec.status !== 'stored') throw new NoRecordingError(`recording ${rec.id} (${rec.status})`);
    await this.d.mayHear(who, rec);
    const def = { name: card.name, queue: card.queue, ...(JSON.parse(card.definition) as Pick<ScorecardDefinition, 'sections'>) };
    const s = score(def, b.answers); // throws 400 before anything is stored
    const now = new Date();
    const row: QaEvaluation = {
      id: randomUUID(), recordingId: rec.id, callId: rec.callId, scorecardId: card.id, scorecardVersion: card.version, agentId: rec.agentId, queue: rec.queue, evaluator: who.name,
      answers: JSON.stringify(b.answers), comments: JSON.stringify([...b.comments].sort((x, y) => x.at - y.at)), summary: b.summary, score: s.score.toFixed(1), criticalFailed: s.criticalFailed.join(','),
      status: 'submitted', disputeComment: null, resolutionComment: null, resolvedBy: null, createdAt: now, updatedAt: now, calibrationId: null, official: true,
    };
    row.calibrationId = calibrationId;
    row.official = !calibrationId;
    try {
      await this.d.db.transaction(async (m) => {
        await m.insert(QaEvaluation, row);
        if (row.official) {
          await m.update(QaTask, { recordingId: rec.id, assignee: who.name, status: 'open' }, { status: 'done', evaluationId: row.id, doneAt: now });
        }
      });
    } catch (err) {
      if (calibrationId && isDuplicateKey(err)) throw new EvaluationStateError('you have already evaluated this recording in this calibration session');
      throw err;
    }
    return view(row);
  }

  private async own(id: string, who: Principal): Promise<QaEvaluation> {
    const e = await this.d.db.getRepository(QaEvaluation).findOneBy({ id });
    if (!e) throw new NotFoundError('evaluation', id);
    if (who.role === 'agent') {
      if (!e.official) throw new NotFoundError('evaluation', id);
      const agentId = who.kind === 'user' ? await this.d.agentOfUser(who.id) : null;
      if (!agentId || agentId !== e.agentId) throw new ForbiddenError('this evaluation is of another agent\'s call', 'evaluation_forbidden');
    }
    return e;
  }

  async get(id: string, who: Principal) {
    return view(await this.own(id, who));
  }

  async list(q: { agentId?: string; recordingId?: string; status?: QaEvaluation['status']; calibrationId?: string; limit: number }, who: Principal) {
    const where: FindOptionsWhere<QaEvaluation> = { ...(q.recordingId ? { recordingId: q.recordingId } : {}), ...(q.status ? { status: q.status } : {}), ...(q.agentId ? { agentId: q.agentId } : {}) };
    if (q.calibrationId && who.role !== 'agent') where.calibrationId = q.calibrationId;
    else where.official = true;
    if (who.role === 'agent') where.agentId = (who.kind === 'user' ? await this.d.agentOfUser(who.id) : null) ?? '-';
    return (await this.d.db.getRepository(QaEvaluation).find({ where, order: { createdAt: 'DESC' }, take: q.limit })).map(view);
  }

  /** The agent of the call accepts the evaluation, or disputes it with a comment. */
  async answer(id: string, who: Principal, dispute: string | null) {
    const e = await this.own(id, who);
    if (who.role !== 'agent') throw new ForbiddenError('only the evaluated agent acknowledges or disputes', 'evaluation_forbidden');
    if (e.status !== 'submitted') throw new EvaluationStateError(`the evaluation is ${e.status}: only a submitted one is acknowledged or disputed`);
    const changes = dispute ? { status: 'disputed' as const, disputeComment: dispute, updatedAt: new Date() } : { status: 'acknowledged' as const, updatedAt: new Date() };
    const r = await this.d.db.getRepository(QaEvaluation).update({ id, status: 'submitted' }, changes);
    if (!r.affected) throw new EvaluationStateError('the evaluation changed meanwhile');
    return view({ ...e, ...changes });
  }

  /** The supervisor resolves a dispute with a comment (a changed score is a new evaluation). */
  async resolve(id: string, b: { comment: string }, who: Principal) {
    const e = await this.own(id, who);
    if (e.status !== 'disputed') throw new EvaluationStateError(`the evaluation is ${e.status}: only a disputed one is resolved`);
    const changes = { status: 'resolved' as const, resolutionComment: b.comment, resolvedBy: who.name, updatedAt: new Date() };
    await this.d.db.getRepository(QaEvaluation).update({ id, status: 'disputed' }, changes);
    return view({ ...e, ...changes });
  }

  /** Average score and count per agent or queue, or per item (share of full marks), over a period. */
  async report(by: 'agent' | 'queue' | 'item', from?: Date, to?: Date) {
    const rows = await this.d.db.getRepository(QaEvaluation).find({ where: { official: true, ...(from || to ? { createdAt: Between(from ?? new Date(0), to ?? new Date(8.64e15)) } : {}) } });
    const groups = new Map<string, { n: number; sum: number }>();
    const add = (k: string, v: number) => {
      const g = groups.get(k) ?? { n: 0, sum: 0 };
      g.n++;
      g.sum += v;
      groups.set(k, g);
    };
    for (const r of rows) {
      if (by === 'agent') add(r.agentId ?? '', Number(r.score));
      else if (by === 'queue') add(r.queue, Number(r.score));
      else for (const [item, v] of Object.entries(JSON.parse(r.answers) as Record<string, number | 'na'>)) if (v !== 'na') add(item, v);
    }
    return [...groups.entries()].map(([key, g]) => ({ key, evaluations: g.n, average: Math.round((g.sum / g.n) * 10) / 10 })).sort((a, b) => a.key.localeCompare(b.key));
  }
}
