// Attaching read-only to an existing PBX: a second, real Asterisk whose dialplan and queue
// Hotline did not write (test/fixtures/existing-pbx: extension 200 -> Queue(existing-sales)
// with static members Alice and Bob, whose phones are sipp UAS; 201 plays a message). Hotline
// runs with no Asterisk of its own and watches that PBX's AMI through a TCP proxy the test can
// cut and reads every byte Hotline sends. Real calls from sipp; what Hotline shows is compared
// with the PBX's own queue_log and `queue show`.
import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import WebSocket from 'ws';
import { AmiClient, AmiError } from '../../app/pbx/ami/index.js';
import { api } from '../support/api.js';
import { startAgents, type Agents } from '../support/agents.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { EXISTING, existingCli, queueLog, startExistingPbx, stopExistingPbx } from '../support/existing-pbx.js';
import { runHotlineOnce, startHotline, stopAllHotlines, TEST_ADMIN, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, startCall, type SippOptions } from '../support/sipp.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const PBX = 'existing';
const Q = EXISTING.queue;
const [ALICE, BOB] = EXISTING.agents;

// Callers' ports: SIP 5180-5189, media 5300-5339 (out of the default harness ranges, which
// other suites use at the same time).
const udpFree = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.once('error', () => (s.close(), resolve(false)));
  s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
});
let slot = 0;
async function callerPorts(): Promise<{ sipPort: number; mediaPort: number }> {
  for (let tries = 0; tries < 10; tries++) {
    const k = slot++ % 10;
    const sipPort = 5180 + k;
    const mediaPort = 5300 + k * 4;
    if ((await Promise.all([sipPort, mediaPort, mediaPort + 1, mediaPort + 2, mediaPort + 3].map(udpFree))).every(Boolean)) return { sipPort, mediaPort };
  }
  throw new Error('no free caller port in 5180-5189');
}
async function call(opts: Omit<SippOptions, 'target'>) {
  return startCall({ ...opts, target: EXISTING.sipTarget, ...(await callerPorts()) });
}

let seq = 0;
const nextCaller = () => `5557${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(2, '0')}`;

/** The AMI actions in what a client sent (one `Action:` per message). */
function actionsIn(wire: string): string[] {
  return [...wire.matchAll(/^Action:\s*([^\r\n]+)/gim)].map((m) => m[1]!.trim());
}

type Rec = Record<string, any>;

