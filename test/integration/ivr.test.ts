// The IVR engine with real calls (sipp, RFC 2833 digits) on the real Asterisk: flows are
// created and published over the API, numbers mapped to them, and callers walk them.
import { expect } from 'chai';
import { AmiWatch } from '../support/ami-watch.js';
import { api, publishFlow } from '../support/api.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp, startCall } from '../support/sipp.js';
import { accountSubflow, deepFlow, fragileFlow, hoursFlow, mainWithSubflow, retryFlow, versionedFlow, vipFlow, voicemailFlow } from './ivr-flows.js';

interface Row {
  id: string;
  digits: string;
  outcome: string;
  ivr_path: string;
  flow_version_id: string;
  ended_at: unknown;
}

let seq = 0;
const nextCaller = () => `55503${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

for (const kind of dbKindsForCalls('sqlite')) {
  describe(`IVR engine with real calls (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;

    before(async () => {
      ensurePbx();
      db = await createTestDb(kind);
      hotline = await startHotline(db.env);
      ami = await new AmiWatch().start();
    });
    afterEach(() => hangupAll());
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      await db?.drop();
    });

    const finished = (caller: string) =>
      waitUntil(`the call record of ${caller}`, async () => {
        const rows = await db.query<Row>('SELECT id, digits, outcome, ivr_path, flow_version_id, ended_at FROM call_records WHERE caller_number = ?', [caller]);
        return rows[0]?.ended_at ? rows[0] : undefined;
      }, 30_000);
    const steps = (row: Row) => (JSON.parse(row.ivr_path) as Array<{ step: string }>).map((p) => p.step);
    const prompts = async (row: Row) => {
      const call = await api(hotline.url, 'GET', `/api/calls/${row.id}`);
      return (call.body.events as Array<{ type: string; detail: { media: string } }>).filter((e) => e.type === 'prompt.started').map((e) => e.detail.media);
    };

    it('a caller navigates 5 levels deep to the intended leaf; another key sequence reaches another leaf', async () => {
      await publishFlow(hotline.url, 'deep', deepFlow(5), ['6001']);
      const a = nextCaller();
      const b = nextCaller();
      const [ra, rb] = await Promise.all([
        runSipp({ scenario: 'uac-dtmf', service: '6001', caller: a, digits: '11111', waitBeforeDigitsMs: 800 }),
        runSipp({ scenario: 'uac-dtmf', service: '6001', caller: b, digits: '11112', waitBeforeDigitsMs: 800 }),
      ]);
      assertCallsSucceeded(ra);
      assertCallsSucceeded(rb);
      const rowA = await finished(a);
      const rowB = await finished(b);
      expect(steps(rowA)).to.deep.equal(['l1', 'l2', 'l3', 'l4', 'l5', 'leafA']);
      expect(steps(rowB)).to.deep.equal(['l1', 'l2', 'l3', 'l4', 'l5', 'leafB']);
      expect([rowA.digits, rowB.digits]).to.deep.equal(['11111', '11112']);
      expect((await prompts(rowA)).at(-1)).to.equal('sound:auth-thankyou');
      expect((await prompts(rowB)).at(-1)).to.equal('sound:vm-goodbye');
      expect((await prompts(rowA))[0]).to.equal('sound:digits/1');
    });

    it('the dry run walks the same flow with the same keys', async () => {
      const res = await api(hotline.url, 'POST', '/api/ivr/flows/deep/dry-run', { digits: '11112' });
      expect(res.status).to.equal(200);
      expect(res.body.path.map((p: { step: string }) => p.step)).to.deep.equal(['l1', 'l2', 'l3', 'l4', 'l5', 'leafB']);
      expect(res.body.end).to.deep.equal({ kind: 'hangup' });
      expect(res.body.played.at(-1)).to.deep.equal(['sound:vm-goodbye']);
      const silent = await api(hotline.url, 'POST', '/api/ivr/flows/deep/dry-run', {});
      expect(silent.body.path.map((p: { step: string }) => p.step)).to.deep.equal(['l1', 'bye']);
      const bad = await api(hotline.url, 'POST', '/api/ivr/flows/deep/dry-run', { digits: 'abc' });
      expect(bad.status).to.equal(400);
    });

    it('an invalid key, then a timeout: their prompts play, and with retries used up the call goes to the operator queue', async () => {
      await publishFlow(hotline.url, 'retry', retryFlow, ['6002']);
      const caller = nextCaller();
      const r = await runSipp({ scenario: 'uac-dtmf', service: '6002', caller, digits: '9', waitBeforeDigitsMs: 1000, hangupAfterMs: 9000 });
      assertCallsSucceeded(r);
      await ami.waitFor('QueueCallerJoin', { Queue: 'hotline-fallback', CallerIDNum: caller });
      const queued = await ami.waitFor('UserEvent', { UserEvent: 'HotlineQueue', Caller: caller });
      expect(queued.Queue).to.equal('hotline-fallback');
      const row = await finished(caller);
      expect(row.outcome).to.equal('handed_off');
      expect(row.digits).to.equal('9');
      expect(steps(row)).to.deep.equal(['m', 'operator']);
      expect(await prompts(row)).to.deep.equal(['sound:digits/1', 'sound:please-try-again', 'sound:digits/1', 'sound:vm-sorry']);
    });

    it('business hours: the same number routes to "open", then, with today a holiday, to "closed"', async () => {
      await publishFlow(hotline.url, 'hours', hoursFlow([]), ['6003']);
      const open = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6003', caller: open }));
      expect(steps(await finished(open))).to.deep.equal(['h', 'open']);
      const day = (offset: number) => new Date(Date.now() + offset).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
      await publishFlow(hotline.url, 'hours', hoursFlow([day(-3_600_000), day(0), day(3_600_000)]));
      const closed = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6003', caller: closed }));
      expect(steps(await finished(closed))).to.deep.equal(['h', 'closed']);
    });

    it('a lookup greets a known VIP caller by the name in the CRM; an unknown caller takes another branch', async () => {
      const vip = nextCaller();
      const created = await api(hotline.url, 'POST', '/api/customers', { name: 'Alice Zhang', phones: [vip], vipLevel: 2 });
      expect(created.status).to.equal(201);
      await publishFlow(hotline.url, 'vip', vipFlow, ['6004']);
      const stranger = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6004', caller: vip }));
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6004', caller: stranger }));
      const vipRow = await finished(vip);
      expect(steps(vipRow)).to.deep.equal(['who', 'check', 'vip']);
      const greeting = (await prompts(vipRow))[0]!;
      expect(greeting).to.match(/^sound:hotline\/tts-[0-9a-f]{12}$/);
      const prompt = await api(hotline.url, 'GET', `/api/prompts/${greeting.slice('sound:hotline/'.length)}`);
      expect(prompt.body.text).to.equal('Welcome back Alice Zhang, you are a valued customer');
      expect(prompt.body.durationMs).to.be.greaterThan(1000);
      expect(steps(await finished(stranger))).to.deep.equal(['who', 'stranger']);
    });

    it('publishing while a call is in the old version: it finishes on the old one, the next call gets the new one', async () => {
      const v1 = await publishFlow(hotline.url, 'versions', versionedFlow('auth-thankyou', 'old'), ['6005']);
      const first = nextCaller();
      const call = await startCall({ scenario: 'uac-dtmf', service: '6005', caller: first, digits: '1', waitBeforeDigitsMs: 5000 });
      await call.waitFor('ANSWERED');
      await waitUntil('the first call to be in the menu', async () => {
        const rows = await db.query<{ current_step: string }>('SELECT current_step FROM call_records WHERE caller_number = ?', [first]);
        return rows[0]?.current_step === 'm';
      });
      const v2 = await publishFlow(hotline.url, 'versions', versionedFlow('vm-goodbye', 'new'));
      expect(v2).to.equal(v1 + 1);
      const second = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '6005', caller: second, digits: '1', waitBeforeDigitsMs: 500 }));
      assertCallsSucceeded(await call.done);
      const oldRow = await finished(first);
      const newRow = await finished(second);
      expect(steps(oldRow)).to.deep.equal(['m', 'old']);
      expect((await prompts(oldRow)).at(-1)).to.equal('sound:auth-thankyou');
      expect(steps(newRow)).to.deep.equal(['m', 'new']);
      expect(oldRow.flow_version_id).to.not.equal(newRow.flow_version_id);

      const back = await api(hotline.url, 'POST', '/api/ivr/flows/versions/rollback', { version: v1 });
      expect(back.status).to.equal(200);
      const third = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '6005', caller: third, digits: '1', waitBeforeDigitsMs: 500 }));
      expect(steps(await finished(third))).to.deep.equal(['m', 'old']);
    });

    it('refuses to publish an invalid flow with exactly its problems, each naming its node', async () => {
      const broken = {
        entry: 'start',
        nodes: {
          start: { type: 'menu', prompt: { sound: 'no-such-sound' }, options: { '1': 'nowhere', '2': 'end' }, timeoutMs: 3000, retries: 1, onExhausted: 'end' },
          end: { type: 'hangup' },
          orphan: { type: 'hangup', prompt: { sound: 'goodbye' } },
        },
      };
      expect((await api(hotline.url, 'POST', '/api/ivr/flows', { name: 'broken', definition: broken })).status).to.equal(201);
      const res = await api(hotline.url, 'POST', '/api/ivr/flows/broken/publish');
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('flow_invalid');
      const problems = res.body.error.details.problems as Array<{ node: string; message: string }>;
      expect(problems.map((p) => p.node)).to.have.members(['start', 'start', 'orphan']);
      expect(problems).to.have.length(3);
      expect(problems.some((p) => p.node === 'start' && /nowhere/.test(p.message))).to.equal(true);
      expect(problems.some((p) => p.node === 'start' && /no-such-sound/.test(p.message))).to.equal(true);
      expect(problems.some((p) => p.node === 'orphan' && /reach/i.test(p.message))).to.equal(true);

      const schemaBroken = { entry: 'a', nodes: { a: { type: 'menu', prompt: { sound: 'beep' }, options: { '12': 'a' }, retries: 0, onExhausted: 'a' }, b: { type: 'sms' } } };
      await api(hotline.url, 'PUT', '/api/ivr/flows/broken/draft', { definition: schemaBroken });
      const res2 = await api(hotline.url, 'POST', '/api/ivr/flows/broken/publish');
      expect(res2.status).to.equal(422);
      const p2 = res2.body.error.details.problems as Array<{ node: string; field?: string; message: string }>;
      expect(p2.filter((p) => p.node === 'a').map((p) => p.field)).to.include.members(['timeoutMs', 'options.12']);
      expect(p2.some((p) => p.node === 'b' && /unknown node type "sms"/.test(p.message))).to.equal(true);
      const flow = await api(hotline.url, 'GET', '/api/ivr/flows/broken');
      expect(flow.body.publishedVersion).to.equal(null); // nothing was published
      expect((await api(hotline.url, 'POST', '/api/ivr/flows', { name: 'x', definition: 'not an object' })).status).to.equal(400);
    });

    it('a sub-flow collects an account number (#-terminated, pattern-checked) and returns; the main flow branches on it', async () => {
      await publishFlow(hotline.url, 'account', accountSubflow);
      await publishFlow(hotline.url, 'main-sub', mainWithSubflow, ['6006']);
      const caller = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '6006', caller, digits: '31411#', waitBeforeDigitsMs: 900 }));
      const row = await finished(caller);
      expect(steps(row)).to.deep.equal(['greet', 'sub', 'account/ask', 'account/done', 'route', 'known']);
      expect(row.digits).to.equal('31411');
      const call = await api(hotline.url, 'GET', `/api/calls/${row.id}`);
      expect(call.body.variables.account).to.equal('31411');
    });

    it('a node that fails at runtime sends the call to the flow fallback (apology + queue), logged with the call id', async () => {
      expect((await api(hotline.url, 'POST', '/api/ivr/flows', { name: 'never-published', definition: { entry: 'x', nodes: { x: { type: 'hangup' } } } })).status).to.equal(201);
      await publishFlow(hotline.url, 'fragile', fragileFlow, ['6007']);
      const caller = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6007', caller, hangupAfterMs: 5000 }));
      await ami.waitFor('QueueCallerJoin', { Queue: 'hotline-fallback', CallerIDNum: caller });
      const row = await finished(caller);
      expect(row.outcome).to.equal('handed_off');
      expect(steps(row)).to.deep.equal(['sub', 'fallback']);
      expect(await prompts(row)).to.deep.equal(['sound:sorry']);
      const [logged] = await hotline.waitForLog('the error of the call', (l) => l.level === 50 && l.callId === row.id);
      expect(logged?.msg).to.match(/not published; taking the flow fallback/);
    });

    it('voicemail: the caller leaves a message and hangs up; the recording is kept and on the call record', async () => {
      await publishFlow(hotline.url, 'voicemail', voicemailFlow, ['6008']);
      const caller = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-hangup', service: '6008', caller, hangupAfterMs: 7000 }));
      const row = await finished(caller);
      expect(row.outcome, JSON.stringify(hotline.logLines().filter((l) => l.level >= 40))).to.equal('caller_hangup');
      const call = await api(hotline.url, 'GET', `/api/calls/${row.id}`);
      const started = (call.body.events as Array<{ type: string; detail: { name: string } }>).find((e) => e.type === 'recording.started');
      expect(started?.detail.name).to.equal(`hotline-vm-${row.id}`);
      const auth = 'Basic ' + Buffer.from('hotline:hotline-dev-ari').toString('base64');
      const stored = await waitUntil('Asterisk to keep the recording', async () => {
        const res = await fetch(`http://127.0.0.1:8088/ari/recordings/stored/${started!.detail.name}`, { headers: { authorization: auth } });
        return res.status === 200 ? res : undefined;
      });
      expect(((await stored.json()) as { format: string }).format).to.equal('wav');
    });

    it('IVR funnel: each node reached by the callers who went through it, and where calls ended, as the callers keyed it', async () => {
      // l1 {1: l2, 2: bye} → l2 {1: l3, 2: bye} → l3 {1: leafA, 2: leafB}; a menu left unanswered goes to bye.
      await publishFlow(hotline.url, 'funnel', deepFlow(3), ['6009']);
      const since = new Date(Date.now() - 1000).toISOString();
      const dial = (digits: string, hangupAfterMs?: number) => runSipp({ scenario: 'uac-dtmf', service: '6009', caller: nextCaller(), digits, waitBeforeDigitsMs: 800, ...(hangupAfterMs ? { hangupAfterMs } : {}) });
      const results = await Promise.all([dial('111'), dial('112'), dial('12'), dial('2'), dial('11', 3500)]);
      for (const r of results) assertCallsSucceeded(r);
      const q = `flow=funnel&from=${encodeURIComponent(since)}&to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`;
      const f = await waitUntil('the five calls of the funnel ended', async () => {
        const res = await api(hotline.url, 'GET', `/api/reports/ivr?${q}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        return res.body.calls === 5 && res.body.ended.inProgress === 0 ? res.body : undefined;
      }, 30_000);
      const byNode = Object.fromEntries(f.nodes.map((n: { node: string }) => [n.node, n]));
      // In the flow's order (breadth first from the entry), with each node's type.
      expect(f.nodes.map((n: { node: string }) => n.node)).to.deep.equal(['l1', 'l2', 'bye', 'l3', 'leafA', 'leafB']);
      expect(byNode.l1.type).to.equal('menu');
      const reached = Object.fromEntries(f.nodes.map((n: { node: string; reached: number }) => [n.node, n.reached]));
      expect(reached).to.deep.equal({ l1: 5, l2: 4, bye: 2, l3: 3, leafA: 1, leafB: 1 });
      // The caller who keyed 1, 1 and hung up while l3 waited for a key dropped at l3.
      expect(byNode.l3.ended.hungUp, 'hung up at l3').to.equal(1);
      expect(byNode.l3.dropRate).to.equal(0.3333);
      expect(byNode.l3.continued).to.equal(2);
      expect([byNode.leafA.ended.completed, byNode.leafB.ended.completed, byNode.bye.ended.completed]).to.deep.equal([1, 1, 2]);
      expect(f.ended).to.deep.include({ hungUp: 1, completed: 4, handedOff: 0, failed: 0 });
      expect(f.statements.map((x: { key: string }) => x.key)).to.include.members(['ivr_reached', 'ivr_ended', 'ivr_drop']);
      const zh = await api(hotline.url, 'GET', `/api/reports/ivr?${q}&locale=zh-CN`);
      expect(zh.body.statements[1].name).to.equal('到达');
      // The .xlsx holds the same rows.
      const x = await api<Buffer>(hotline.url, 'GET', `/api/reports/ivr/export.xlsx?${q}&locale=zh-CN`);
      expect(x.status).to.equal(200);
      const { ExcelJS } = await import('../../app/io/exceljs.js');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.body as never);
      const ws = wb.worksheets[0]!;
      expect(ws.name).to.equal('IVR 漏斗');
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const l3 = (ws.getRow(5).values as unknown[]).slice(1);
      expect([l3[0], l3[header.indexOf('到达')], l3[header.indexOf('来电挂机')]]).to.deep.equal(['l3', 3, 1]);
      expect(wb.worksheets.map((w) => w.name)).to.include('口径说明');
      // Per version: v2 of the flow has one menu level fewer (l2's 2 is leafB); one call runs it.
      const v2 = await publishFlow(hotline.url, 'funnel', deepFlow(2), ['6009']);
      assertCallsSucceeded(await dial('12'));
      const of = async (extra: string) => waitUntil(`the funnel ${extra}`, async () => {
        const b = (await api(hotline.url, 'GET', `/api/reports/ivr?${q}${extra}`)).body;
        return b.ended?.inProgress === 0 && b.calls >= (extra ? 1 : 6) ? b : undefined;
      }, 30_000);
      const first = await of('&version=1');
      expect([first.calls, first.nodes.map((n: { node: string }) => n.node)]).to.deep.equal([5, ['l1', 'l2', 'bye', 'l3', 'leafA', 'leafB']]);
      const second = await of(`&version=${v2}`);
      expect(second.calls).to.equal(1);
      expect(second.nodes.map((n: { node: string; reached: number }) => [n.node, n.reached])).to.deep.equal([['l1', 1], ['l2', 1], ['bye', 0], ['leafA', 0], ['leafB', 1]]);
      expect((await of('')).calls, 'every version').to.equal(6);
      expect((await api(hotline.url, 'GET', `/api/reports/ivr?${q}&version=99`)).status).to.equal(404);
      // Bad input: 400 naming the field, 404 for an unknown flow.
      const bad = async (query: string) => (await api(hotline.url, 'GET', `/api/reports/ivr?${query}`));
      const missing = await bad(q.replace('flow=funnel&', ''));
      expect(missing.status).to.equal(400);
      expect(JSON.stringify(missing.body)).to.match(/flow/);
      expect((await bad(q.replace('flow=funnel', 'flow=nope'))).status).to.equal(404);
      const long = await bad(`flow=funnel&from=2026-01-01&to=2026-03-01`);
      expect(long.status).to.equal(400);
      expect(long.body.error.message).to.match(/31 days/);
      expect((await bad(`${q}&queues=x`)).status, 'no queue filter on the funnel').to.equal(400);
    });
  });
}
