// Agent statistics read day rows (dimension 'agent_day') for the whole UTC days of a range and
// 15-minute rows for the rest. On a real database (SQLite and MariaDB), with calls written by the
// rollup writer as the ACD would (one by one, in a burst, a disposition set later, a call moved
// to another agent): every agent's handled calls, talk and answered wait equal the sums of the
// 15-minute rows and the calls themselves, for whole days, ranges that start and end mid-day,
// and local days in Asia/Shanghai and Asia/Kolkata. A rebuild and the migration write the same
// day rows. No Asterisk.
import 'reflect-metadata';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { queueCallLegs, queueCallsPage } from '../../app/acd/acd.calls.js';
import { AcdQueueCall } from '../../app/acd/acd.entities.js';
import { agentTimeline } from '../../app/acd/agent-timeline.js';
import { createDataSource } from '../../app/db/data-source.js';
import { AgentDayRollups1765000000000 } from '../../app/db/migrations/1765000000000-AgentDayRollups.js';
import { createLogger } from '../../app/logger.js';
import { DEFAULT_DEFINITIONS, resolveDefinitions } from '../../app/reports/definitions.js';
import { ReportsService } from '../../app/reports/reports.service.js';
import { RollupWriter } from '../../app/reports/rollup.writer.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

const QUEUES = ['day-a', 'day-b'];
const AGENTS = ['a1', 'a2', 'a3', 'a4'].map((a) => `00000000-0000-4000-8000-0000000000${a}`);
const START = Date.parse('2026-11-27T00:00:00Z');
const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** 240 calls over 5 UTC days, more of them near UTC midnight, Shanghai midnight (16:00 UTC) and Kolkata midnight (18:30 UTC). */
function calls(): AcdQueueCall[] {
  const out: AcdQueueCall[] = [];
  const edges = [0, 16 * 60, 18 * 60 + 30, 24 * 60];
  for (let i = 0; i < 240; i++) {
    const day = i % 5;
    const minute = i % 3 === 0 ? edges[i % 4]! + ((i * 7) % 31) - 15 : (i * 389) % 1440;
    const joined = START + day * 86_400_000 + minute * 60_000 + ((i * 13) % 60) * 1000;
    const answered = i % 6 !== 5;
    const wait = (i * 11) % 45;
    const talk = 20 + ((i * 29) % 300);
    out.push(Object.assign(new AcdQueueCall(), {
      id: `day-${i}`, source: 'hotline', queue: QUEUES[i % 2]!, uniqueid: `day-u${i}`, callerNumber: `1390000${String(i).padStart(4, '0')}`,
      joinedAt: new Date(joined), answeredAt: answered ? new Date(joined + wait * 1000) : null, leftAt: new Date(joined + wait * 1000),
      endedAt: new Date(joined + (wait + (answered ? talk : 0)) * 1000), outcome: answered ? 'answered' : 'abandoned',
      agentId: answered ? AGENTS[i % AGENTS.length]! : null, agentInterface: '', holdSeconds: wait, talkSeconds: answered ? talk : null, disposition: '',
    }));
  }
  return out;
}

interface Figures { handled: number; talkSeconds: number; answeredWaitSeconds: number }

