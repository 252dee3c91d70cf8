// The agent desktop's state bar against the real Asterisk: break reasons from the admin's list
// (a reason change while on break is the same break), and dispositions — a real call through the
// IVR and a queue to a lab agent; the agent waits in wrap-up (paused) and Ready is refused until
// a disposition is picked; the call record shows the agent, the disposition and the ticket.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { api } from '../support/api.js';
import { agentAction, createAgent, createQueue, queueFlow, userToken, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, type Agents } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

let seq = 0;
const nextCaller = () => `55508${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(3, '0')}`;
const label = (en: string, zh: string) => ({ 'zh-CN': zh, en });

for (const kind of DB_KINDS) {
  describe(`agent desktop: break reasons and dispositions (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let phones: Agents;
    let kim: TestAgent;
    let kimUser: { id: string; token: string };

    before(async () => {
      ensurePbx();
      hangupAll();
      phones = await startAgents(1, { first: 4 });
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_ACD_RECONCILE_MS: '2000' });
      ami = await new AmiWatch().start();
      kimUser = await userToken(hotline.url, 'kim', 'agent');
      await createQueue(hotline.url, 'care', { skills: { care: 1 }, dispositions: { required: true, codes: [{ code: 'solved', labels: label('Solved', '已解决') }, { code: 'follow-up', labels: label('Follow up', '需跟进') }] } });
      kim = await createAgent(hotline.url, 'kim', 4, { care: 5 }, { userId: kimUser.id });
      await queueFlow(hotline.url, 'to-care', 'care', '7301');
    });
    afterEach(() => hangupAll());
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      phones?.stop();
      await db?.drop();
    });

    it('the admin sets the break reasons (validated, nothing changed by a bad list); agents read them', async () => {
      const dup = await api(hotline.url, 'PUT', '/api/acd/break-reasons', { reasons: [{ code: 'lunch', labels: label('Lunch', '午餐') }, { code: 'lunch', labels: label('Lunch 2', '午餐2') }] });
      expect(dup.status).to.equal(400);
      const noEn = await api(hotline.url, 'PUT', '/api/acd/break-reasons', { reasons: [{ code: 'lunch', labels: { 'zh-CN': '午餐' } }] });
      expect(noEn.status).to.equal(400);
      const asAgent = await api(hotline.url, 'PUT', '/api/acd/break-reasons', { reasons: [] }, kimUser.token);
      expect(asAgent.status).to.equal(403);
      expect((await api(hotline.url, 'GET', '/api/acd/break-reasons', undefined, kimUser.token)).body.reasons).to.deep.equal([]);

      const reasons = [{ code: 'lunch', labels: label('Lunch', '午餐') }, { code: 'training', labels: label('Training', '培训') }];
      expect((await api(hotline.url, 'PUT', '/api/acd/break-reasons', { reasons })).status).to.equal(200);
      expect((await api(hotline.url, 'GET', '/api/acd/break-reasons', undefined, kimUser.token)).body.reasons).to.deep.equal(reasons);
      expect((await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, kimUser.token)).body.breakReasons).to.deep.equal(reasons);
    });

    it('a break takes only listed reasons; changing the reason while on break is the same break', async () => {
      await agentAction(hotline.url, kim, 'login');
      await waitForAgentState(hotline.url, kim, 'available');
      const bad = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/break`, { reason: 'smoke' }, kimUser.token);
      expect(bad.status).to.equal(422);
      expect(bad.body.error.code).to.equal('unknown_break_reason');
      expect((await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, kimUser.token)).body.state.state).to.equal('available');

      const lunch = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/break`, { reason: 'lunch' }, kimUser.token);
      expect(lunch.status).to.equal(200);
      expect(lunch.body).to.include({ state: 'break', stateReason: 'lunch' });
      const training = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/break`, { reason: 'training' }, kimUser.token);
      expect(training.body).to.include({ state: 'break', stateReason: 'training' });
      expect(training.body.stateSince, 'the break began with lunch').to.equal(lunch.body.stateSince);
      const me = (await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, kimUser.token)).body;
      expect(me.state).to.include({ state: 'break', reason: 'training', since: lunch.body.stateSince });
      const timeline = (await api(hotline.url, 'GET', `/api/acd/agents/${kim.id}/timeline`, undefined, kimUser.token)).body.items as Array<{ state: string; reason: string }>;
      expect(timeline.filter((t) => t.state === 'break'), JSON.stringify(timeline)).to.deep.equal([timeline.find((t) => t.state === 'break')]);
      expect(timeline[0]).to.include({ state: 'break', reason: 'training' });
      // Asterisk has the new reason on the member.
      await waitUntil('the pause reason in QueueStatus', async () => (await api(hotline.url, 'POST', '/api/acd/reconcile')).status === 200 && (await api(hotline.url, 'GET', `/api/acd/agents/${kim.id}`)).body.stateReason === 'training');
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/ready`, undefined, kimUser.token)).body.state).to.equal('available');
    });

    it('after a call of a queue that requires one, Ready waits for a disposition; the call record shows agent, disposition and ticket', async () => {
      const caller = nextCaller();
      const call = await startCall({ scenario: 'uac-wait-bye', service: '7301', caller, hangupAfterMs: 2500 });
      const connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);
      expect(fieldOf(connect, 'Interface')).to.equal(kim.interface);
      await call.done;
      // by the agent's leg: when the caller's channel is gone as app_queue reports the end, Asterisk leaves the caller's fields out
      await ami.waitFor('AgentComplete', { DestUniqueid: fieldOf(connect, 'DestUniqueid')! }, 15_000);
      // Held in wrap-up (paused in Asterisk, no countdown) until the disposition comes.
      await waitForAgentState(hotline.url, kim, 'wrap_up');
      const held = (await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, kimUser.token)).body.state;
      expect(held).to.include({ state: 'wrap_up', reason: 'care', wrapupUntil: null });
      // The hold is lost behind Hotline's back (a lost AgentComplete, a restarted Asterisk): the
      // next reconcile holds the agent again, as long as the disposition is missing.
      const mark = ami.events.length;
      cli(`queue unpause member ${kim.interface}`);
      const heldInAsterisk = () => /\(paused:hotline-disposition/.test(cli('queue show care').replace(/\x1b\[[0-9;]*m/g, ''));
      // Asterisk reports the unpause (Hotline may hold the agent again within milliseconds: look at the events, not at `queue show`)...
      const pauses = () => ami.events.slice(mark).filter((e) => fieldOf(e, 'Event') === 'QueueMemberPause' && fieldOf(e, 'Interface') === kim.interface).map((e) => fieldOf(e, 'Paused'));
      await waitUntil('Asterisk to report the unpause', () => pauses().includes('0') || undefined, 5000);
      // ...and Hotline holds the agent again after it.
      await waitUntil('Hotline to hold the agent again', async () => (pauses().slice(pauses().indexOf('0')).includes('1') && heldInAsterisk()) || undefined, 15_000, 200);
      await waitForAgentState(hotline.url, kim, 'wrap_up');
      await hotline.waitForLog('the agent held again', (l) => /held for it/.test(l.msg));

      const early = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/ready`, undefined, kimUser.token);
      expect(early.status, JSON.stringify(early.body)).to.equal(409);
      expect(early.body.error.code).to.equal('disposition_required');
      const wrong = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/disposition`, { code: 'sold' }, kimUser.token);
      expect(wrong.status).to.equal(422);
      expect(wrong.body.error.code).to.equal('unknown_disposition');
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/ready`, undefined, kimUser.token)).status, 'a refused code changed nothing').to.equal(409);

      const done = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/disposition`, { code: 'follow-up', note: '客户要求明天回电' }, kimUser.token);
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.include({ queue: 'care', code: 'follow-up' });
      const callId = done.body.callId as string;
      expect(callId).to.be.a('string');

      const customer = await api(hotline.url, 'POST', '/api/customers', { name: 'Desk Caller', phones: [caller] });
      expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
      const ticket = await api(hotline.url, 'POST', '/api/tickets', { title: '回电', customerId: customer.body.id, callId }, kimUser.token);
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);

      const record = (await api(hotline.url, 'GET', `/api/calls/${callId}`)).body;
      expect(record).to.include({ callerNumber: caller, agentId: kim.id, agentName: 'kim', agentInterface: kim.interface, queue: 'care', disposition: 'follow-up', dispositionNote: '客户要求明天回电' });
      expect(record.tickets).to.deep.equal([{ id: ticket.body.id, number: ticket.body.number, title: '回电', status: ticket.body.status }]);
      expect(record.events.map((e: { type: string }) => e.type)).to.include.members(['agent.answered', 'disposition']);

      // The disposition ends the hold: the queue's wrap-up (0 s here) runs, then calls come again.
      await waitForAgentState(hotline.url, kim, 'available');
      const ready = await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/ready`, undefined, kimUser.token);
      expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
      // Another agent's user may not give this agent's call a disposition.
      const other = await userToken(hotline.url, 'lou', 'agent');
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${kim.id}/disposition`, { code: 'solved' }, other.token)).status).to.equal(403);
    });
  });
}