for (const kind of dbKindsForCalls('sqlite')) {
  describe(`attached read-only to an existing PBX (${kind})`, function () {
    this.timeout(300_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let phones: Agents;
    let proxy: TcpProxy;
    let wire = '';
    let feed: WebSocket | undefined;
    const live: Rec[] = [];
    const answered: Array<{ caller: string; talkMs: number }> = [];
    let abandoned = '';
    let message = '';

    const records = async (): Promise<Rec[]> => (await api(hotline.url, 'GET', `/api/calls?source=${PBX}&limit=100`)).body.items;
    const recordOf = async (caller: string): Promise<Rec | undefined> => (await records()).find((r) => r.callerNumber === caller);
    const agents = async (): Promise<Rec[]> => (await api(hotline.url, 'GET', `/api/attach/${PBX}/agents`)).body.items;
    const stateOf = async (iface: string): Promise<Rec | undefined> => (await agents()).find((a) => a.interface === iface);
    const stats = async (): Promise<Rec> => {
      const res = await api(hotline.url, 'GET', `/api/attach/${PBX}/queues/${Q}/stats`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };
    const waitState = (iface: string, state: string, reason?: string) =>
      waitUntil(`${iface} ${state}${reason ? ` (${reason})` : ''} in Hotline`, async () => {
        const a = await stateOf(iface);
        return a && a.state === state && (reason === undefined || a.reason === reason) ? a : undefined;
      }, 15_000, 200);

    before(async () => {
      await startExistingPbx();
      phones = await startAgents(2, { sipBase: 5170, mediaBase: 5260 });
      db = await createTestDb(kind);
      wire = '';
      proxy = await startTcpProxy(EXISTING.amiPort, '127.0.0.1', { onClientData: (d) => (wire += d.toString('latin1')) });
      hotline = await startHotline({
        ...db.env,
        HOTLINE_OWN_PBX: 'false',
        HOTLINE_ATTACH_AMI_URL: `tcp://127.0.0.1:${proxy.port}`,
        HOTLINE_ATTACH_AMI_USER: EXISTING.user,
        HOTLINE_ATTACH_AMI_PASSWORD: EXISTING.secret,
        HOTLINE_ATTACH_NAME: PBX,
        HOTLINE_ACD_RECONCILE_MS: '600000',
      }, { waitForPbx: false });
      await waitUntil('Hotline attached to the existing PBX', async () => (await hotline.health()).body.attach?.up, 20_000);
      // The first reconcile (QueueStatus) lists the PBX's members.
      await waitState(ALICE.interface, 'available');
      await waitState(BOB.interface, 'available');
      // The live feed (WebSocket) a supervisor's wallboard reads.
      const login = await api(hotline.url, 'POST', '/api/auth/login', TEST_ADMIN, null);
      feed = new WebSocket(`${hotline.url.replace('http', 'ws')}/api/acd/live`);
      await new Promise((resolve, reject) => (feed!.once('open', resolve), feed!.once('error', reject)));
      feed.on('message', (d) => live.push(JSON.parse(String(d))));
      feed.send(JSON.stringify({ type: 'auth', token: login.body.token }));
      await waitUntil('the live feed ready', () => live.some((e) => e.type === 'ready'));
    });
    after(async () => {
      feed?.close();
      await stopAllHotlines();
      await proxy?.close();
      phones?.stop();
      await stopExistingPbx();
      await db?.drop();
    });

    it('health: the attach link is up; Hotline has no Asterisk of its own', async () => {
      const h = (await hotline.health()).body;
      expect(h.status).to.equal('ok');
      expect(h.attach).to.include({ name: PBX, up: true });
      expect(h.ari).to.include({ up: false, disabled: true });
      expect(h.ami).to.include({ up: false, disabled: true });
      const overview = (await api(hotline.url, 'GET', `/api/attach/${PBX}`)).body;
      expect(overview).to.include({ name: PBX, up: true });
      expect(overview.queues).to.deep.equal([Q]);
    });

    it('3 answered calls and 1 abandoned: call records and queue stats match the PBX\'s queue_log and `queue show`; a pause on its CLI is followed', async () => {
      // Three callers answered by the queue's agents (rrmemory: Alice, Bob, Alice), each talking ~2-3 s.
      for (let i = 0; i < 3; i++) {
        const caller = nextCaller();
        const talkMs = 2000 + i * 500;
        const c = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller, hangupAfterMs: talkMs });
        assertCallsSucceeded(await c.done);
        answered.push({ caller, talkMs });
      }
      // Both agents paused on the PBX's own CLI (not by Hotline): Hotline shows them on break.
      for (const a of [ALICE, BOB]) existingCli(`queue pause member ${a.interface} queue ${Q} reason lunch`);
      await waitState(ALICE.interface, 'break', 'lunch');
      await waitState(BOB.interface, 'break', 'lunch');
      const onBreak = await stats();
      expect(onBreak.agents).to.include({ break: 2, available: 0 });
      expect(live.find((e) => e.type === 'attach.agent.state' && e.interface === ALICE.interface && e.state === 'break')).to.include({ pbx: PBX, name: 'Alice', reason: 'lunch' });
      // Nobody available: this caller waits 3 s in the queue and gives up.
      abandoned = nextCaller();
      const a = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller: abandoned, hangupAfterMs: 3000 });
      assertCallsSucceeded(await a.done);
      for (const m of [ALICE, BOB]) existingCli(`queue unpause member ${m.interface} queue ${Q}`);
      await waitState(ALICE.interface, 'available');
      await waitState(BOB.interface, 'available');
      // And a call that never meets a queue: 201 plays a message and hangs up.
      message = nextCaller();
      const m = await call({ scenario: 'uac-wait-bye', service: EXISTING.messageNumber, caller: message });
      assertCallsSucceeded(await m.done);

      const all = await waitUntil('5 ended call records from the existing PBX', async () => {
        const rs = await records();
        const mine = rs.filter((r) => [...answered.map((x) => x.caller), abandoned, message].includes(r.callerNumber));
        // An answered call's talk time comes with AgentComplete, which AMI may deliver after the caller's Hangup.
        const talked = mine.filter((r) => answered.some((x) => x.caller === r.callerNumber)).every((r) => r.talkSeconds !== null);
        return mine.length === 5 && mine.every((r) => r.endedAt && r.outcome) && talked ? mine : undefined;
      }, 20_000, 250);
      const log = queueLog(Q);
      for (const { caller, talkMs } of answered) {
        const r = all.find((x) => x.callerNumber === caller)!;
        const callid = r.channelId.slice(PBX.length + 1);
        const connect = log.find((l) => l.callid === callid && l.event === 'CONNECT');
        const complete = log.find((l) => l.callid === callid && l.event === 'COMPLETECALLER');
        expect(connect, `queue_log CONNECT of ${callid}`).to.exist;
        expect(complete, `queue_log COMPLETECALLER of ${callid}`).to.exist;
        expect(r).to.include({ source: PBX, calledNumber: EXISTING.salesNumber, queue: Q, outcome: 'answered', agentName: connect!.agent, flow: '' });
        expect([ALICE.interface, BOB.interface]).to.include(r.agentInterface);
        expect(r.holdSeconds).to.equal(Number(connect!.data[0]));
        expect(r.talkSeconds).to.equal(Number(complete!.data[1]));
        expect(r.durationMs).to.be.within(talkMs - 200, talkMs + 2500);
        expect(new Date(r.answeredAt).getTime()).to.be.at.least(new Date(r.startedAt).getTime());
        expect(r.hangupCause).to.be.a('string').and.not.empty;
      }
      expect(new Set(all.filter((r) => r.outcome === 'answered').map((r) => r.agentName))).to.deep.equal(new Set(['Alice', 'Bob']));
      const ab = all.find((x) => x.callerNumber === abandoned)!;
      const abLog = log.find((l) => l.callid === ab.channelId.slice(PBX.length + 1) && l.event === 'ABANDON');
      expect(abLog, 'queue_log ABANDON').to.exist;
      expect(ab).to.include({ queue: Q, outcome: 'abandoned', agentInterface: null, agentName: null });
      expect(ab.holdSeconds).to.equal(Number(abLog!.data[2]));
      const msg = all.find((x) => x.callerNumber === message)!;
      expect(msg).to.include({ calledNumber: EXISTING.messageNumber, queue: null, outcome: 'completed', agentInterface: null });
      expect(msg.answeredAt).to.be.a('string');

      // Queue stats: Hotline's count from events, Asterisk's own counters and queue_log agree.
      const s = await waitUntil('stats with 3 answered and 1 abandoned', async () => {
        const st = await stats();
        return st.today.answered === 3 && st.today.abandoned === 1 ? st : undefined;
      }, 10_000, 250);
      expect(log.filter((l) => l.event === 'CONNECT')).to.have.length(3);
      expect(log.filter((l) => l.event === 'ABANDON')).to.have.length(1);
      expect(s.asterisk).to.include({ completed: 3, abandoned: 1, serviceLevelSeconds: 30 });
      expect(existingCli(`queue show ${Q}`)).to.match(/C:3, A:1/);
      expect(s).to.include({ pbx: PBX, queue: Q, waiting: 0 });
      expect(s.agents).to.include({ available: 2, break: 0, on_call: 0, logged_out: 0 });
      expect(s.members.map((m: Rec) => m.name).sort()).to.deep.equal(['Alice', 'Bob']);
      const show = existingCli(`queue show ${Q}`);
      expect(show).to.match(/Alice \(PJSIP\/ext-agent1\).*Not in use/);
      expect(show).to.not.match(/paused/i);
      // The live feed carried the queue's callers, named by their PBX.
      const callerEvents = live.filter((e) => e.type === 'queue.caller' && e.queue === Q);
      expect(callerEvents.every((e) => e.pbx === PBX)).to.equal(true);
      expect(callerEvents.filter((e) => e.event === 'answered')).to.have.length(3);
      expect(callerEvents.filter((e) => e.event === 'abandoned')).to.have.length(1);
    });

    it('Hotline sent the existing PBX no write action, and the PBX would have refused one', async () => {
      const sent = new Set(actionsIn(wire).map((a) => a.toLowerCase()));
      expect([...sent].sort()).to.include.members(['login', 'queuestatus', 'coreshowchannels']);
      expect([...sent].filter((a) => !['login', 'ping', 'queuestatus', 'coreshowchannels', 'status', 'corestatus'].includes(a)), `actions sent: ${[...sent].join(', ')}`).to.deep.equal([]);
      // The account Hotline was given cannot change the PBX either (manager.conf write = reporting).
      const raw = new AmiClient({ host: '127.0.0.1', port: EXISTING.amiPort, username: EXISTING.user, secret: EXISTING.secret, events: 'off' });
      raw.start();
      try {
        await raw.waitForConnected(10_000);
        const err = await raw.action('QueuePause', { Interface: ALICE.interface, Paused: 'true' }).catch((e: AmiError) => e);
        expect(err).to.be.instanceOf(AmiError);
        expect((err as AmiError).message).to.match(/permission denied/i);
      } finally {
        await raw.stop();
      }
      expect(existingCli(`queue show ${Q}`)).to.not.match(/paused/i);
    });

    it('AMI link cut while a call ends, members are paused and a caller starts waiting behind Hotline\'s back: reconnected, it reconciles', async () => {
      const caller = nextCaller();
      const c = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller, hangupAfterMs: 60_000 });
      const rec = await waitUntil('the call answered by an agent in Hotline', async () => {
        const r = await recordOf(caller);
        return r?.agentInterface ? r : undefined;
      }, 15_000, 200);
      const talking = EXISTING.agents.find((a) => a.interface === rec.agentInterface)!;
      const other = EXISTING.agents.find((a) => a !== talking)!;
      await waitState(talking.interface, 'on_call');
      proxy.cut();
      await waitUntil('Hotline to see the attach link down', async () => (await hotline.health()).body.attach?.up === false, 10_000, 100);
      // Behind Hotline's back: a member paused, the call ends, the other paused too, a new caller waits.
      existingCli(`queue pause member ${other.interface} queue ${Q} reason meeting`);
      await c.hangup();
      assertCallsSucceeded(await c.done);
      existingCli(`queue pause member ${talking.interface} queue ${Q} reason meeting`);
      const waiter = nextCaller();
      const w = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller: waiter, hangupAfterMs: 60_000 });
      await waitUntil('the new caller waiting in the PBX\'s queue', () => /has 1 calls?/.test(existingCli(`queue show ${Q}`)), 10_000, 200);
      expect((await recordOf(caller))!.endedAt, 'Hotline cannot know yet').to.equal(null);
      expect(await recordOf(waiter)).to.equal(undefined);
      expect((await stateOf(other.interface))!.state).to.equal('available');
      proxy.restore();
      await waitUntil('Hotline to see the attach link up again', async () => (await hotline.health()).body.attach?.up === true, 15_000, 200);
      await waitState(other.interface, 'break', 'meeting');
      await waitState(talking.interface, 'break', 'meeting');
      const closed = await waitUntil('the ended call\'s record closed by the reconcile', async () => {
        const r = await recordOf(caller);
        return r?.endedAt ? r : undefined;
      }, 10_000, 200);
      expect(closed).to.include({ outcome: 'answered', queue: Q, agentInterface: talking.interface, hangupCause: 'ended while not watched' });
      const opened = await waitUntil('a record for the call that began unseen', () => recordOf(waiter), 10_000, 200);
      expect(opened).to.include({ calledNumber: EXISTING.salesNumber, endedAt: null });
      expect(await stats()).to.include({ waiting: 1 });
      // From here on Hotline sees it live again: the waiting caller gives up.
      await w.hangup();
      assertCallsSucceeded(await w.done);
      const gaveUp = await waitUntil('the waiting caller\'s record ended', async () => {
        const r = await recordOf(waiter);
        return r?.endedAt ? r : undefined;
      }, 10_000, 200);
      expect(gaveUp).to.include({ outcome: 'abandoned', queue: Q, agentInterface: null });
      const st = await waitUntil('stats with 4 answered and 2 abandoned', async () => {
        const x = await stats();
        return x.today.answered === 4 && x.today.abandoned === 2 && x.waiting === 0 ? x : undefined;
      }, 10_000, 250);
      expect(st.asterisk).to.include({ completed: 4, abandoned: 2 });
      for (const a of [other, talking]) existingCli(`queue unpause member ${a.interface} queue ${Q}`);
      await waitState(other.interface, 'available');
      await waitState(talking.interface, 'available');
      // Still only reads on the wire, before and after the reconnect.
      expect(actionsIn(wire).filter((a) => !/^(login|ping|queuestatus|coreshowchannels|status)$/i.test(a))).to.deep.equal([]);
      expect(actionsIn(wire).filter((a) => /^login$/i.test(a)).length).to.be.at.least(2);
      expect(hotline.output()).to.not.contain(EXISTING.secret);
    });
  });
}

