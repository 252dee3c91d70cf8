// Hold from an agent's phone, with the real Asterisk: the phone re-INVITEs with a=sendonly (as
// SIP.js does for hold) and the caller — a SIPp caller that came through the IVR and a queue —
// gets music on hold (AMI MusicOnHoldStart on the caller's channel) until the phone takes the
// call back (a=sendrecv: MusicOnHoldStop). The reports then show the hold and the queue's
// wrap-up in the call's handling time: AHT = talk + hold + wrap-up, with talk + hold equal to
// Asterisk's TalkTime and the hold equal to the music's span on the caller's channel.
import { expect } from 'chai';
import { fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startHoldingAgent } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { api } from '../support/api.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

const WRAPUP = 3; // seconds: the queue's wrap-up after each call

describe('hold from an agent\'s phone: the caller hears music on hold', function () {
  this.timeout(90_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let agent: TestAgent;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
    ami = await new AmiWatch().start();
    await createQueue(hotline.url, 'holdq', { skills: { hold: 1 }, wrapupSeconds: WRAPUP });
    agent = await createAgent(hotline.url, 'holder', 1, { hold: 5 });
    await queueFlow(hotline.url, 'to-holdq', 'holdq', '7501');
    await agentAction(hotline.url, agent, 'login');
    await waitForAgentState(hotline.url, agent, 'available');
  });
  afterEach(() => hangupAll());
  after(async () => {
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
  });

  it('re-INVITE sendonly starts music on the caller\'s channel; sendrecv stops it', async () => {
    const phone = await startHoldingAgent(5091, 1000);
    const caller = `55510${String(process.pid % 1000).padStart(3, '0')}01`;
    const call = await startCall({ scenario: 'uac-wait-bye', service: '7501', caller, hangupAfterMs: 30_000 });
    try {
      const connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);
      const uniqueid = fieldOf(connect, 'Uniqueid')!;
      const agentChannel = fieldOf(connect, 'DestChannel')!;
      expect(agentChannel).to.match(new RegExp(`^${agent.interface}-`));
      // The queue's own music stops as the agent answers: the hold's music is the one after Hold.
      const hold = await ami.waitFor('Hold', { Channel: agentChannel }, 10_000);
      const after = (ev: AmiMessage, name: string) => waitUntil(`AMI ${name} after ${fieldOf(ev, 'Event')}`, () => ami.events.slice(ami.events.indexOf(ev) + 1).find((e) => fieldOf(e, 'Event') === name && fieldOf(e, 'Uniqueid') === uniqueid), 10_000);
      const moh = await after(hold, 'MusicOnHoldStart');
      expect(fieldOf(moh, 'Class')).to.equal('default');
      await ami.waitFor('Unhold', { Channel: agentChannel }, 10_000);
      const stop = await after(moh, 'MusicOnHoldStop');
      expect(await phone.done, 'the phone\'s hold, unhold and hang-up all answered').to.equal(0);
      await call.done;
      // The reports: the hold as the music's span on the caller's channel (after the answer; the
      // queue's own music before it is no hold), talk + hold = Asterisk's TalkTime, the wrap-up.
      const held = Math.round((ami.receivedAt.get(stop)! - ami.receivedAt.get(moh)!) / 1000);
      const complete = await ami.waitFor('AgentComplete', { Queue: 'holdq' }, 10_000);
      const talkTime = Number(fieldOf(complete, 'TalkTime'));
      await waitForAgentState(hotline.url, agent, 'wrap_up', 5000).catch(() => undefined); // may be over already
      await waitForAgentState(hotline.url, agent, 'available', 15_000);
      const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}&queues=holdq`;
      const total = await waitUntil('the call and its wrap-up in the reports', async () => {
        const t = (await api(hotline.url, 'GET', `/api/reports/summary?${range}`)).body.total;
        return t?.answered === 1 && t.wrapupSeconds > 0 ? t : undefined;
      }, 15_000);
      expect(total.holdSeconds, `hold: the music ran ${held} s on the caller's channel`).to.be.within(held - 1, held + 1);
      expect(total.holdSeconds, 'the phone held for 2 s').to.be.within(1, 3);
      expect(total.talkSeconds + total.holdSeconds, "talk + hold = Asterisk's TalkTime").to.equal(talkTime);
      // Asterisk ends the wrap-up at the member's LastCall + wrapuptime, LastCall being the call's end in
      // whole seconds (rounded down): the agent waits between WRAPUP - 1 and WRAPUP s (seen: 2 s of 3 in a
      // full run), and Hotline's timer notices the end up to a second later.
      expect(total.wrapupSeconds, `the queue's wrap-up of ${WRAPUP} s`).to.be.within(WRAPUP - 1, WRAPUP + 2);
      expect(total.ahtSeconds, 'AHT = talk + hold + wrap-up of the one call').to.equal(total.talkSeconds + total.holdSeconds + total.wrapupSeconds);
    } finally {
      phone.stop();
      await call.stop();
    }
  });
});
