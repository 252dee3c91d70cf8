// Queue events dated by Asterisk's clock. On a loaded box Hotline's event loop once stood still
// for 9 s while calls went on; the AMI events of that time were read late and dated when read,
// so waits and ends moved by the stall and two AgentComplete events were not matched to their
// calls. Here Hotline's process is really stopped (SIGSTOP, as a CPU starved of it would be)
// from the moment a caller joins a queue until after the call has ended, with a real Asterisk,
// a SIPp caller and a SIPp agent phone that rings 3 s. The supervisor's drill-down must show
// the wait, the answer and the end Asterisk saw, not the time Hotline woke up.
// One database (SQLite): what is checked is when events are dated, not how a row is stored.
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, type Agents } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

const Q = 'stallq';
const STOPPED_MS = 9000;
/** When Asterisk says the event happened (manager.conf timestampevents), in ms. */
const asteriskTime = (e: AmiMessage): number => Number(fieldOf(e, 'Timestamp')) * 1000;

describe('queue events dated by Asterisk, not by when a stalled Hotline read them (sqlite)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let phones: Agents;
  let agent: TestAgent;

  before(async () => {
    ensurePbx();
    hangupAll();
    phones = await startAgents(1, { ringMs: 3000 });
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
    ami = await new AmiWatch().start();
    await createQueue(hotline.url, Q, { skills: { stall: 1 } });
    agent = await createAgent(hotline.url, 'stall-1', 1, { stall: 5 });
    await queueFlow(hotline.url, `to-${Q}`, Q, '7391');
    await agentAction(hotline.url, agent, 'login');
    await waitForAgentState(hotline.url, agent, 'available');
  });
  after(async () => {
    if (hotline?.child.pid) process.kill(hotline.child.pid, 'SIGCONT');
    await ami?.stop();
    await stopAllHotlines();
    phones?.stop();
    hangupAll();
    await db?.drop();
  });

  it("Hotline stopped while a caller waits, is answered and hangs up: the drill-down shows Asterisk's wait, answer and end", async () => {
    const caller = `5553${String(process.pid % 1000).padStart(3, '0')}391`;
    const from = new Date(Date.now() - 60_000).toISOString();
    const call = await startCall({ scenario: 'uac-wait-bye', service: '7391', caller, hangupAfterMs: 60_000, recvTimeoutMs: 90_000 });
    await ami.waitFor('QueueCallerJoin', { CallerIDNum: caller, Queue: Q }, 30_000);
    const pid = hotline.child.pid!;
    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    let connect: AmiMessage;
    let complete: AmiMessage;
    try {
      connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller, Queue: Q }, 20_000);
      await sleep(2000);
      await call.hangup();
      complete = await ami.waitFor('AgentComplete', { Queue: Q, Interface: agent.interface }, 20_000);
      expect(Date.now() - stoppedAt, 'the call ended while Hotline was stopped').to.be.below(STOPPED_MS);
      await sleep(STOPPED_MS - (Date.now() - stoppedAt));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await call.done;

    let item: Record<string, any> | undefined;
    await waitUntil('the ended call in the drill-down of answered calls', async () => {
      const res = await api(hotline.url, 'GET', `/api/reports/calls?figure=answered&queues=${Q}&from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}&tz=UTC`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      item = (res.body.items as Array<Record<string, any>>).find((i) => i.callerNumber === caller);
      return Boolean(item?.endedAt);
    }, 30_000);
    const holdTime = Number(fieldOf(connect!, 'HoldTime'));
    const talkTime = Number(fieldOf(complete!, 'TalkTime'));
    const answered = Date.parse(item!.answeredAt);
    const ended = Date.parse(item!.endedAt);
    const seen = `drill-down ${JSON.stringify(item)}; Asterisk: HoldTime ${holdTime} s, connect at ${new Date(asteriskTime(connect!)).toISOString()}, TalkTime ${talkTime} s, complete at ${new Date(asteriskTime(complete!)).toISOString()}; Hotline resumed at ${new Date(stoppedAt + STOPPED_MS).toISOString()}`;
    expect(Math.abs(item!.waitSeconds - holdTime), `wait as Asterisk's HoldTime (${seen})`).to.be.at.most(1);
    expect(Math.abs(answered - asteriskTime(connect!)), `answered when Asterisk connected the agent (${seen})`).to.be.below(1000);
    expect(item!.talkSeconds, `talk as Asterisk's TalkTime (${seen})`).to.equal(talkTime);
    expect(Math.abs(ended - asteriskTime(complete!)), `ended when Asterisk ended the call (${seen})`).to.be.below(1500);
  });
});