describe('attached PBX with hot standby (MariaDB): only the active node records; the standby takes over', function () {
  this.timeout(240_000);
  let db: TestDb;
  let phones: Agents;
  const nodes: Record<string, HotlineProcess> = {};
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as Rec }))).body?.role;
  const row = async (caller: string) => (await db.query<Rec>('SELECT * FROM call_records WHERE caller_number = ?', [caller]))[0];

  before(async () => {
    await startExistingPbx();
    phones = await startAgents(2, { sipBase: 5170, mediaBase: 5260 });
    db = await createTestDb('mariadb');
    const env = (name: string) => ({
      ...db.env,
      HOTLINE_NODE_NAME: name,
      HOTLINE_HA_ENABLED: 'true',
      // A lock of its own: other suites' nodes on the same MariaDB server contend for theirs.
      HOTLINE_HA_LOCK_NAME: `hl-attach-${process.pid}`,
      HOTLINE_OWN_PBX: 'false',
      HOTLINE_ATTACH_AMI_URL: `tcp://127.0.0.1:${EXISTING.amiPort}`,
      HOTLINE_ATTACH_AMI_USER: EXISTING.user,
      HOTLINE_ATTACH_AMI_PASSWORD: EXISTING.secret,
      HOTLINE_ATTACH_NAME: PBX,
    });
    nodes.a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(env('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby, attached too', async () => (await role(nodes.b!)) === 'standby' && (await nodes.b!.health()).body.attach?.up);
  });
  after(async () => {
    await stopAllHotlines();
    phones?.stop();
    await stopExistingPbx();
    await db?.drop();
  });

  it('the active node writes the records; after kill -9 the standby goes on with the call in progress', async () => {
    const first = nextCaller();
    const c1 = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller: first, hangupAfterMs: 2000 });
    assertCallsSucceeded(await c1.done);
    const r1 = await waitUntil('the first call recorded', async () => {
      const r = await row(first);
      return r?.ended_at ? r : undefined;
    }, 15_000, 200);
    expect(r1).to.include({ handled_by: 'node-a', outcome: 'answered', source: PBX, queue: Q });
    // The standby reads (its API answers from the shared database) but writes nothing.
    expect(nodes.b!.output()).to.not.match(/call record update failed|attached PBX reconciled/);
    const seen = (await api(nodes.b!.url, 'GET', `/api/calls?source=${PBX}`)).body.items as Rec[];
    expect(seen.map((r) => r.callerNumber)).to.include(first);

    const second = nextCaller();
    const c2 = await call({ scenario: 'uac-hangup', service: EXISTING.salesNumber, caller: second, hangupAfterMs: 60_000 });
    await waitUntil('the second call answered (recorded by node-a)', async () => (await row(second))?.agent_interface, 15_000, 200);
    await nodes.a!.stop('SIGKILL');
    await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 15_000, 100);
    await c2.hangup();
    assertCallsSucceeded(await c2.done);
    const r2 = await waitUntil('the second call ended by node-b', async () => {
      const r = await row(second);
      return r?.ended_at ? r : undefined;
    }, 15_000, 200);
    // node-b saw the hangup itself (it was active before it): the real cause, not a reconcile's guess.
    expect(r2).to.include({ handled_by: 'node-b', outcome: 'answered', queue: Q });
    expect(r2.hangup_cause).to.not.equal('ended while not watched');
    expect(Number(r2.talk_seconds)).to.be.at.least(0);
    const s = await waitUntil('node-b stats with 2 answered', async () => {
      const st = (await api(nodes.b!.url, 'GET', `/api/attach/${PBX}/queues/${Q}/stats`)).body;
      return st?.today?.answered === 2 ? st : undefined;
    }, 10_000, 250);
    expect(s.asterisk).to.include({ completed: 2 });
  });
});

