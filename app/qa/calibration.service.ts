// Calibration sessions: a supervisor or admin names a stored recording, a scorecard version and
// the evaluators (supervisors, admins); each evaluator scores it once through the ordinary
// evaluation flow, marked as the session's (not official); the results compare the scores per
// item (calibration.stats.ts). Closing the session refuses further evaluations and may pick one
// evaluation as the agent's official one. Nothing is stored when the input is refused.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ForbiddenError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/permissions.js';
import { AppError, NotFoundError } from '../errors.js';
import { QaCalibration } from './calibration.entities.js';
import { calibrationResults } from './calibration.stats.js';
import { QaEvaluation } from './qa.entities.js';
import { QaTask } from './sampling.entities.js';
import { NoRecordingError, type EvaluationInput, type QaService } from './qa.service.js';

export class CalibrationInputError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}

export class CalibrationStateError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export interface CalibrationDeps {
  db: DataSource;
  qa: QaService;
  recordingById: QaDepsRecording;
  /** The role of an enabled user (null: no such user, or disabled). */
  userRole: (username: string) => Promise<string | null>;
}
type QaDepsRecording = (id: string) => Promise<{ id: string; status: string } | null>;

const sessionView = (c: QaCalibration) => ({
  id: c.id, title: c.title, recordingId: c.recordingId, scorecardId: c.scorecardId, evaluators: JSON.parse(c.evaluators) as string[], threshold: Number(c.threshold),
  status: c.status, officialEvaluationId: c.officialEvaluationId, createdBy: c.createdBy, createdAt: c.createdAt, closedAt: c.closedAt,
});

/** Refuses evaluators who are not enabled supervisors or admins (400 invalid_evaluator). */
export async function checkEvaluators(names: string[], userRole: (u: string) => Promise<string | null>): Promise<void> {
  const bad: string[] = [];
  for (const n of names) {
    const role = await userRole(n);
    if (role !== 'supervisor' && role !== 'admin') bad.push(n);
  }
  if (bad.length) throw new CalibrationInputError('invalid_evaluator', `not a supervisor or admin: ${bad.join(', ')}`, { evaluators: bad });
}

export class CalibrationService {
  constructor(private readonly d: CalibrationDeps) {}

  async create(b: { title: string; recordingId: string; scorecardId: string; evaluators: string[]; threshold: number }, who: Principal) {
    const rec = await this.d.recordingById(b.recordingId);
    if (!rec) throw new NotFoundError('recording', b.recordingId);
    if (rec.status !== 'stored') throw new NoRecordingError(`recording ${rec.id} (${rec.status})`);
    await this.d.qa.cardDefinition(b.scorecardId);
    await checkEvaluators(b.evaluators, this.d.userRole);
    const row: QaCalibration = {
      id: randomUUID(), title: b.title, recordingId: rec.id, scorecardId: b.scorecardId, evaluators: JSON.stringify(b.evaluators), threshold: b.threshold.toFixed(1), status: 'open',
      officialEvaluationId: null, createdBy: who.name, createdAt: new Date(), closedAt: null,
    };
    await this.d.db.getRepository(QaCalibration).insert(row);
    return sessionView(row);
  }

  private async session(id: string): Promise<QaCalibration> {
    const c = await this.d.db.getRepository(QaCalibration).findOneBy({ id });
    if (!c) throw new NotFoundError('calibration session', id);
    return c;
  }

  async list(q: { status?: 'open' | 'closed'; limit: number }, who: Principal) {
    const rows = await this.d.db.getRepository(QaCalibration).find({ where: q.status ? { status: q.status } : {}, order: { createdAt: 'DESC' }, take: q.limit });
    const counts = new Map<string, number>();
    if (rows.length) {
      const evs = await this.d.db.getRepository(QaEvaluation).createQueryBuilder('e').select(['e.calibrationId', 'e.evaluator']).where('e.calibration_id IN (:...ids)', { ids: rows.map((r) => r.id) }).getMany();
      for (const e of evs) counts.set(e.calibrationId!, (counts.get(e.calibrationId!) ?? 0) + 1);
    }
    return rows.map((r) => {
      const v = sessionView(r);
      return { ...v, submitted: counts.get(r.id) ?? 0, invited: v.evaluators.includes(who.name) };
    });
  }

