// Hot standby on the real Asterisk and MariaDB: two Hotline nodes, one lease. Callers are
// sipp UACs; agents are sipp UASs (lab-agent1..6 in the queue hotline-lab-agents).
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api, publishFlow } from '../support/api.js';
import { agentAction, createAgent, createQueue, waitForAgentState } from '../support/acd.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, ROOT, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp, startCall, type SippCall } from '../support/sipp.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { patternPcap } from '../support/recording-lab.js';

const menuFlow = {
  entry: 'm',
  nodes: {
    m: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'thanks' }, timeoutMs: 20000, retries: 0, onExhausted: 'bye' },
    thanks: { type: 'hangup', prompt: { sound: 'auth-thankyou' } },
    bye: { type: 'hangup', prompt: { sound: 'goodbye' } },
  },
};
const ARTIFACTS = join(ROOT, 'test-artifacts', 'ha');
const queueFlow = (queue: string) => ({ entry: 'q', nodes: { q: { type: 'queue', queue } } });

interface Row {
  called_number: string;
  outcome: string | null;
  handled_by: string;
  ivr_path: string;
  current_step: string | null;
  ended_at: unknown;
}

/** The campaign case's customer phone (click-to-dial reaches it through HOTLINE_OUTBOUND_DIAL). */
const CUSTOMER_PORT = 5088;

