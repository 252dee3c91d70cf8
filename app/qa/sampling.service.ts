// Sampling rules and QA tasks. A run (the hourly scheduler job `qa.sampling`, exactly once across
// nodes, or POST /api/qa/sampling-rules/run) looks at the ISO week of the run and the week before
// and, per enabled rule, creates the tasks sampling.select.ts picks: the recording, the rule's
// next evaluator (round-robin), a due date. A task is unique per recording and rule, so running
// twice creates nothing twice. A task is done when its assignee submits an evaluation of the
// recording (qa.service.ts), or cancelled by a supervisor.
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { AuditInput } from '../auth/audit.js';
import type { Principal } from '../auth/permissions.js';
import { AppError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobView, SchedulerService } from '../scheduler/index.js';
import { isDuplicateKey } from '../crm/crm.service.js';
import { checkEvaluators } from './calibration.service.js';
import type { QaService } from './qa.service.js';
import { QaSamplingRule, QaTask } from './sampling.entities.js';
import { selectForRule, weekStart, type Candidate } from './sampling.select.js';

export const SAMPLING_JOB = 'qa.sampling';
const ACTOR = 'system:qa-sampling';
const HOUR = 3_600_000;
const WEEK = 7 * 86_400_000;

export class SamplingInputError extends AppError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class TaskStateError extends AppError {
  constructor(message: string) {
    super(409, 'task_state', message);
  }
}

export interface SamplingDeps {
  db: DataSource;
  qa: QaService;
  scheduler: SchedulerService;
  /** Stored recordings of a queue answered in [from, to). */
  recordingsOf: (queue: string, from: Date, to: Date, m: EntityManager) => Promise<Array<{ id: string; agentId: string | null; answeredAt: Date; flags: string }>>;
  queueNames: () => Promise<string[]>;
  userRole: (username: string) => Promise<string | null>;
  audit: (e: AuditInput, m?: EntityManager) => Promise<void>;
  log: Logger;
}

export interface RuleInput {
  name: string;
  queue: string;
  percent: number;
  evaluators: string[];
  scorecardId: string | null;
  dueDays: number;
  enabled: boolean;
}

const ruleView = (r: QaSamplingRule) => ({
  id: r.id, name: r.name, queue: r.queue, percent: r.percent, evaluators: JSON.parse(r.evaluators) as string[], scorecardId: r.scorecardId, dueDays: r.dueDays,
  enabled: !!r.enabled, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt,
});
const taskView = (t: QaTask) => ({
  id: t.id, ruleId: t.ruleId, recordingId: t.recordingId, agentId: t.agentId, queue: t.queue, week: t.week, reason: t.reason, scorecardId: t.scorecardId, assignee: t.assignee,
  dueAt: t.dueAt, status: t.status, evaluationId: t.evaluationId, createdAt: t.createdAt, doneAt: t.doneAt,
});

/** The next hour's job: due at the top of the hour after `now`, keyed by that hour (UTC). */
export function nextSampling(now = new Date()): { dueAt: Date; key: string } {
  const dueAt = new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
  return { dueAt, key: dueAt.toISOString().slice(0, 13) };
}

export class SamplingService {
  constructor(private readonly d: SamplingDeps) {
    d.scheduler.register(SAMPLING_JOB, async (job: JobView, m) => {
      await this.run(m, new Date(), ACTOR);
      let next = nextSampling();
      if (next.key === job.key) next = nextSampling(new Date(next.dueAt.getTime() + 60_000));
      await this.d.scheduler.schedule(SAMPLING_JOB, next.key, next.dueAt, {}, m);
    });
  }

  async ensureScheduled(now = new Date()): Promise<void> {
    const next = nextSampling(now);
    if (!(await this.d.scheduler.find(SAMPLING_JOB, next.key))) await this.d.scheduler.schedule(SAMPLING_JOB, next.key, next.dueAt, {});
  }

  // ---- rules ------------------------------------------------------------------------------------

  private async check(b: RuleInput): Promise<void> {
    if (!(await this.d.queueNames()).includes(b.queue)) throw new SamplingInputError('unknown_queue', `no queue named ${b.queue}`);
    if (b.scorecardId) await this.d.qa.cardDefinition(b.scorecardId);
    await checkEvaluators(b.evaluators, this.d.userRole);
  }

  async rules() {
    return (await this.d.db.getRepository(QaSamplingRule).find({ order: { queue: 'ASC', name: 'ASC' } })).map(ruleView);
  }

  async createRule(b: RuleInput, who: Principal) {
    await this.check(b);
    const now = new Date();
    const row: QaSamplingRule = { id: randomUUID(), ...b, evaluators: JSON.stringify(b.evaluators), assigned: 0, createdBy: who.name, createdAt: now, updatedAt: now };
    await this.d.db.getRepository(QaSamplingRule).insert(row);
    return ruleView(row);
  }

