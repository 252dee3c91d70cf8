// The survey's rows on SQLite and MariaDB (the call path is survey.test.ts, on MariaDB): one
// response per call however often it is begun, a response settled once, rows left `asking` by a
// stopped node settled as failed (and no other), and the figures grouped in the database (booleans
// come back as 0/1 there) equal to counting the rows.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../app/db/data-source.js';
import { SurveyService } from '../../app/survey/survey.service.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

for (const kind of DB_KINDS) {
  describe(`survey responses in the database (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let ds: DataSource;
    let now = new Date('2026-12-07T08:00:00Z');
    let surveys: SurveyService;
    const start = (over: Partial<Parameters<SurveyService['begin']>[0]> = {}) =>
      surveys.begin({ callId: randomUUID(), channelId: `ch-${randomUUID()}`, survey: 's', queue: 'q1', agentId: 'a1', agentName: 'Alice', callerNumber: '13800138000', ...over });

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      surveys = new SurveyService(ds, () => now);
    });
    after(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('one response per call: begun again (a takeover, a second pass) it is the same row; settled once', async () => {
      const callId = randomUUID();
      const first = await start({ callId });
      const again = await start({ callId });
      expect([first.fresh, again.fresh]).to.deep.equal([true, false]);
      expect(again.response.id).to.equal(first.response.id);
      expect(await surveys.settle(first.response.id, 'answered', { key: '1', label: 'good', score: 5, satisfied: true })).to.equal(true);
      expect(await surveys.settle(first.response.id, 'caller_hangup'), 'settled already').to.equal(false);
      const row = (await surveys.ofCall(callId))!;
      expect(row).to.deep.include({ status: 'answered', key: '1', score: 5 });
      expect(Boolean(row.satisfied)).to.equal(true);
      expect(await surveys.flagsOfCall(callId)).to.deep.equal([]);
    });

    it('rows left asking by a stopped node are settled as failed once old; a survey under way is not', async () => {
      now = new Date('2026-12-07T07:00:00Z');
      const old = await start();
      now = new Date('2026-12-07T07:59:00Z');
      const recent = await start();
      now = new Date('2026-12-07T08:00:00Z');
      expect(await surveys.settleStale(new Date(now.getTime() - 15 * 60_000))).to.equal(1);
      expect((await surveys.ofCall(old.response.callId))!.status).to.equal('failed');
      expect((await surveys.ofCall(recent.response.callId))!.status).to.equal('asking');
      expect(await surveys.asking(recent.response.channelId)).to.not.equal(null);
    });

    it('the figures grouped in the database equal counting the rows, by queue and agent, inside the windows', async () => {
      now = new Date('2026-12-07T09:00:00Z');
      const answers = [
        { agentId: 'b1', agentName: 'Bo', answer: { key: '1', label: 'good', score: 5, satisfied: true } },
        { agentId: 'b1', agentName: 'Bo', answer: { key: '2', label: 'bad', score: 1, satisfied: false } },
        { agentId: 'b2', agentName: 'Cai', answer: { key: '1', label: 'good', score: 5, satisfied: true } },
        { agentId: 'b2', agentName: 'Cai', answer: null },
      ];
      for (const a of answers) {
        const r = await start({ queue: 'q2', agentId: a.agentId, agentName: a.agentName });
        if (a.answer) await surveys.settle(r.response.id, 'answered', a.answer);
        else await surveys.settle(r.response.id, 'no_answer');
        if (a.answer && !a.answer.satisfied) expect(await surveys.flagsOfCall(r.response.callId)).to.deep.equal(['unsatisfied']);
      }
      const win: [number, number] = [Date.parse('2026-12-07T08:30:00Z'), Date.parse('2026-12-07T09:30:00Z')];
      const byQueue = await surveys.countersBy('queue', [win], null);
      expect(byQueue.get('q2')).to.deep.include({ surveyed: 4, answered: 3, satisfied: 2, scoreSum: 11 });
      expect([...byQueue.keys()], 'only rows inside the window').to.deep.equal(['q2']);
      expect(await surveys.countersBy('queue', [win], [])).to.have.property('size', 0);
      const byAgent = await surveys.countersBy('agent', [win], ['q2']);
      expect(byAgent.get('b1')).to.deep.include({ surveyed: 2, answered: 2, satisfied: 1 });
      expect(byAgent.get('b2')).to.deep.include({ surveyed: 2, answered: 1, satisfied: 1 });
      const report = await surveys.report({ from: new Date(win[0]), to: new Date(win[1]), groupBy: 'agent', timezone: 'Asia/Shanghai' });
      expect(report.rows.map((r) => [r.label, r.csat])).to.deep.equal([['Bo', 0.5], ['Cai', 1]]);
      const byDay = await surveys.report({ from: new Date(win[0]), to: new Date(win[1]), groupBy: 'day', timezone: 'Asia/Shanghai' });
      expect(byDay.rows.map((r) => r.key)).to.deep.equal(['2026-12-07']);
      expect(byDay.total).to.deep.include({ surveyed: 4, answered: 3, csat: 2 / 3 });
    });
  });
}