  /** The session, its evaluations and the comparison per item. */
  async get(id: string) {
    const c = await this.session(id);
    const { sections } = await this.d.qa.cardDefinition(c.scorecardId);
    const evs = await this.d.db.getRepository(QaEvaluation).find({ where: { calibrationId: id }, order: { createdAt: 'ASC' } });
    const evaluations = evs.map((e) => ({ id: e.id, evaluator: e.evaluator, score: Number(e.score), answers: JSON.parse(e.answers) as Record<string, number | 'na'>, summary: e.summary, official: !!e.official, createdAt: e.createdAt }));
    const v = sessionView(c);
    const done = new Set(evaluations.map((e) => e.evaluator));
    return { ...v, pending: v.evaluators.filter((n) => !done.has(n)), evaluations, results: calibrationResults({ sections }, evaluations, v.threshold) };
  }

  /** An invited evaluator's evaluation in an open session (once each). */
  async submit(id: string, b: Omit<EvaluationInput, 'recordingId' | 'callId' | 'scorecardId'> & Partial<Pick<EvaluationInput, 'recordingId' | 'callId' | 'scorecardId'>>, who: Principal) {
    const c = await this.session(id);
    if (c.status !== 'open') throw new CalibrationStateError('calibration_closed', 'this calibration session is closed');
    if (!(JSON.parse(c.evaluators) as string[]).includes(who.name)) throw new ForbiddenError('you are not invited to this calibration session', 'calibration_forbidden');
    if ((b.recordingId && b.recordingId !== c.recordingId) || b.callId) throw new CalibrationInputError('invalid_evaluation', 'a calibration evaluation is of the session\'s recording');
    if (b.scorecardId && b.scorecardId !== c.scorecardId) throw new CalibrationInputError('invalid_evaluation', 'a calibration evaluation uses the session\'s scorecard version');
    if (await this.d.db.getRepository(QaEvaluation).existsBy({ calibrationId: id, evaluator: who.name })) {
      throw new CalibrationStateError('already_evaluated', 'you have already evaluated this recording in this calibration session');
    }
    return this.d.qa.evaluate({ answers: b.answers, comments: b.comments, summary: b.summary, recordingId: c.recordingId, scorecardId: c.scorecardId }, who, id);
  }

  /** Closes the session; the picked evaluation (one of the session's) becomes official. */
  async close(id: string, b: { officialEvaluationId: string | null }) {
    const c = await this.session(id);
    if (c.status !== 'open') throw new CalibrationStateError('calibration_closed', 'this calibration session is closed already');
    if (b.officialEvaluationId && !(await this.d.db.getRepository(QaEvaluation).existsBy({ id: b.officialEvaluationId, calibrationId: id }))) {
      throw new CalibrationInputError('invalid_official', 'the official evaluation must be one of this session\'s');
    }
    const closedAt = new Date();
    await this.d.db.transaction(async (m) => {
      const r = await m.update(QaCalibration, { id, status: 'open' }, { status: 'closed', closedAt, officialEvaluationId: b.officialEvaluationId });
      if (!r.affected) throw new CalibrationStateError('calibration_closed', 'this calibration session is closed already');
      if (b.officialEvaluationId) {
        await m.update(QaEvaluation, { id: b.officialEvaluationId }, { official: true, updatedAt: closedAt });
        // Now the agent's evaluation: it closes its evaluator's open QA task for the recording, as an ordinary one would.
        const ev = await m.findOneByOrFail(QaEvaluation, { id: b.officialEvaluationId });
        await m.update(QaTask, { recordingId: c.recordingId, assignee: ev.evaluator, status: 'open' }, { status: 'done', evaluationId: ev.id, doneAt: closedAt });
      }
    });
    return this.get(id);
  }
}
