// Drill-down (GET /api/reports/calls): the calls behind each figure of the call summary and the
// queue comparison. A day of queue calls is put in the ACD's table (no Asterisk: the figures
// themselves are checked against queue_log in reports.test.ts), the rollups rebuilt, and for
// every figure of every period and queue the list holds exactly as many calls as the figure,
// and the very calls the test expects from its own rows and the queue's thresholds.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { rebuildReports } from '../support/reports-rebuild.js';

type Row = { queue: string; caller: string; outcome: 'answered' | 'abandoned' | 'timeout'; wait: number; talk: number | null; minute: number };

for (const kind of DB_KINDS) {
  describe(`reports drill-down: the calls behind a figure (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    const day = '2026-11-02'; // a Monday
    const range = `from=${day}&to=2026-11-03&tz=Asia/Shanghai`;
    // Minutes after local midnight (UTC+8); sales: SL 20 s, short abandon 5 s; support: SL 10 s, short abandon 3 s.
    const rows: Row[] = [
      { queue: 'sales', caller: '13800138001', outcome: 'answered', wait: 5, talk: 60, minute: 9 * 60 },
      { queue: 'sales', caller: '13800138002', outcome: 'answered', wait: 30, talk: 90, minute: 9 * 60 + 10 },
      { queue: 'sales', caller: '13800138003', outcome: 'abandoned', wait: 2, talk: null, minute: 9 * 60 + 20 },
      { queue: 'sales', caller: '13800138004', outcome: 'abandoned', wait: 25, talk: null, minute: 10 * 60 },
      { queue: 'support', caller: '13800138005', outcome: 'answered', wait: 10, talk: 40, minute: 10 * 60 + 5 },
      { queue: 'support', caller: '13800138006', outcome: 'answered', wait: 11, talk: 30, minute: 10 * 60 + 30 },
      { queue: 'support', caller: '13800138007', outcome: 'abandoned', wait: 2, talk: null, minute: 11 * 60 },
      { queue: 'support', caller: '13800138008', outcome: 'timeout', wait: 60, talk: null, minute: 11 * 60 + 40 },
    ];
    const defs: Record<string, { sl: number; short: number }> = { sales: { sl: 20, short: 5 }, support: { sl: 10, short: 3 } };
    const expected: Record<string, (r: Row) => boolean> = {
      offered: () => true,
      answered: (r) => r.outcome === 'answered',
      answeredInSl: (r) => r.outcome === 'answered' && r.wait <= defs[r.queue]!.sl,
      answeredOutSl: (r) => r.outcome === 'answered' && r.wait > defs[r.queue]!.sl,
      abandoned: (r) => r.outcome === 'abandoned',
      abandonedShort: (r) => r.outcome === 'abandoned' && r.wait < defs[r.queue]!.short,
      timeouts: (r) => r.outcome === 'timeout',
    };
    const callers = (items: Array<{ callerNumber: string }>) => items.map((i) => i.callerNumber).sort();
    const list = async (q: string) => {
      const res = await api(hotline.url, 'GET', `/api/reports/calls?${q}&limit=500`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };

    before(async () => {
      db = await createTestDb(kind);
      hotline = await startHotlineWithoutPbx(db.env);
      for (const [name, d] of Object.entries(defs)) expect((await api(hotline.url, 'POST', '/api/acd/queues', { name, settings: { serviceLevelSeconds: d.sl, shortAbandonSeconds: d.short } })).status).to.equal(201);
      // SQLite keeps times as TypeORM writes them (UTC text); MariaDB takes the Date.
      const at = (d: Date | null) => (d && kind === 'sqlite' ? d.toISOString().replace('T', ' ').replace('Z', '') : d);
      for (const [i, r] of rows.entries()) {
        const joined = new Date(Date.parse(`${day}T00:00:00+08:00`) + r.minute * 60_000);
        const answered = r.outcome === 'answered' ? new Date(joined.getTime() + r.wait * 1000) : null;
        const ended = new Date(joined.getTime() + (r.wait + (r.talk ?? 0)) * 1000);
        await db.exec(
          'INSERT INTO acd_queue_calls (id, source, queue, uniqueid, caller_number, joined_at, answered_at, left_at, ended_at, outcome, agent_id, agent_interface, hold_seconds, talk_seconds, disposition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)',
          [randomUUID(), 'hotline', r.queue, `drill-${i}`, r.caller, at(joined), at(answered), at(answered ?? ended), at(ended), r.outcome, r.outcome === 'answered' ? 'PJSIP/x' : '', r.wait, r.talk, ''],
        );
      }
      const code = (await rebuildReports(db.env)).code;
      expect(code).to.equal(0);
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('each figure of the queue comparison lists exactly its calls, under each queue\'s own thresholds', async () => {
      const q = (await api(hotline.url, 'GET', `/api/reports/queues?${range}`)).body;
      for (const item of q.items as Array<Record<string, number> & { queue: string }>) {
        for (const [figure, pick] of Object.entries(expected)) {
          const want = rows.filter((r) => r.queue === item.queue && pick(r));
          const got = await list(`${range}&queues=${item.queue}&figure=${figure}`);
          expect(got.total, `${item.queue} ${figure}`).to.equal(want.length);
          expect(callers(got.items), `${item.queue} ${figure}`).to.deep.equal(callers(want.map((r) => ({ callerNumber: r.caller }))));
          const shown = figure === 'answeredOutSl' ? item.answered! - item.answeredInSl! : figure === 'timeouts' ? item.timeouts : item[figure];
          if (shown !== undefined) expect(got.total, `${item.queue}: the list holds as many calls as the figure ${figure} shows`).to.equal(shown);
        }
      }
    });

    it('a period of the summary (by hour, in the report\'s timezone) lists the calls that entered a queue in it', async () => {
      const s = (await api(hotline.url, 'GET', `/api/reports/summary?${range}&interval=hour`)).body;
      expect(s.items.map((i: { period: string }) => i.period)).to.deep.equal(['2026-11-02 09:00', '2026-11-02 10:00', '2026-11-02 11:00']);
      for (const item of s.items) {
        const hour = Number(item.period.slice(11, 13));
        const got = await list(`${range}&figure=offered&interval=hour&period=${encodeURIComponent(item.period)}`);
        expect(got.total, item.period).to.equal(item.offered);
        expect(callers(got.items)).to.deep.equal(callers(rows.filter((r) => Math.floor(r.minute / 60) === hour).map((r) => ({ callerNumber: r.caller }))));
        const ab = await list(`${range}&figure=abandoned&interval=hour&period=${encodeURIComponent(item.period)}`);
        expect(ab.total, `${item.period} abandoned`).to.equal(item.abandoned);
      }
      const first = (await list(`${range}&figure=answered&interval=hour&period=${encodeURIComponent('2026-11-02 09:00')}`)).items;
      expect(first.map((i: { callerNumber: string; waitSeconds: number; talkSeconds: number; regionLabel: string }) => [i.callerNumber, i.waitSeconds, i.talkSeconds])).to.deep.equal([['13800138002', 30, 90], ['13800138001', 5, 60]]);
    });

    it('pages, and refuses bad input with a 400 naming the field', async () => {
      const page = await api(hotline.url, 'GET', `/api/reports/calls?${range}&figure=offered&limit=3&offset=6`);
      expect([page.body.total, page.body.items.length]).to.deep.equal([8, 2]);
      for (const [q, field] of [
        [`${range}&figure=nonsense`, 'figure'],
        [`${range}`, 'figure'],
        [`${range}&figure=offered&interval=hour&period=2026-11-02`, 'period'],
        [`${range}&figure=offered&queues=nope`, 'queues'],
        [`${range}&figure=offered&limit=0`, 'limit'],
        [`from=${day}&to=2026-10-01&figure=offered`, 'to'],
      ] as const) {
        const res = await api(hotline.url, 'GET', `/api/reports/calls?${q}`);
        expect(res.status, q).to.equal(400);
        expect(JSON.stringify(res.body), q).to.include(field);
      }
    });
  });
}