describe('attach: bad settings are refused at startup with one line', function () {
  this.timeout(60_000);
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://127.0.0.1' }, 'HOTLINE_ATTACH_AMI_URL', /no port/],
    [{ HOTLINE_ATTACH_AMI_URL: 'http://127.0.0.1:5039' }, 'HOTLINE_ATTACH_AMI_URL', /scheme http is not tcp/],
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://hotline-ro:s3cret-pw@127.0.0.1:5039' }, 'HOTLINE_ATTACH_AMI_URL', /credentials/],
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://127.0.0.1:5039', HOTLINE_ATTACH_AMI_USER: 'hotline-ro' }, 'HOTLINE_ATTACH_AMI_PASSWORD', /required when HOTLINE_ATTACH_AMI_URL is set/],
  ];
  for (const [env, variable, why] of cases) {
    it(`${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}: refused naming ${variable}`, async () => {
      const { code, stderr, stdout } = await runHotlineOnce({ ...env, HOTLINE_DB_PATH: join(tmpdir(), 'hl-attach-never.sqlite') });
      expect(code).to.equal(78);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^hotline: Invalid configuration: ${variable}: `));
      expect(lines[0]).to.match(why);
      expect(stderr + stdout).to.not.contain('s3cret-pw');
      expect(stdout).to.not.contain('listening');
    });
  }
});
