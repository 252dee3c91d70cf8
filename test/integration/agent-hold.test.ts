// Hold from an agent's phone, with the real Asterisk: the phone re-INVITEs with a=sendonly (as
// SIP.js does for hold) and the caller — a SIPp caller that came through the IVR and a queue —
// gets music on hold (AMI MusicOnHoldStart on the caller's channel) until the phone takes the
// call back (a=sendrecv: MusicOnHoldStop).
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startHoldingAgent } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

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
    await createQueue(hotline.url, 'holdq', { skills: { hold: 1 } });
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
      await ami.waitFor('Hold', { Channel: agentChannel }, 10_000);
      const moh = await ami.waitFor('MusicOnHoldStart', { Uniqueid: uniqueid }, 5000);
      expect(fieldOf(moh, 'Class')).to.equal('default');
      await ami.waitFor('Unhold', { Channel: agentChannel }, 10_000);
      await ami.waitFor('MusicOnHoldStop', { Uniqueid: uniqueid }, 5000);
      expect(await phone.done, 'the phone\'s hold, unhold and hang-up all answered').to.equal(0);
      await call.done;
    } finally {
      phone.stop();
      await call.stop();
    }
  });
});