describe('hot standby (two nodes, one Asterisk, one MariaDB)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let agents: Agents;
  let ami: AmiWatch;
  const nodes: Record<string, HotlineProcess> = {};

  // The orphan sweep ends, within seconds, a record whose call left Stasis before a killed node wrote it.
  const ha = (name: string, extra: Record<string, string> = {}) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name, HOTLINE_ORPHAN_GRACE_MS: '5000', HOTLINE_ORPHAN_SWEEP_MS: '2000', HOTLINE_BLOCKLIST_SYNC_SECONDS: '1', HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${CUSTOMER_PORT}`, ...extra });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const rows = () => db.query<Row>("SELECT called_number, outcome, handled_by, ivr_path, current_step, ended_at FROM call_records WHERE called_number IN ('6201','6202','6203')");
  const steps = (r: Row) => (JSON.parse(r.ivr_path) as Array<{ step: string }>).map((p) => p.step);
  /**
   * The menu, then the leaf, with exactly one of them played again: the step the caller was in
   * when the node changed (the menu if the takeover came before the digit, the leaf if after;
   * on a busy box a takeover can come after the digit).
   */
  const oneStepRepeated = (r: Row): void => {
    const path = steps(r);
    expect([['m', 'm', 'thanks'], ['m', 'thanks', 'thanks']], `path ${JSON.stringify(path)}`).to.deep.include(path);
  };

  before(async () => {
    ensurePbx();
    db = await createTestDb('mariadb');
    agents = await startAgents(6);
    ami = await new AmiWatch().start();
  });
  afterEach(async function () {
    // A failed case leaves both nodes' logs behind (test-artifacts/ha/), for what a message cannot hold.
    if (this.currentTest?.state === 'failed') {
      mkdirSync(ARTIFACTS, { recursive: true });
      for (const [name, node] of Object.entries(nodes)) writeFileSync(join(ARTIFACTS, `${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}-${name}.log`), node.output());
    }
    hangupAll();
    await stopAllHotlines();
    await db.query('DELETE FROM call_records');
  });
  after(async () => {
    agents?.stop();
    await ami?.stop();
    await db?.drop();
  });

  async function startPair(aEnv: Record<string, string> = {}) {
    nodes.a = await startHotline(ha('node-a', aEnv), { waitForPbx: true });
    await waitUntil('node-a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(ha('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(nodes.b!)) === 'standby');
    const b = await nodes.b.health();
    expect(b.body.ari.up).to.equal(false); // a standby does not open the Stasis app
    await publishFlow(nodes.a.url, 'ha-menu', menuFlow, ['6201']);
    await publishFlow(nodes.a.url, 'ha-queue', queueFlow('hotline-fallback'), ['6202']);
    await publishFlow(nodes.a.url, 'ha-agents', queueFlow('hotline-lab-agents'), ['6203']);
  }

  async function ivrCalls(count: number, waitBeforeDigitsMs: number): Promise<SippCall> {
    const call = await startCall({ scenario: 'uac-dtmf', service: '6201', caller: '5556201', digits: '1', waitBeforeDigitsMs, calls: count, rate: 20, limit: count, recvTimeoutMs: 40_000 });
    await waitUntil(`${count} callers in the menu`, async () => (await rows()).filter((r) => r.called_number === '6201' && r.current_step === 'm').length === count, 20_000);
    return call;
  }

  it('kill -9 of the active node with 20 calls in flight: the standby acts within 5 s, every caller stays connected and finishes', async function () {
    await startPair();
    // The queued and talking callers hang up by themselves 25 s after the answer, well after the
    // takeover; they are connected before the menu callers come (a loaded box took more than the
    // 16 s they once had to reach the agents while the menu calls were being set up).
    const queued = await startCall({ scenario: 'uac-wait-bye', service: '6202', caller: '5556202', hangupAfterMs: 25_000, calls: 6, rate: 20, limit: 6 });
    const talking = await startCall({ scenario: 'uac-wait-bye', service: '6203', caller: '5556203', hangupAfterMs: 25_000, calls: 6, rate: 20, limit: 6 });
    await waitUntil('6 callers talking to lab agents', () => ami.events.filter((e) => e.Event === 'AgentConnect' && e.Queue === 'hotline-lab-agents').length >= 6, 20_000);
    const menu = await ivrCalls(8, 10_000);
    await waitUntil('6 callers waiting in the queue', () => ami.events.filter((e) => e.Event === 'QueueCallerJoin' && e.Queue === 'hotline-fallback' && e.CallerIDNum === '5556202').length >= 6, 20_000);

    const killedAt = Date.now();
    await nodes.a!.stop('SIGKILL');
    // When too slow, where the time went: node-b's steps, in ms after the kill.
    const timeline = () => nodes.b!.logLines().filter((l) => (l.time as number) >= killedAt - 1000).map((l) => `+${(l.time as number) - killedAt} ${l.msg}`).slice(0, 20).join('\n');
    await waitUntil('node-b to become active', async () => (await role(nodes.b!)) === 'active', 10_000).catch((err: Error) => {
      throw new Error(`${err.message}; node-b:\n${timeline()}`);
    });
    const recovered = await waitUntil('node-b to take the calls in the app', () =>
      nodes.b!.logLines().find((l) => l.msg === 'ARI: recovering channels already in the app'), 10_000).catch((err: Error) => {
      throw new Error(`${err.message}; node-b:\n${timeline()}`);
    });
    const takeoverMs = (recovered.time as number) - killedAt;
    expect(takeoverMs, `takeover took ${takeoverMs} ms; node-b:\n${timeline()}`).to.be.below(5000);
    expect(recovered.count).to.equal(8);

    const [rMenu, rQueued, rTalking] = await Promise.all([menu.done, queued.done, talking.done]);
    assertCallsSucceeded(rMenu, 8);
    expect(rMenu.events.PBX_BYE).to.equal(8); // node-b finished each flow and hung up
    assertCallsSucceeded(rQueued, 6);
    assertCallsSucceeded(rTalking, 6);
    expect(rQueued.events.CALLER_BYE).to.equal(6); // nobody cut them off: they hung up themselves
    expect(rTalking.events.CALLER_BYE).to.equal(6);

    const all = await waitUntil('20 finished call records', async () => {
      const r = await rows();
      return r.length === 20 && r.every((x) => x.ended_at) ? r : undefined;
    }, 20_000);
    const ivr = all.filter((r) => r.called_number === '6201');
    expect(ivr.map((r) => [r.outcome, r.handled_by])).to.deep.equal(Array(8).fill(['completed', 'node-b']));
    for (const r of ivr) oneStepRepeated(r); // at worst the current prompt again
    expect(all.filter((r) => r.called_number !== '6201').map((r) => r.outcome)).to.deep.equal(Array(12).fill('handed_off'));
  });

  it('planned switchover (SIGTERM on the active node): no call lost, no prompt more than repeated', async () => {
    await startPair();
    const menu = await ivrCalls(6, 7000);
    const code = await nodes.a!.stop('SIGTERM');
    expect(code).to.equal(0);
    expect(nodes.a!.logLines().some((l) => l.msg === 'planned switchover: calls left to the standby')).to.equal(true);
    await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
    const r = await menu.done;
    assertCallsSucceeded(r, 6);
    const ivr = await waitUntil('6 finished records', async () => {
      const x = (await rows()).filter((y) => y.ended_at);
      return x.length === 6 ? x : undefined;
    }, 20_000);
    expect(ivr.map((x) => [x.outcome, x.handled_by])).to.deep.equal(Array(6).fill(['completed', 'node-b']));
    for (const x of ivr) oneStepRepeated(x);
    expect(ami.events.some((e) => e.UserEvent === 'HotlineFallback' && e.Caller === '5556201')).to.equal(false);
  });

  it('the active node loses MariaDB but keeps Asterisk: it fences itself, the other takes over, no split brain', async () => {
    const proxy = await startTcpProxy(Number(db.env.HOTLINE_DB_PORT));
    try {
      await startPair({ HOTLINE_DB_PORT: String(proxy.port) });
      // The digit comes 16 s into the call, after the takeover (node-a fences within about 5 s of
      // the cut): a digit pressed while no node is active is lost (docs/architecture.md), and the
      // caller, who presses once, would then time out of the menu.
      const menu = await ivrCalls(4, 16_000);
      proxy.cut();
      await waitUntil('node-a to fence itself', () => nodes.a!.logLines().some((l) => /lost the lease; fencing/.test(String(l.msg))), 10_000);
      await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
      assertCallsSucceeded(await menu.done, 4);
      const ivr = await waitUntil('4 finished records', async () => {
        const x = (await rows()).filter((y) => y.ended_at);
        return x.length === 4 ? x : undefined;
      }, 20_000).catch(async (err: Error) => {
        throw new Error(`${err.message}\nrows: ${JSON.stringify(await rows())}\nb: ${JSON.stringify(nodes.b!.logLines().filter((l) => l.level >= 40 || l.callId))}\na: ${JSON.stringify(nodes.a!.logLines().slice(-12))}`);
      });
      expect(ivr.map((x) => [x.outcome, x.handled_by]), JSON.stringify({ ivr, b: nodes.b!.logLines().filter((l) => l.level >= 30 && l.callId), a: nodes.a!.logLines().slice(-15) })).to.deep.equal(Array(4).fill(['completed', 'node-b']));
      // Each step ran once on one node: the path shows the menu twice (a's, then b's repeat) and one leaf.
      for (const x of ivr) expect(steps(x)).to.deep.equal(['m', 'm', 'thanks']);
      const a = await nodes.a!.health();
      expect(a.body.role).to.equal('standby');
      expect(a.body.ari.up).to.equal(false);
    } finally {
      proxy.cut();
      await proxy.close();
    }
  });

  it('blocked numbers: a block made through the standby reaches Asterisk; after a kill -9 the new active node counts the refusals and lifts the block', async () => {
    await startPair();
    const caller = `1390014${String(process.pid % 10000).padStart(4, '0')}`;
    const made = await api(nodes.b!.url, 'POST', '/api/blocked-numbers', { number: caller, reason: 'HA: made on the standby' });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    // The standby does not write Asterisk: the active node's next pass does (1 s here).
    await waitUntil('the block in Asterisk', () => cli('database show hotline-blocked').includes(`n${caller} `), 5000);
    assertCallsSucceeded(await runSipp({ scenario: 'uac-refused', service: '6201', caller }));
    await nodes.a!.stop('SIGKILL');
    await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
    assertCallsSucceeded(await runSipp({ scenario: 'uac-refused', service: '6201', caller: `+86${caller}` }));
    await waitUntil('both refusals counted, one by each node', async () => (await api(nodes.b!.url, 'GET', `/api/blocked-numbers?q=${caller}`)).body.items[0]?.attempts === 2);
    expect((await api(nodes.b!.url, 'DELETE', `/api/blocked-numbers/${made.body.id}`)).status).to.equal(204);
    expect(cli('database show hotline-blocked')).to.not.contain(caller);
    expect((await rows()).length, 'no call record for a refused call').to.equal(0);
  });

  it('voicemail: the active node is killed while a caller is leaving a message; the caller is not cut off, and the other node files the whole message', async () => {
    await startPair();
    await publishFlow(nodes.a!.url, 'ha-vm', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'ha', maxSeconds: 40 } } }, ['6204']);
    const talk = patternPcap('ha-voicemail-440', [{ ms: 30_000, hz: 440 }], { ssrc: 0x48415648 });
    const caller = await startCall({ scenario: 'uac-dtmf', service: '6204', caller: '5556204', dtmfFile: talk, waitBeforeDigitsMs: 0, hangupAfterMs: 16_000 });
    const list = async (node: HotlineProcess) => (await api(node.url, 'GET', '/api/voicemails?status=recording')).body.items as Array<{ id: string; status: string }>;
    const opened = await waitUntil('the message opened', async () => (await list(nodes.a!))[0], 10_000);
    await new Promise((r) => setTimeout(r, 3000));
    await nodes.a!.stop('SIGKILL');
    await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
    const r = await caller.done;
    assertCallsSucceeded(r);
    expect([r.events.CALLER_BYE, r.events.PBX_BYE], 'the caller hung up to end the message; nobody cut them off').to.deep.equal([1, 0]);
    const m = await waitUntil('the message filed by node-b', async () => {
      const x = (await api(nodes.b!.url, 'GET', `/api/voicemails/${opened.id}`)).body as { status: string; seconds: number | null };
      return x.status === 'new' ? x : undefined;
    }, 20_000);
    expect(m.seconds, 'the whole message (16 s of talk), not what was left after the takeover').to.be.within(14, 17);
    const one = (await api(nodes.b!.url, 'GET', '/api/voicemails?mailbox=ha&limit=10')).body.items as unknown[];
    expect(one, 'one message for the call').to.have.length(1);
  });

  it('survey: the active node is killed while a caller is being asked; the other node asks again and saves the answer', async () => {
    await startPair();
    const a = nodes.a!.url;
    const made = await api(a, 'POST', '/api/surveys', { name: 'ha-survey', question: { sound: 'beep' }, options: [{ key: '1', label: 'good', score: 5, satisfied: true }, { key: '2', label: 'bad', score: 1, satisfied: false }], timeoutSeconds: 20, retries: 0 });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    await createQueue(a, 'ha-svq', { skills: { hasv: 1 }, survey: 'ha-survey' });
    const agent = await createAgent(a, 'hasv', 7, { hasv: 5 });
    await publishFlow(a, 'ha-svq', queueFlow('ha-svq'), ['6205']);
    const phone = await startAgents(1, { first: 7, hangupAfterMs: 1500 });
    try {
      await agentAction(a, agent, 'login');
      await waitForAgentState(a, agent, 'available');
      // The key comes 12 s after the answer: after the agent hung up (1.5 s), the kill and node-b's question.
      const caller = await startCall({ scenario: 'uac-dtmf', service: '6205', caller: '5556205', digits: '1', waitBeforeDigitsMs: 12_000, recvTimeoutMs: 40_000 });
      const asking = async () => (await db.query<{ status: string; asked: number }>("SELECT status, asked FROM survey_responses WHERE caller_number = '5556205'"))[0];
      await waitUntil('node-a asking the survey', async () => (await asking())?.asked === 1, 15_000);
      await nodes.a!.stop('SIGKILL');
      await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
      assertCallsSucceeded(await caller.done);
      const r = await waitUntil('the answer saved by node-b', async () => {
        const x = (await api(nodes.b!.url, 'GET', `/api/surveys/responses?from=${encodeURIComponent(new Date(Date.now() - 120_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.items[0];
        return x?.status === 'answered' ? x : undefined;
      }, 10_000);
      expect(r).to.deep.include({ survey: 'ha-survey', queue: 'ha-svq', key: '1', score: 5, agentId: agent.id, asked: 2 });
    } finally {
      phone.stop();
    }
  });

  it('campaign: the active node is killed while an agent is on a campaign call; the other node records the call\'s end, gives the agent the same contact and takes the result', async () => {
    await startPair();
    const a = nodes.a!.url;
    const user = await api(a, 'POST', '/api/users', { username: 'ha-caller', password: 'Ha-Campaign-secret-42', role: 'agent', displayName: 'HA Caller' });
    expect(user.status, JSON.stringify(user.body)).to.equal(201);
    await createQueue(a, 'ha-cq', { skills: { hacq: 1 } });
    const agent = await createAgent(a, 'hacaller', 9, { hacq: 5 }, { userId: user.body.id });
    const token = (await api(a, 'POST', '/api/auth/login', { username: 'ha-caller', password: 'Ha-Campaign-secret-42' }, null)).body.token as string;
    const phone = await startAgents(1, { first: 9, ringMs: 500 });
    const customer = await startPhone(CUSTOMER_PORT, 'answer');
    try {
      await agentAction(a, agent, 'login');
      await waitForAgentState(a, agent, 'available');
      const made = await api(a, 'POST', '/api/campaigns', {
        name: 'ha-camp', title: 'HA 回访', queue: 'ha-cq', maxAttempts: 2,
        results: [{ code: 'done', label: '完成', final: true, success: true }],
        callingHours: { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59', timezone: 'UTC' },
      });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      expect((await api(a, 'POST', '/api/campaigns/ha-camp/contacts', { contacts: [{ phone: '13700137901', name: '周' }, { phone: '13700137902', name: '吴' }] })).status).to.equal(200);
      expect((await api(a, 'POST', '/api/campaigns/ha-camp/status', { status: 'running' })).status).to.equal(200);
      const taken = (await api(a, 'POST', '/api/campaigns/ha-camp/next', undefined, token)).body.contact as { id: string; phone: string };
      const dialled = await api(a, 'POST', `/api/campaigns/ha-camp/contacts/${taken.id}/dial`, undefined, token);
      expect(dialled.status, JSON.stringify(dialled.body)).to.equal(202);
      const attempt = async () => (await db.query<{ placed_at: unknown; ended_at: unknown; dial_status: string | null }>(`SELECT placed_at, ended_at, dial_status FROM campaign_attempts WHERE id = '${dialled.body.attemptId}'`))[0];
      await waitUntil('node-a saw the PBX dial the contact', async () => (await attempt())?.placed_at != null, 20_000);

      await nodes.a!.stop('SIGKILL');
      await waitUntil('node-b active', async () => (await role(nodes.b!)) === 'active', 10_000);
      const b = nodes.b!.url;
      // The same contact for the same agent, from the other node (a reload of the desk).
      const again = (await api(b, 'POST', '/api/campaigns/ha-camp/next', undefined, token)).body.contact as { id: string };
      expect(again.id, 'the contact held before the kill').to.equal(taken.id);
      // The call ends after the takeover: node-b applies its end.
      hangupAll();
      const ended = await waitUntil('node-b recorded the end of the call', async () => {
        const x = await attempt();
        return x?.ended_at != null ? x : undefined;
      }, 20_000);
      expect(ended.dial_status).to.equal('ANSWER');
      const result = await api(b, 'POST', `/api/campaigns/ha-camp/contacts/${taken.id}/result`, { result: 'done', note: 'after the failover' }, token);
      expect(result.status, JSON.stringify(result.body)).to.equal(200);
      expect(result.body).to.deep.include({ status: 'done', result: 'done', attempts: 1 });
      expect((await api(b, 'GET', '/api/campaigns/ha-camp')).body.counts).to.deep.include({ done: 1, pending: 1, reserved: 0 });
    } finally {
      phone.stop();
      customer.stop();
    }
  });
});
