// QA sampling through the API (no Asterisk: recordings are stored rows): a rule for a queue takes
// n % of each agent's recorded calls of a week (rounded up, the lowest SHA-256 of the recording id
// first) and every flagged call; a run creates exactly those tasks, round-robin among the rule's
// evaluators; a second run creates none; the assignee's evaluation closes the task; bad rules get
// 4xx and store nothing; agents see neither rules nor tasks.
import { expect } from 'chai';
import { createHash, randomUUID } from 'node:crypto';
import { userToken } from '../support/acd.js';
import { api } from '../support/api.js';
import { DB_KINDS, type TestDb } from '../support/db.js';
import type { HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { count, createCard, seedRecording, sqlTime, startQaHotline } from './qa-fixtures.js';

const DAY = 86_400_000;
const PERCENT = 20;
const sha = (id: string) => createHash('sha256').update(id).digest('hex');

interface Task { id: string; recordingId: string; agentId: string; assignee: string; reason: string; status: string; evaluationId: string | null; week: string; scorecardId: string | null }

for (const kind of DB_KINDS) {
  describe(`QA sampling rules and tasks (${kind})`, function () {
    this.timeout(180_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let cleanup: () => Promise<void>;
    let sup1: { id: string; token: string };
    let sup2: { id: string; token: string };
    let agent: { id: string; token: string };
    let cardId: string;
    let ruleId: string;
    /** Seeded calls of last week per agent (10, 5 and 3), one of the second agent's flagged. */
    const calls = new Map<string, Array<{ id: string; flagged: boolean }>>();
    let flaggedId: string;
    let expected: string[];

    before(async () => {
      ({ db, hotline, cleanup } = await startQaHotline(kind));
      for (const name of ['sampq', 'otherq']) expect((await api(hotline.url, 'POST', '/api/acd/queues', { name })).status).to.equal(201);
      sup1 = await userToken(hotline.url, 'samp-one', 'supervisor');
      sup2 = await userToken(hotline.url, 'samp-two', 'supervisor');
      agent = await userToken(hotline.url, 'samp-agent', 'agent');
      cardId = await createCard(hotline.url);
      // Last week's Monday 08:00 UTC: a whole ISO week in the past.
      const now = new Date();
      const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - ((now.getUTCDay() + 6) % 7) * DAY - 7 * DAY + 8 * 3_600_000;
      for (const [n, agentId] of [[10, randomUUID()], [5, randomUUID()], [3, randomUUID()]] as const) {
        const list: Array<{ id: string; flagged: boolean }> = [];
        for (let i = 0; i < n; i++) {
          const flagged = n === 5 && i === 2;
          const id = await seedRecording(db, { queue: 'sampq', agentId, at: new Date(monday + i * 5 * 3_600_000), flags: flagged ? ['long_silence'] : [] });
          list.push({ id, flagged });
          if (flagged) flaggedId = id;
        }
        calls.set(agentId, list);
        // Not sampled: another queue's call, a failed recording, a call of three weeks ago.
        await seedRecording(db, { queue: 'otherq', agentId, at: new Date(monday) });
        await seedRecording(db, { queue: 'sampq', agentId, at: new Date(monday + 3_600_000), status: 'failed' });
        await seedRecording(db, { queue: 'sampq', agentId, at: new Date(monday - 14 * DAY) });
      }
      // The test's own pick: per agent ceil(20 % of the calls) unflagged ones by SHA-256 of the id, plus the flagged one.
      expected = [...calls.values()].flatMap((list) => [
        ...list.filter((c) => c.flagged).map((c) => c.id),
        ...list.filter((c) => !c.flagged).sort((a, b) => sha(a.id).localeCompare(sha(b.id))).slice(0, Math.ceil((PERCENT * list.length) / 100)).map((c) => c.id),
      ]);
    });
    after(async () => cleanup?.());

    const rule = () => ({ name: 'Weekly sample', queue: 'sampq', percent: PERCENT, evaluators: ['samp-one', 'samp-two'], scorecardId: cardId, dueDays: 5 });
    const allTasks = async () => (await api(hotline.url, 'GET', '/api/qa/tasks?mine=false&limit=500')).body.items as Task[];

    it('refuses bad rules with 4xx and stores nothing; agents see no rules or tasks', async () => {
      const cases: Array<[string, unknown, number, string]> = [
        ['unknown queue', { ...rule(), queue: 'nosuchq' }, 400, 'unknown_queue'],
        ['an agent as evaluator', { ...rule(), evaluators: ['samp-one', 'samp-agent'] }, 400, 'invalid_evaluator'],
        ['over 100 %', { ...rule(), percent: 150 }, 400, 'validation_failed'],
        ['no evaluator', { ...rule(), evaluators: [] }, 400, 'validation_failed'],
        ['unknown scorecard', { ...rule(), scorecardId: randomUUID() }, 404, 'not_found'],
      ];
      for (const [what, body, status, code] of cases) {
        const res = await api(hotline.url, 'POST', '/api/qa/sampling-rules', body);
        expect([res.status, res.body?.error?.code], what).to.deep.equal([status, code]);
      }
      expect((await api(hotline.url, 'POST', '/api/qa/sampling-rules', rule(), agent.token)).status).to.equal(403);
      expect(await count(db, 'qa_sampling_rules')).to.equal(0);
      for (const path of ['/api/qa/sampling-rules', '/api/qa/tasks']) expect((await api(hotline.url, 'GET', path, undefined, agent.token)).status, path).to.equal(403);
    });

    it('a run creates exactly the expected tasks, round-robin among the evaluators; a second run creates none', async () => {
      const created = await api(hotline.url, 'POST', '/api/qa/sampling-rules', rule(), sup1.token);
      expect(created.status).to.equal(201);
      ruleId = created.body.id;
      const first = await api(hotline.url, 'POST', '/api/qa/sampling-rules/run', {}, sup1.token);
      expect(first.status).to.equal(200);
      const tasks = await allTasks();
      // The hourly job may have run in between: together they made exactly the expected set.
      expect(tasks.map((t) => t.recordingId).sort()).to.deep.equal([...expected].sort());
      expect(tasks.every((t) => t.status === 'open' && t.scorecardId === cardId && /^\d{4}-W\d\d$/.test(t.week))).to.equal(true);
      expect(tasks.find((t) => t.recordingId === flaggedId)?.reason, 'the flagged call').to.equal('flagged');
      const per = (name: string) => tasks.filter((t) => t.assignee === name).length;
      expect(per('samp-one') + per('samp-two')).to.equal(tasks.length);
      expect(Math.abs(per('samp-one') - per('samp-two')), 'round-robin').to.be.at.most(1);
      const second = await api(hotline.url, 'POST', '/api/qa/sampling-rules/run', undefined, sup2.token);
      expect([second.status, second.body.created]).to.deep.equal([200, 0]);
      expect(await count(db, 'qa_tasks')).to.equal(expected.length);
      // The hourly run is a scheduler job (exactly once across nodes), the next one pending.
      const jobs = await db.query<{ status: string }>("SELECT status FROM scheduled_jobs WHERE kind = 'qa.sampling'");
      expect(jobs.map((j) => j.status)).to.include('pending');
      const audit = (await api(hotline.url, 'GET', '/api/audit?action=qa.sampling')).body.items as Array<{ target: string }>;
      expect(audit.map((a) => a.target)).to.include(`qa-sampling-rule:${ruleId}`);
    });

    it('each evaluator lists their own tasks; the assignee\'s evaluation closes the task, another\'s does not', async () => {
      const mine = (await api(hotline.url, 'GET', '/api/qa/tasks', undefined, sup1.token)).body.items as Task[];
      expect(mine.length).to.be.greaterThan(1);
      expect(mine.every((t) => t.assignee === 'samp-one')).to.equal(true);
      const [done, other] = mine as [Task, Task];
      const answers = { greet: 1, verify: 1, fix: 4, tone: 5 };
      const byOther = await api(hotline.url, 'POST', '/api/qa/evaluations', { recordingId: other.recordingId, scorecardId: cardId, answers }, sup2.token);
      expect(byOther.status).to.equal(201);
      const ev = await api(hotline.url, 'POST', '/api/qa/evaluations', { recordingId: done.recordingId, scorecardId: cardId, answers }, sup1.token);
      expect(ev.status).to.equal(201);
      const after = new Map((await allTasks()).map((t) => [t.id, t]));
      expect([after.get(done.id)!.status, after.get(done.id)!.evaluationId]).to.deep.equal(['done', ev.body.id]);
      expect(after.get(other.id)!.status, 'evaluated by someone else').to.equal('open');
      const open = (await api(hotline.url, 'GET', '/api/qa/tasks?status=open', undefined, sup1.token)).body.items as Task[];
      expect(open.map((t) => t.id)).to.not.include(done.id);
      const cancelled = await api(hotline.url, 'POST', `/api/qa/tasks/${other.id}/cancel`, undefined, sup2.token);
      expect([cancelled.status, cancelled.body.status]).to.deep.equal([200, 'cancelled']);
      expect((await api(hotline.url, 'POST', `/api/qa/tasks/${done.id}/cancel`, {}, sup2.token)).status, 'done already').to.equal(409);
    });

    it('a bad edit changes nothing; a good one applies; deleting the rule cancels its open tasks', async () => {
      const bad = await api(hotline.url, 'PUT', `/api/qa/sampling-rules/${ruleId}`, { ...rule(), evaluators: ['samp-agent'] });
      expect(bad.status).to.equal(400);
      const rules = () => api(hotline.url, 'GET', '/api/qa/sampling-rules').then((r) => r.body.items as Array<{ id: string; evaluators: string[]; percent: number }>);
      expect((await rules())[0]!.evaluators).to.deep.equal(['samp-one', 'samp-two']);
      const good = await api(hotline.url, 'PUT', `/api/qa/sampling-rules/${ruleId}`, { ...rule(), percent: 50 });
      expect([good.status, good.body.percent]).to.deep.equal([200, 50]);
      expect((await api(hotline.url, 'DELETE', `/api/qa/sampling-rules/${ruleId}`)).status).to.equal(204);
      expect(await rules()).to.deep.equal([]);
      const left = await allTasks();
      expect(left.filter((t) => t.status === 'open')).to.deep.equal([]);
      expect(left.filter((t) => t.status === 'done')).to.have.length(1);
    });

    it('the hourly scheduler job runs the rules by itself and schedules the next hour', async () => {
      const all = await api(hotline.url, 'POST', '/api/qa/sampling-rules', { ...rule(), name: 'Everything', percent: 100, evaluators: ['samp-two'] });
      expect(all.status).to.equal(201);
      // The pending hourly job, made due now: the scheduler (ticking every second) runs it.
      await db.exec("UPDATE scheduled_jobs SET due_at = ? WHERE kind = 'qa.sampling' AND status = 'pending'", [sqlTime(new Date(Date.now() - 1000))]);
      const stored = [...calls.values()].flat().length;
      const mine = await waitUntil('the sampling job to create the new rule\'s tasks', async () => {
        const items = (await api(hotline.url, 'GET', `/api/qa/tasks?mine=false&ruleId=${all.body.id}&limit=500`)).body.items as Task[];
        return items.length ? items : undefined;
      }, 30_000);
      expect(mine.map((t) => t.recordingId).sort(), '100 %: every stored call of the queue in the window').to.deep.equal([...calls.values()].flat().map((c) => c.id).sort());
      expect(mine).to.have.length(stored);
      const jobs = await db.query<{ status: string }>("SELECT status FROM scheduled_jobs WHERE kind = 'qa.sampling'");
      expect(jobs.map((j) => j.status)).to.include.members(['done', 'pending']);
      const audit = (await api(hotline.url, 'GET', '/api/audit?action=qa.sampling')).body.items as Array<{ actor: string; target: string }>;
      expect(audit.filter((a) => a.target === `qa-sampling-rule:${all.body.id}`).map((a) => a.actor)).to.deep.equal(['system:qa-sampling']);
    });
  });
}
