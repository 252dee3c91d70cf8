// Transfers from an agent's phone, with the real Asterisk: a caller reaches agent one through the
// IVR and a queue; agent one's phone sends a SIP REFER (blind transfer) to a target of the agents'
// dialplan context — another agent's endpoint, queue-<name>, an outside number — and the caller
// ends up talking there (AMI BlindTransfer, then the caller's Dial / queue answered).
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, startPhone, startReferringAgent, type Agents } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { join } from 'node:path';
import { api } from '../support/api.js';
import { SCENARIO_DIR, startCall } from '../support/sipp.js';

let seq = 0;
const nextCaller = () => `55509${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(3, '0')}`;
const OUTSIDE_PORT = 5098;

describe('blind transfer (SIP REFER) from an agent\'s phone', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let phones: Agents;
  let outside: Agents;
  let one: TestAgent;
  let two: TestAgent;
  let three: TestAgent;

  before(async () => {
    ensurePbx();
    hangupAll();
    // Slot 1: agent one's phone is started per test (it REFERs); slots 2 and 3 answer and hold.
    phones = await startAgents(2, { first: 2 });
    outside = await startPhone(OUTSIDE_PORT, 'answer');
    db = await createTestDb('mariadb');
    hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${OUTSIDE_PORT}` });
    ami = await new AmiWatch().start();
    await createQueue(hotline.url, 'front', { skills: { front: 1 } });
    await createQueue(hotline.url, 'back', { skills: { back: 1 } });
    one = await createAgent(hotline.url, 'one', 1, { front: 5 });
    two = await createAgent(hotline.url, 'two', 2, {});
    three = await createAgent(hotline.url, 'three', 3, { back: 5 });
    await queueFlow(hotline.url, 'to-front', 'front', '7401');
    await agentAction(hotline.url, one, 'login');
    await agentAction(hotline.url, three, 'login');
    await waitForAgentState(hotline.url, one, 'available');
  });
  afterEach(() => hangupAll());
  after(async () => {
    await ami?.stop();
    await stopAllHotlines();
    phones?.stop();
    outside?.stop();
    await db?.drop();
  });

  /** A caller reaches agent one, whose phone REFERs the call to `target`; resolves with the caller's Uniqueid. */
  async function transferTo(target: string): Promise<{ uniqueid: string; caller: string; end: () => Promise<void> }> {
    const referring = await startReferringAgent(5091, target, 1500);
    const caller = nextCaller();
    const call = await startCall({ scenario: 'uac-wait-bye', service: '7401', caller, hangupAfterMs: 30_000 });
    try {
      const connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller, Interface: one.interface }, 30_000);
      const uniqueid = fieldOf(connect, 'Uniqueid')!;
      const blind = await ami.waitFor('BlindTransfer', { TransfereeUniqueid: uniqueid }, 15_000);
      expect(fieldOf(blind, 'Result')).to.equal('Success');
      expect(fieldOf(blind, 'Extension')).to.equal(target);
      expect(await referring.done, 'agent one\'s phone: REFER accepted, its leg ended').to.equal(0);
      return { uniqueid, caller, end: async () => { await call.hangup(); await call.done; } };
    } catch (err) {
      referring.stop();
      await call.stop();
      throw err;
    }
  }

  /** The caller's channel dialed `device` (after the transfer) and it answered. */
  const bridgedWith = (uniqueid: string, device: string) =>
    waitUntil(`the caller dialing ${device} answered`, () =>
      ami.events.find((e) => fieldOf(e, 'Event') === 'DialEnd' && fieldOf(e, 'Uniqueid') === uniqueid && fieldOf(e, 'DialStatus') === 'ANSWER' && (fieldOf(e, 'DestChannel') ?? '').startsWith(`${device}-`)),
    15_000);

  it('to another agent by endpoint name: the caller talks with agent two', async () => {
    const t = await transferTo(two.endpoint);
    await ami.waitFor('UserEvent', { UserEvent: 'HotlineAgentTarget', Kind: 'agent', Target: two.endpoint, Uniqueid: t.uniqueid });
    await bridgedWith(t.uniqueid, two.interface);
    await t.end();
  });

  it('to queue-<name>: the caller joins that queue and its agent answers', async () => {
    const t = await transferTo('queue-back');
    await ami.waitFor('QueueCallerJoin', { Queue: 'back', Uniqueid: t.uniqueid });
    const c = await ami.waitFor('AgentConnect', { Queue: 'back', Uniqueid: t.uniqueid }, 20_000);
    expect(fieldOf(c, 'Interface')).to.equal(three.interface);
    await t.end();
  });

  it('to an outside number: dialed through HOTLINE_OUTBOUND_DIAL', async () => {
    const t = await transferTo('13900139000');
    await ami.waitFor('UserEvent', { UserEvent: 'HotlineAgentTarget', Kind: 'outside', Target: '13900139000', Uniqueid: t.uniqueid });
    await bridgedWith(t.uniqueid, 'PJSIP/callers');
    await t.end();
  });

  it('to something that is neither: refused, nothing dialed', async () => {
    // Asterisk accepts the REFER and the caller's channel runs the target; it finds no such agent and hangs up.
    const t = await transferTo('nobody-here');
    await ami.waitFor('UserEvent', { UserEvent: 'HotlineAgentTarget', Kind: 'unknown', Target: 'nobody-here', Uniqueid: t.uniqueid });
    await ami.waitFor('Hangup', { Uniqueid: t.uniqueid });
    const dialed = ami.events.filter((e) => fieldOf(e, 'Event') === 'DialBegin' && fieldOf(e, 'Uniqueid') === t.uniqueid).map((e) => fieldOf(e, 'DestChannel') ?? '');
    expect(dialed.filter((d) => !d.startsWith(`${one.interface}-`)), 'dialed after the transfer').to.deep.equal([]);
    await t.end();
  });

  describe('calls placed by an agent\'s desk phone (registering, with a password) reach the same targets', () => {
    const endpoint = 'acd-deskpw';
    const password = 'Desk-Phone-pass-12';
    before(async () => {
      const res = await api(hotline.url, 'POST', '/api/acd/agents', { name: 'deskpw', endpoint, sipPassword: password, skills: {} });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });

    /** The desk phone calls `target` (identified by its user name, challenged for its password); resolves with the target's user event. */
    async function dial(target: string, kind: string) {
      const from = ami.events.length;
      const call = await startCall({ scenario: join(SCENARIO_DIR, 'uac-auth-hangup.xml'), service: target, caller: endpoint, hangupAfterMs: 4000, extraArgs: ['-au', endpoint, '-ap', password] });
      try {
        const ev = await waitUntil(`HotlineAgentTarget ${kind} ${target}`, () =>
          ami.events.slice(from).find((e) => fieldOf(e, 'UserEvent') === 'HotlineAgentTarget' && fieldOf(e, 'Kind') === kind && fieldOf(e, 'Target') === target.replace(/^queue-/, '')),
        15_000);
        expect(fieldOf(ev, 'Channel'), 'identified as the desk phone\'s endpoint').to.match(new RegExp(`^PJSIP/${endpoint}-`));
        return { uniqueid: fieldOf(ev, 'Uniqueid')!, done: call.done };
      } catch (err) {
        await call.stop();
        throw err;
      }
    }

    it('another agent, a queue and an outside number', async () => {
      const toAgent = await dial(two.endpoint, 'agent');
      await bridgedWith(toAgent.uniqueid, two.interface);
      const toQueue = await dial('queue-back', 'queue');
      expect(fieldOf(await ami.waitFor('AgentConnect', { Queue: 'back', Uniqueid: toQueue.uniqueid }, 20_000), 'Interface')).to.equal(three.interface);
      const toOutside = await dial('13900139001', 'outside');
      await bridgedWith(toOutside.uniqueid, 'PJSIP/callers');
      for (const r of await Promise.all([toAgent.done, toQueue.done, toOutside.done])) expect(r.successful, JSON.stringify(r.failures)).to.equal(1);
    });
  });
});