for (const kind of DB_KINDS) {
  describe(`agent statistics from day rows (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let ds: DataSource;
    let writer: RollupWriter;
    let reports: ReportsService;

    /** What the 15-minute agent rows say for [from, to) (the figures before day rows existed). */
    async function fromQuarterRows(from: number, to: number): Promise<Map<string, Figures>> {
      const rows: Array<{ k: string; h: string | number; t: string | number; w: string | number }> = await ds.query(
        "SELECT dim_key AS k, SUM(answered) AS h, SUM(talk_seconds) AS t, SUM(answered_wait_seconds) AS w FROM report_rollups WHERE dimension = 'agent' AND bucket_at >= ? AND bucket_at < ? GROUP BY dim_key",
        [sqlTime(from), sqlTime(to)],
      );
      return new Map(rows.map((r) => [r.k, { handled: Number(r.h), talkSeconds: Number(r.t), answeredWaitSeconds: Number(r.w) }]));
    }

    /** What the calls themselves say: answered calls whose 15-minute bucket starts in [from, to). */
    async function fromCalls(from: number, to: number): Promise<Map<string, Figures>> {
      const all = await ds.getRepository(AcdQueueCall).find({ where: { outcome: 'answered' } });
      const out = new Map<string, Figures>();
      for (const c of all) {
        const bucket = Math.floor(c.joinedAt.getTime() / 900_000) * 900_000;
        if (bucket < from || bucket >= to || !c.agentId) continue;
        const f = out.get(c.agentId) ?? { handled: 0, talkSeconds: 0, answeredWaitSeconds: 0 };
        f.handled += 1;
        f.talkSeconds += c.talkSeconds ?? 0;
        f.answeredWaitSeconds += c.holdSeconds ?? 0;
        out.set(c.agentId, f);
      }
      return out;
    }

    async function reported(from: string, to: string, tz: string): Promise<{ range: [number, number]; figures: Map<string, Figures> }> {
      const r = await reports.agents({ from, to, tz, locale: 'en' });
      return {
        range: [Date.parse(r.from), Date.parse(r.to)],
        figures: new Map(r.items.filter((i) => i.handled > 0).map((i) => [i.agentId, { handled: i.handled, talkSeconds: i.talkSeconds, answeredWaitSeconds: i.answeredWaitSeconds }])),
      };
    }

    const dayRows = async () => (await ds.query("SELECT bucket_at AS b, dim_key AS k, queue AS q, offered AS o, answered AS a, talk_seconds AS t, answered_wait_seconds AS w, max_answered_wait_seconds AS m FROM report_rollups WHERE dimension = 'agent_day' ORDER BY bucket_at, dim_key, queue"))
      .map((r: Record<string, unknown>) => ({ ...r, b: new Date(r.b instanceof Date ? r.b.getTime() : `${String(r.b).replace(' ', 'T')}Z`).toISOString(), o: Number(r.o), a: Number(r.a), t: Number(r.t), w: Number(r.w), m: Number(r.m) }));
    const allRows = async () => ds.query('SELECT * FROM report_rollups ORDER BY dimension, bucket_at, dim_key, queue');

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      const defs = resolveDefinitions(DEFAULT_DEFINITIONS);
      writer = new RollupWriter(ds, {
        legs: (source, ids) => queueCallLegs(ds, source, ids),
        page: (after, limit) => queueCallsPage(ds, after, limit),
        definitions: async () => new Map(QUEUES.map((q) => [q, defs])),
      }, createLogger({ level: 'silent', secrets: [] }));
      reports = new ReportsService(ds, {
        queues: async () => new Map(QUEUES.map((q) => [q, { defs, dispositions: new Map() }])),
        agents: async () => new Map(AGENTS.map((a, i) => [a, { name: `Agent ${i}` }])),
        timeline: (ids, from, to) => agentTimeline(ds, ids, from, to),
        callbacks: async () => [],
      }, () => new Date('2026-12-10T00:00:00Z'));
      const all = calls();
      await ds.getRepository(AcdQueueCall).insert(all);
      // Half one by one (each its own write), half as a burst (batched).
      for (const c of all.slice(0, 120)) await writer.write('hotline', c.uniqueid);
      for (const c of all.slice(120)) writer.legsChanged('hotline', c.uniqueid);
      await writer.flushed();
      // A disposition set after the call, and the longest-waiting answered call of a day moved to another agent (its day row must be recomputed).
      await ds.getRepository(AcdQueueCall).update({ id: 'day-4' }, { disposition: 'sale' });
      await writer.write('hotline', 'day-u4');
      const longest = all.filter((c) => c.outcome === 'answered' && c.agentId === AGENTS[0] && c.joinedAt.getTime() < START + 86_400_000).sort((a, b) => (b.holdSeconds ?? 0) - (a.holdSeconds ?? 0))[0]!;
      await ds.getRepository(AcdQueueCall).update({ id: longest.id }, { agentId: AGENTS[3] });
      longest.agentId = AGENTS[3]!;
      await writer.write('hotline', longest.uniqueid);
    });
    after(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('keeps a day row per agent, queue and UTC day, the sum of its 15-minute rows', async () => {
      const days = await dayRows();
      expect(days.length).to.be.greaterThan(20);
      for (const d of days) {
        const from = Date.parse(d.b as string);
        const rows: Array<Record<string, unknown>> = await ds.query(
          "SELECT SUM(offered) AS o, SUM(answered) AS a, SUM(talk_seconds) AS t, SUM(answered_wait_seconds) AS w, MAX(max_answered_wait_seconds) AS m FROM report_rollups WHERE dimension = 'agent' AND dim_key = ? AND queue = ? AND bucket_at >= ? AND bucket_at < ?",
          [d.k, d.q, sqlTime(from), sqlTime(from + 86_400_000)],
        );
        const s = rows[0]!;
        expect({ o: Number(s.o), a: Number(s.a), t: Number(s.t), w: Number(s.w), m: Number(s.m) }, `${d.b} ${d.k} ${d.q}`).to.deep.equal({ o: d.o, a: d.a, t: d.t, w: d.w, m: d.m });
      }
    });

    const ranges: Array<[string, string, string, string]> = [
      ['whole UTC days', '2026-11-28', '2026-12-01', 'UTC'],
      ['starting and ending mid-day, mid-bucket', '2026-11-27T13:07:00Z', '2026-11-30T09:45:00Z', 'UTC'],
      ['whole local days in Asia/Shanghai', '2026-11-28', '2026-12-01', 'Asia/Shanghai'],
      ['mid-day in Asia/Shanghai', '2026-11-27T10:30:00+08:00', '2026-12-01T20:15:00+08:00', 'Asia/Shanghai'],
      ['whole local days in Asia/Kolkata (+05:30)', '2026-11-27', '2026-12-02', 'Asia/Kolkata'],
      ['within one day (no whole day)', '2026-11-29T02:00:00Z', '2026-11-29T22:00:00Z', 'UTC'],
    ];
    for (const [label, from, to, tz] of ranges) {
      it(`agent statistics equal the 15-minute rows and the calls: ${label}`, async () => {
        const got = await reported(from, to, tz);
        const [f, t] = got.range;
        const quarters = await fromQuarterRows(f, t);
        expect(quarters.size, 'agents with calls in the range').to.be.greaterThan(1);
        expect(got.figures).to.deep.equal(quarters);
        expect(got.figures).to.deep.equal(await fromCalls(f, t));
      });
    }

    it('a rebuild writes the same rows, day rows included', async () => {
      const before = await allRows();
      expect(before.filter((r: { dimension: string }) => r.dimension === 'agent_day').length).to.be.greaterThan(0);
      const done = await writer.rebuild();
      expect(done.facts).to.equal(240);
      expect(await allRows()).to.deep.equal(before);
    });

    it('the migration writes the same day rows from the 15-minute rows already there', async () => {
      const want = await dayRows();
      await ds.query("DELETE FROM report_rollups WHERE dimension = 'agent_day'");
      const qr = ds.createQueryRunner();
      try {
        await new AgentDayRollups1765000000000().up(qr);
      } finally {
        await qr.release();
      }
      expect(await dayRows()).to.deep.equal(want);
    });

    it('whole days are read from the day rows (the 15-minute agent rows inside them are not needed)', async () => {
      const want = await reported('2026-11-28', '2026-12-01', 'Asia/Shanghai');
      // Whole UTC days inside that range: 11-28 and 11-29 (the range is 11-27 16:00Z to 11-30 16:00Z).
      await ds.query("DELETE FROM report_rollups WHERE dimension = 'agent' AND bucket_at >= ? AND bucket_at < ?", [sqlTime(Date.parse('2026-11-28T00:00:00Z')), sqlTime(Date.parse('2026-11-30T00:00:00Z'))]);
      const got = await reported('2026-11-28', '2026-12-01', 'Asia/Shanghai');
      expect(got.figures).to.deep.equal(want.figures);
      expect([...got.figures.values()].reduce((n, x) => n + x.handled, 0)).to.be.greaterThan(50);
    });
  });
}
