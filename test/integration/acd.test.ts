// The ACD with real calls: sipp callers go through an IVR queue node into Asterisk queues
// that Hotline configured over AMI, and are answered by agents whose devices Hotline
// provisioned (lab SIPp UAS instances). What a caller or a supervisor would notice is checked:
// which agent's phone answered (AMI AgentConnect), in which order, and the states the API reports.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, type Agents } from '../support/agents.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

let seq = 0;
const nextCaller = () => `55504${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(3, '0')}`;

for (const kind of DB_KINDS) {
  describe(`ACD with real calls (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let phones: Agents;
    const agents: Record<string, TestAgent> = {};

    before(async () => {
      ensurePbx();
      hangupAll();
      phones = await startAgents(6);
      db = await createTestDb(kind);
      hotline = await startHotline(db.env);
      ami = await new AmiWatch().start();
      const base = hotline.url;
      await createQueue(base, 'sales-en', { skills: { english: 1 }, strategy: 'linear' });
      await createQueue(base, 'support-zh', { skills: { chinese: 1 }, strategy: 'linear' });
      agents.ana = await createAgent(base, 'ana', 1, { english: 8 });
      agents.bo = await createAgent(base, 'bo', 2, { english: 5, chinese: 9 });
      agents.cy = await createAgent(base, 'cy', 3, { chinese: 6 });
      await queueFlow(base, 'to-zh', 'support-zh', '7101');
      await queueFlow(base, 'to-en', 'sales-en', '7102');
    });
    afterEach(() => hangupAll());
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      phones?.stop();
      await db?.drop();
    });

    const connected = (caller: string) =>
      ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);

    it('logs agents in to the queues their skills match, with penalties from skill levels', async () => {
      for (const a of Object.values(agents)) await agentAction(hotline.url, a, 'login');
      const members = await waitUntil('members in QueueStatus', async () => {
        const res = await api(hotline.url, 'POST', '/api/acd/reconcile');
        expect(res.status).to.equal(200);
        const q = (await api(hotline.url, 'GET', `/api/acd/queues/support-zh/stats`)).body;
        return q.agents.available === 2 ? q : undefined;
      });
      expect(members.agents.available).to.equal(2);
      for (const a of Object.values(agents)) expect(await waitForAgentState(hotline.url, a, 'available')).to.equal(true);
    });

    it('a call through the IVR reaches the available agent with the right skill (the best one first)', async () => {
      const caller = nextCaller();
      const call = await startCall({ scenario: 'uac-wait-bye', service: '7101', caller, hangupAfterMs: 4000 });
      const c = await connected(caller);
      expect(fieldOf(c, 'Queue')).to.equal('support-zh');
      expect(fieldOf(c, 'Interface')).to.equal(agents.bo!.interface); // chinese 9 beats chinese 6
      await waitForAgentState(hotline.url, agents.bo!, 'on_call');
      await call.done;
      await waitForAgentState(hotline.url, agents.bo!, 'available');
    });

    it('an agent on break is skipped', async () => {
      const onBreak = await agentAction(hotline.url, agents.bo!, 'break', 'lunch');
      expect(onBreak.state).to.equal('break');
      expect(onBreak.stateReason).to.equal('lunch');
      const caller = nextCaller();
      const call = await startCall({ scenario: 'uac-wait-bye', service: '7101', caller, hangupAfterMs: 3000 });
      const c = await connected(caller);
      expect(fieldOf(c, 'Interface')).to.equal(agents.cy!.interface);
      await call.done;
      const back = await agentAction(hotline.url, agents.bo!, 'ready');
      expect(back.state).to.equal('available');
      const timeline = (await api(hotline.url, 'GET', `/api/acd/agents/${agents.bo!.id}/timeline`)).body.items as Array<{ state: string; reason: string }>;
      expect(timeline.map((t) => t.state)).to.include.members(['break', 'on_call', 'available']);
      expect(timeline.find((t) => t.state === 'break')?.reason).to.equal('lunch');
    });
  });
}
