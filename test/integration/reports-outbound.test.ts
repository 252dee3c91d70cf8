// The agents' outbound calls in the call summary and agent statistics, on a real database
// (SQLite and MariaDB), written the way Hotline writes them: the dialplan's UserEvents
// (HotlineOutbound at the dial, HotlineOutboundEnd at the hang-up) go through the ACD's
// outbound-call log, which tells the rollup writer; some events arrive twice, some ends arrive
// without their start (a takeover), some calls are still under way; queue calls share buckets
// with them. Every period's outbound calls, connected calls and talk equal what this test counts
// from its own script; a rebuild writes the same rollup rows and the same reports. No Asterisk.
import 'reflect-metadata';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { queueCallLegs, queueCallsPage } from '../../app/acd/acd.calls.js';
import { AcdQueueCall } from '../../app/acd/acd.entities.js';
import { OutboundCallLog, outboundCall, outboundCallsPage, outboundCallsPlaced, type OutboundCallChange, type OutboundEvent } from '../../app/acd/outbound-calls.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { DEFAULT_DEFINITIONS, resolveDefinitions } from '../../app/reports/definitions.js';
import { ReportsService } from '../../app/reports/reports.service.js';
import { RollupWriter } from '../../app/reports/rollup.writer.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

const QUEUE = 'ob-q';
const AGENTS = ['00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-0000000000b3'];
const ENDPOINTS = new Map([['8101', AGENTS[0]!], ['8102', AGENTS[1]!], ['8103', AGENTS[2]!]]);
const START = Date.parse('2026-11-30T00:00:00Z');
const STATUSES = ['ANSWER', 'ANSWER', 'NOANSWER', 'ANSWER', 'BUSY', 'CANCEL', 'ANSWER', 'CONGESTION'];

interface Scripted { uniqueid: string; endpoint: string; agentId: string | null; placedAt: number; endedAt: number | null; status: string; talk: number; startSeen: boolean; twice: boolean }

/** 90 outbound calls over 3 UTC days, many of them around UTC and Shanghai midnight (16:00 UTC). */
function script(): Scripted[] {
  const out: Scripted[] = [];
  for (let i = 0; i < 90; i++) {
    const dayN = i % 3;
    const minute = i % 4 === 0 ? 16 * 60 - 20 + ((i * 7) % 40) : i % 4 === 1 ? 24 * 60 - 10 + ((i * 3) % 20) : (i * 397) % 1440;
    const placedAt = START + dayN * 86_400_000 + minute * 60_000 + ((i * 17) % 60) * 1000;
    const status = STATUSES[i % STATUSES.length]!;
    const ring = 5 + (i % 20);
    const talk = status === 'ANSWER' ? 10 + ((i * 37) % 400) : 0;
    const endpoint = i % 10 === 9 ? '9999' : [...ENDPOINTS.keys()][i % 3]!; // 9999: no agent's device (a trunk: agent not known)
    out.push({
      uniqueid: i % 2 ? `hotline-out-ob-${i}` : `17648${String(i).padStart(5, '0')}.${i}`,
      endpoint,
      agentId: ENDPOINTS.get(endpoint) ?? null,
      placedAt,
      endedAt: i % 15 === 14 ? null : placedAt + (ring + talk) * 1000,
      status,
      talk,
      startSeen: i % 7 !== 3,
      twice: i % 5 === 0,
    });
  }
  return out;
}

