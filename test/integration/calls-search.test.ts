// The calls search (GET /api/calls): call records put in the database (no Asterisk) and every
// filter — a time range, caller, called number, outcome, queue, agent, flow, source, and them
// combined — gives exactly the records the test expects, newest first, with the total and paging;
// a range that ends before it starts is 400 calls_range_inverted; a bad value or an unknown
// parameter is 400 validation_failed naming the field; an agent may not search.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api } from '../support/api.js';
import { seedCall } from '../support/call-records.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';

const AGENT_A = randomUUID();
const AGENT_B = randomUUID();
const T0 = Date.parse('2026-11-02T00:00:00Z');
/** Twelve calls, one every 6 hours from T0, cycling through the values each filter selects. */
const CALLS = Array.from({ length: 12 }, (_, i) => ({
  id: randomUUID(),
  caller: ['13800138000', '13900139000', 'anonymous'][i % 3]!,
  called: i % 2 ? '4001' : '4002',
  flow: i % 4 === 0 ? 'sales-ivr' : 'main',
  startedAt: new Date(T0 + i * 6 * 3_600_000),
  outcome: (['handed_off', 'completed', 'caller_hangup', 'failed'] as const)[i % 4]!,
  queue: i % 3 === 0 ? 'sales' : i % 3 === 1 ? 'support' : null,
  agentId: i % 2 ? AGENT_A : i % 3 === 0 ? AGENT_B : null,
  source: i === 11 ? 'office' : 'hotline',
}));
type Row = (typeof CALLS)[number];

for (const kind of DB_KINDS) {
  describe(`calls search: time range and filters (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    const ids = async (query: string) => {
      const res = await api(hotline.url, 'GET', `/api/calls?${query}`);
      expect(res.status, `${query}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(200);
      return { ids: (res.body.items as Array<{ id: string }>).map((r) => r.id), total: res.body.total as number };
    };
    /** The seeded calls `keep` selects, newest first. */
    const want = (keep: (c: Row) => boolean) => CALLS.filter(keep).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).map((c) => c.id);
    const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();

    before(async () => {
      db = await createTestDb(kind);
      hotline = await startHotlineWithoutPbx(db.env);
      for (const c of CALLS) await seedCall(db, { ...c, seconds: 60 });
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('lists every call newest first, paged, with the total', async () => {
      const all = await ids('limit=500');
      expect(all).to.deep.equal({ ids: want(() => true), total: 12 });
      const page2 = await ids('limit=5&offset=5');
      expect(page2).to.deep.equal({ ids: want(() => true).slice(5, 10), total: 12 });
    });

    it('keeps calls started at or after from and before to', async () => {
      expect(await ids(`from=${encodeURIComponent(at(12))}&to=${encodeURIComponent(at(36))}`)).to.deep.equal({ ids: want((c) => c.startedAt.getTime() >= T0 + 12 * 3_600_000 && c.startedAt.getTime() < T0 + 36 * 3_600_000), total: 4 });
      expect((await ids(`from=${encodeURIComponent(at(60))}`)).total).to.equal(2); // 60 h and 66 h
      expect((await ids(`to=${encodeURIComponent(at(6))}`)).ids).to.deep.equal([CALLS[0]!.id]);
      // Dates: a day from its UTC midnight; from = to is an empty range, not an error.
      expect((await ids('from=2026-11-03&to=2026-11-04')).total).to.equal(4);
      expect(await ids('from=2026-11-03&to=2026-11-03')).to.deep.equal({ ids: [], total: 0 });
    });

    it('filters by caller, called number, outcome, queue, agent, flow and source, alone and together', async () => {
      expect((await ids('caller=anonymous')).ids).to.deep.equal(want((c) => c.caller === 'anonymous'));
      // The start of a number: 1380 finds 13800138000 only; with the exact number too, both must hold.
      expect((await ids('callerPrefix=1380')).ids).to.deep.equal(want((c) => c.caller.startsWith('1380')));
      expect((await ids('callerPrefix=13')).ids).to.deep.equal(want((c) => c.caller.startsWith('13')));
      expect((await ids('callerPrefix=1390&caller=13800138000')).ids).to.deep.equal([]);
      expect((await ids('callerPrefix=138&caller=13800138000')).ids).to.deep.equal(want((c) => c.caller === '13800138000'));
      expect((await ids('called=4001')).ids).to.deep.equal(want((c) => c.called === '4001'));
      expect((await ids('outcome=caller_hangup')).ids).to.deep.equal(want((c) => c.outcome === 'caller_hangup'));
      expect((await ids('queue=sales')).ids).to.deep.equal(want((c) => c.queue === 'sales'));
      expect((await ids(`agentId=${AGENT_B}`)).ids).to.deep.equal(want((c) => c.agentId === AGENT_B));
      expect((await ids('flow=sales-ivr')).ids).to.deep.equal(want((c) => c.flow === 'sales-ivr'));
      expect((await ids('source=office')).ids).to.deep.equal([CALLS[11]!.id]);
      const both = await ids(`called=4001&agentId=${AGENT_A}&queue=support&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(48))}`);
      expect(both.ids).to.deep.equal(want((c) => c.called === '4001' && c.agentId === AGENT_A && c.queue === 'support' && c.startedAt.getTime() < T0 + 48 * 3_600_000));
      expect(both.total).to.equal(2);
      expect(await ids('outcome=answered')).to.deep.equal({ ids: [], total: 0 });
    });

    it('refuses a range that ends before it starts with calls_range_inverted', async () => {
      const res = await api(hotline.url, 'GET', `/api/calls?from=${encodeURIComponent(at(24))}&to=${encodeURIComponent(at(12))}`);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('calls_range_inverted');
      expect(res.body.error.details).to.deep.equal([{ field: 'to', message: 'the range ends before it starts (from is after to)' }]);
    });

    it('refuses bad values and unknown parameters naming the field, and agents', async () => {
      for (const [query, field] of [['from=yesterday', 'from'], ['to=2026-13-45', 'to'], ['outcome=lost', 'outcome'], ['queue=sales%20desk', 'queue'], ['agentId=12', 'agentId'], ['flow=a%2Fb', 'flow'], [`called=${'9'.repeat(65)}`, 'called'], ['caller=', 'caller'], ['callerPrefix=138%25', 'callerPrefix'], ['callerPrefix=13_', 'callerPrefix'], ['callerPrefix=', 'callerPrefix']] as const) {
        const res = await api(hotline.url, 'GET', `/api/calls?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('validation_failed');
        expect((res.body.error.details as Array<{ field: string }>).map((d) => d.field), query).to.include(field);
      }
      const unknown = await api(hotline.url, 'GET', '/api/calls?agent=bob');
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'validation_failed']);
      const pw = 'Calls-search-agent-2026!';
      expect((await api(hotline.url, 'POST', '/api/users', { username: `calls.agent.${kind}`, password: pw, role: 'agent', displayName: 'A', passwordChangeRequired: false })).status).to.equal(201);
      const login = await api(hotline.url, 'POST', '/api/auth/login', { username: `calls.agent.${kind}`, password: pw }, null);
      expect((await api(hotline.url, 'GET', '/api/calls', undefined, login.body.token)).status).to.equal(403);
    });
  });
}