  private async rule(id: string): Promise<QaSamplingRule> {
    const r = await this.d.db.getRepository(QaSamplingRule).findOneBy({ id });
    if (!r) throw new NotFoundError('sampling rule', id);
    return r;
  }

  async updateRule(id: string, b: RuleInput) {
    const old = await this.rule(id);
    await this.check(b);
    const changes = { ...b, evaluators: JSON.stringify(b.evaluators), updatedAt: new Date() };
    await this.d.db.getRepository(QaSamplingRule).update({ id }, changes);
    return ruleView({ ...old, ...changes });
  }

  /** Removes the rule; its open tasks are cancelled (done ones stay). */
  async deleteRule(id: string): Promise<void> {
    await this.rule(id);
    await this.d.db.transaction(async (m) => {
      await m.update(QaTask, { ruleId: id, status: 'open' }, { status: 'cancelled', doneAt: new Date() });
      await m.delete(QaSamplingRule, { id });
    });
  }

  // ---- runs -------------------------------------------------------------------------------------

  /** Creates the tasks the enabled rules lack for the ISO week of `at` and the week before. */
  async run(m: EntityManager, at: Date, actor: string): Promise<{ created: number; byRule: Record<string, number> }> {
    const to = new Date(weekStart(at).getTime() + WEEK);
    const from = new Date(to.getTime() - 2 * WEEK);
    const rules = await m.find(QaSamplingRule, { where: { enabled: true }, order: { createdAt: 'ASC' } });
    const byRule: Record<string, number> = {};
    let created = 0;
    for (const rule of rules) {
      const recs = await this.d.recordingsOf(rule.queue, from, to, m);
      if (!recs.length) continue;
      const existing = await m.find(QaTask, { where: { ruleId: rule.id, recordingId: In(recs.map((r) => r.id)) } });
      const candidates: Candidate[] = recs.map((r) => ({ id: r.id, agentId: r.agentId, answeredAt: new Date(r.answeredAt), flagged: r.flags.split(',').some(Boolean) }));
      const picks = selectForRule(candidates, rule.percent, existing);
      if (!picks.length) continue;
      const evaluators = JSON.parse(rule.evaluators) as string[];
      const now = new Date();
      const queue = rule.queue;
      const rows: QaTask[] = picks.map((p, i) => ({
        id: randomUUID(), ruleId: rule.id, recordingId: p.recordingId, agentId: p.agentId, queue, week: p.week, reason: p.reason, scorecardId: rule.scorecardId,
        assignee: evaluators[(rule.assigned + i) % evaluators.length]!, dueAt: new Date(now.getTime() + rule.dueDays * 86_400_000), status: 'open', evaluationId: null, createdAt: now, doneAt: null,
      }));
      for (const row of rows) await m.insert(QaTask, row);
      await m.update(QaSamplingRule, { id: rule.id }, { assigned: rule.assigned + rows.length });
      byRule[rule.id] = rows.length;
      created += rows.length;
      await this.d.audit({ actor, action: 'qa.sampling', target: `qa-sampling-rule:${rule.id}`, detail: { queue, tasks: rows.length, flagged: rows.filter((r) => r.reason === 'flagged').length } }, m);
    }
    if (created) this.d.log.info({ created }, 'QA tasks created by sampling');
    return { created, byRule };
  }

  /** A run on demand (supervisor, admin). A run racing another (the job) fails on the unique key: tried again, it adds what is still missing. */
  async runNow(at: Date, who: Principal) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.d.db.transaction((m) => this.run(m, at, who.name));
      } catch (err) {
        if (attempt >= 3 || !isDuplicateKey(err)) throw err;
      }
    }
  }

  // ---- tasks ------------------------------------------------------------------------------------

  async tasks(q: { mine: 'true' | 'false'; status?: QaTask['status']; ruleId?: string; limit: number }, who: Principal) {
    const where: FindOptionsWhere<QaTask> = { ...(q.status ? { status: q.status } : {}), ...(q.ruleId ? { ruleId: q.ruleId } : {}) };
    if (q.mine === 'true') where.assignee = who.name;
    return (await this.d.db.getRepository(QaTask).find({ where, order: { dueAt: 'ASC', createdAt: 'ASC' }, take: q.limit })).map(taskView);
  }

  async cancelTask(id: string) {
    const t = await this.d.db.getRepository(QaTask).findOneBy({ id });
    if (!t) throw new NotFoundError('QA task', id);
    if (t.status !== 'open') throw new TaskStateError(`the task is ${t.status}: only an open one is cancelled`);
    const changes = { status: 'cancelled' as const, doneAt: new Date() };
    const r = await this.d.db.getRepository(QaTask).update({ id, status: 'open' }, changes);
    if (!r.affected) throw new TaskStateError('the task changed meanwhile');
    return taskView({ ...t, ...changes });
  }
}