const hourUtc = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 13)}:00`;
const dayShanghai = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
interface Out { outboundCalls: number; outboundConnected: number; outboundTalkSeconds: number }

/** What the script says: ended calls by label, as this test counts them. */
function expected(calls: Scripted[], label: (ms: number) => string, key: (c: Scripted) => string = (c) => label(c.placedAt)): Map<string, Out> {
  const m = new Map<string, Out>();
  for (const c of calls) {
    if (c.endedAt === null) continue;
    const k = key(c);
    const o = m.get(k) ?? { outboundCalls: 0, outboundConnected: 0, outboundTalkSeconds: 0 };
    o.outboundCalls += 1;
    if (c.status === 'ANSWER') {
      o.outboundConnected += 1;
      o.outboundTalkSeconds += c.talk;
    }
    m.set(k, o);
  }
  return m;
}
const pickOut = (i: Record<string, any>): Out => ({ outboundCalls: i.outboundCalls, outboundConnected: i.outboundConnected, outboundTalkSeconds: i.outboundTalkSeconds });

for (const kind of DB_KINDS) {
  describe(`outbound calls in the reports (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let ds: DataSource;
    let writer: RollupWriter;
    let log: OutboundCallLog;
    let reports: ReportsService;
    const calls = script();
    /** What the log's listeners heard (the campaigns follow their calls so). */
    const heard: OutboundCallChange[] = [];
    const allRows = async () => ds.query('SELECT * FROM report_rollups ORDER BY dimension, bucket_at, dim_key, queue');

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      const defs = resolveDefinitions(DEFAULT_DEFINITIONS);
      const silent = createLogger({ level: 'silent', secrets: [] });
      // The writer's source as app/reports/index.ts wires it.
      writer = new RollupWriter(ds, {
        legs: (source, ids) => queueCallLegs(ds, source, ids),
        page: (after, limit) => queueCallsPage(ds, after, limit),
        definitions: async () => new Map([[QUEUE, defs]]),
        outbound: { call: (s, u) => outboundCall(ds, s, u), placed: (f, t) => outboundCallsPlaced(ds, f, t), page: (a, l) => outboundCallsPage(ds, a, l) },
      }, silent);
      log = new OutboundCallLog(ds, async (endpoint) => ENDPOINTS.get(endpoint) ?? null, silent);
      log.listen((c) => {
        if (c.stage === 'end') writer.outboundChanged(log.source, c.uniqueid);
      });
      // A listener that fails does not keep the next one from hearing.
      log.listen(() => {
        throw new Error('a broken listener');
      });
      log.listen((c) => {
        heard.push(c);
      });
      reports = new ReportsService(ds, {
        queues: async () => new Map([[QUEUE, { defs, dispositions: new Map() }]]),
        agents: async () => new Map(AGENTS.map((a, i) => [a, { name: `Agent ${i}` }])),
        timeline: async () => [],
        callbacks: async () => [],
      }, () => new Date('2026-12-10T00:00:00Z'));

      // The events as the dialplan raises them, in time order (an end can come before a later call's start).
      const events: OutboundEvent[] = [];
      for (const c of calls) {
        const base = { kind: 'outbound' as const, uniqueid: c.uniqueid, number: '13800138000', via: c.uniqueid.startsWith('hotline-out-') ? 'click' : 'device', endpoint: c.endpoint, status: '', answeredSeconds: 0, dialedSeconds: 0 };
        if (c.startSeen) events.push({ ...base, stage: 'start', at: new Date(c.placedAt) });
        if (c.endedAt !== null) {
          const end: OutboundEvent = { ...base, stage: 'end', status: c.status, answeredSeconds: c.talk, dialedSeconds: (c.endedAt - c.placedAt) / 1000, at: new Date(c.endedAt) };
          events.push(end);
          if (c.twice) events.push(end);
        }
      }
      events.sort((a, b) => a.at.getTime() - b.at.getTime());
      for (const e of events) log.onEvent(e);
      await log.flushed();
      await writer.flushed();
      // Queue calls in buckets that hold outbound calls: their rollup writes must leave the outbound rows alone.
      const queueCalls = calls.filter((_, i) => i % 6 === 0).map((c, i) => Object.assign(new AcdQueueCall(), {
        id: `obq-${i}`, source: 'hotline', queue: QUEUE, uniqueid: `obq-u${i}`, callerNumber: `1390000${String(i).padStart(4, '0')}`,
        joinedAt: new Date(c.placedAt + 1000), answeredAt: new Date(c.placedAt + 6000), leftAt: new Date(c.placedAt + 6000), endedAt: new Date(c.placedAt + 66_000),
        outcome: 'answered', agentId: AGENTS[i % 3]!, agentInterface: '', holdSeconds: 5, talkSeconds: 60, disposition: '',
      }));
      await ds.getRepository(AcdQueueCall).insert(queueCalls);
      for (const q of queueCalls) await writer.write('hotline', q.uniqueid);
      // A queue call moved to another agent: its old agent row loses its longest wait, so its bucket is recomputed from the facts.
      await ds.getRepository(AcdQueueCall).update({ id: queueCalls[0]!.id }, { agentId: AGENTS[2]! });
      await writer.write('hotline', queueCalls[0]!.uniqueid);
      await writer.flushed();
    });
    after(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('records one row per outbound call: agent from the device, dial time from the start (or from DIALEDTIME), status and talk at the end', async () => {
      const rows: Array<Record<string, any>> = await ds.query('SELECT uniqueid, agent_id, placed_at, ended_at, dial_status, talk_seconds FROM acd_outbound_calls');
      const seen = calls.filter((c) => c.startSeen || c.endedAt !== null);
      expect(rows).to.have.length(seen.length);
      const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(`${String(v).replace(' ', 'T')}Z`));
      for (const c of seen) {
        const r = rows.find((x) => x.uniqueid === c.uniqueid)!;
        expect(r, c.uniqueid).to.not.equal(undefined);
        expect({ agent: r.agent_id, placed: ms(r.placed_at), ended: r.ended_at === null ? null : ms(r.ended_at), status: r.dial_status, talk: r.talk_seconds === null ? null : Number(r.talk_seconds) }, c.uniqueid)
          .to.deep.equal({ agent: c.agentId, placed: c.placedAt, ended: c.endedAt, status: c.endedAt === null ? '' : c.status, talk: c.endedAt === null ? null : c.talk });
      }
    });

    it('the listeners hear each call\'s start and end once (an event applied twice: once), with the dial time and the status', async () => {
      for (const c of calls) {
        const got = heard.filter((h) => h.uniqueid === c.uniqueid);
        const want: Array<Partial<OutboundCallChange>> = [];
        if (c.startSeen) want.push({ stage: 'start', at: new Date(c.placedAt) });
        if (c.endedAt !== null) want.push({ stage: 'end', at: new Date(c.endedAt), placedAt: new Date(c.placedAt), dialStatus: c.status, talkSeconds: c.talk });
        expect(got.map((h) => ({ ...h, uniqueid: undefined })), c.uniqueid).to.deep.equal(want.map((w) => ({ uniqueid: undefined, ...w })));
      }
    });

    it('the hourly summary shows each hour\'s outbound calls, connected calls and talk as the script has them, and the inbound figures beside them', async () => {
      const r = await reports.summary({ from: '2026-11-30', to: '2026-12-04', tz: 'UTC', locale: 'en', interval: 'hour' });
      const want = expected(calls, hourUtc);
      const got = new Map(r.items.filter((i) => i.outboundCalls > 0).map((i) => [i.period, pickOut(i)]));
      expect(Object.fromEntries(got)).to.deep.equal(Object.fromEntries(want));
      const all = [...want.values()].reduce((a, b) => ({ outboundCalls: a.outboundCalls + b.outboundCalls, outboundConnected: a.outboundConnected + b.outboundConnected, outboundTalkSeconds: a.outboundTalkSeconds + b.outboundTalkSeconds }));
      expect(pickOut(r.total)).to.deep.equal(all);
      expect(r.total.outboundAvgTalkSeconds).to.equal(Math.round((all.outboundTalkSeconds / all.outboundConnected) * 10) / 10);
      expect(r.total.outboundConnectRate).to.equal(Math.round((all.outboundConnected / all.outboundCalls) * 10_000) / 10_000);
      // The queue calls are counted as before (inbound), in the same report.
      expect(r.total.offered).to.equal(calls.filter((_, i) => i % 6 === 0).length);
    });

    it('local days in Asia/Shanghai, and a queue filter (outbound calls are no queue\'s: the whole center)', async () => {
      const r = await reports.summary({ from: '2026-11-30', to: '2026-12-04', tz: 'Asia/Shanghai', locale: 'zh-CN', interval: 'day', queues: [QUEUE] });
      const got = new Map(r.items.filter((i) => i.outboundCalls > 0).map((i) => [i.period, pickOut(i)]));
      expect(Object.fromEntries(got)).to.deep.equal(Object.fromEntries(expected(calls, dayShanghai)));
      expect(r.definitions.statements.map((s) => s.key)).to.include.members(['outbound', 'outbound_connected', 'outbound_talk']);
    });

    it('agent statistics show each agent\'s own outbound calls', async () => {
      const r = await reports.agents({ from: '2026-11-30', to: '2026-12-04', tz: 'UTC', locale: 'en' });
      const got = new Map(r.items.filter((i) => i.outboundCalls > 0).map((i) => [i.agentId, pickOut(i)]));
      const want = expected(calls.filter((c) => c.agentId), () => '', (c) => c.agentId!);
      expect(Object.fromEntries(got)).to.deep.equal(Object.fromEntries(want));
    });

    it('a rebuild writes the same rollup rows and the same reports as the live writes', async () => {
      const live = await allRows();
      const before = await reports.summary({ from: '2026-11-30', to: '2026-12-04', tz: 'UTC', locale: 'en', interval: 'hour' });
      expect(live.filter((x: Record<string, unknown>) => x.dimension === 'outbound').length).to.be.greaterThan(20);
      await writer.rebuild();
      expect(await allRows()).to.deep.equal(live);
      expect(await reports.summary({ from: '2026-11-30', to: '2026-12-04', tz: 'UTC', locale: 'en', interval: 'hour' })).to.deep.equal(before);
      // An event applied again after the rebuild changes nothing.
      const c = calls.find((x) => x.endedAt !== null && x.status === 'ANSWER')!;
      log.onEvent({ kind: 'outbound', stage: 'end', uniqueid: c.uniqueid, number: '', via: '', endpoint: '', status: c.status, answeredSeconds: c.talk, dialedSeconds: 1, at: new Date(c.endedAt!) });
      await log.flushed();
      await writer.writeOutbound('hotline', c.uniqueid);
      expect(await allRows()).to.deep.equal(live);
    });
  });
}
