// Screen pop with a real call: a known caller who pressed a key in the IVR waits in a queue;
// the agent's phone rings (a SIPp UAS that rings 2 s before answering) and the agent's console —
// a WebSocket on /api/acd/live signed in as that agent — receives the customer, the open ticket
// and the IVR choices before the agent answers. An unknown caller pops a "create customer" offer.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api, publishFlow } from '../support/api.js';
import { createAgent, createQueue } from '../support/acd.js';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';
import { openConsole, type LiveConsole } from '../support/live.js';

for (const kind of dbKindsForCalls('mariadb')) {
  describe(`screen pop on the ringing agent's console (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let phone: Agents;
    let agentConsole: LiveConsole;
    let otherConsole: LiveConsole;
    let agentToken: string;
    let otherToken: string;
    let agentId: string;

    before(async () => {
      ensurePbx();
      hangupAll();
      phone = await startAgents(1, { ringMs: 2000, first: 6 });
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: 'PJSIP/callers/sip:{number}@127.0.0.1:5098' });
      ami = await new AmiWatch().start();
      const base = hotline.url;
      const user = await api(base, 'POST', '/api/users', { username: 'pop-agent', password: 'Ringing-Desk-secret-77', role: 'agent', displayName: 'Pop Agent' });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      await createQueue(base, 'pop-q', { skills: { pop: 1 } });
      const agent = await createAgent(base, 'popper', 6, { pop: 5 }, { userId: user.body.id });
      agentId = agent.id;
      const other = await api(base, 'POST', '/api/users', { username: 'other-agent', password: 'Quiet-Desk-secret-78', role: 'agent', displayName: 'Other' });
      expect(other.status).to.equal(201);
      await publishFlow(base, 'pop-flow', {
        entry: 'm',
        nodes: {
          m: { type: 'menu', prompt: { sound: 'beep' }, options: { '1': 'q' }, timeoutMs: 5000, retries: 0, onExhausted: 'q', bargeIn: true },
          q: { type: 'queue', queue: 'pop-q' },
        },
      }, ['7301']);
      const login = async (username: string, password: string) => (await api(base, 'POST', '/api/auth/login', { username, password }, null)).body.token as string;
      agentToken = await login('pop-agent', 'Ringing-Desk-secret-77');
      otherToken = await login('other-agent', 'Quiet-Desk-secret-78');
      // The agent logs themselves in (their own agent only).
      const self = await api(base, 'POST', `/api/acd/agents/${agent.id}/login`, undefined, agentToken);
      expect(self.status, JSON.stringify(self.body)).to.equal(200);
      agentConsole = await openConsole(base, agentToken);
      otherConsole = await openConsole(base, otherToken);
    });
    afterEach(() => hangupAll());
    after(async () => {
      agentConsole?.close();
      otherConsole?.close();
      await ami?.stop();
      await stopAllHotlines();
      phone?.stop();
      await db?.drop();
    });

    it('a known caller pops with their open ticket and IVR choice before the agent answers', async () => {
      const caller = '13800138123';
      const customer = await api(hotline.url, 'POST', '/api/customers', { name: '王小明', phones: ['+86 138-0013-8123'], vipLevel: 1 });
      expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
      const ticket = await api(hotline.url, 'POST', '/api/tickets', { title: 'Router keeps rebooting', customerId: customer.body.id });
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
      const call = await startCall({ scenario: 'uac-dtmf', service: '7301', caller, digits: '1', waitBeforeDigitsMs: 500, hangupAfterMs: 15_000 });
      const pop = await waitUntil('the screen pop', () => agentConsole.messages.find((m) => m.type === 'screen.pop' && m.callerNumber === caller), 15_000);
      const answeredBefore = ami.events.some((e) => fieldOf(e, 'Event') === 'AgentConnect' && fieldOf(e, 'CallerIDNum') === caller);
      const connect = ami.events.find((e) => fieldOf(e, 'Event') === 'AgentConnect' && fieldOf(e, 'CallerIDNum') === caller);
      expect(answeredBefore, `the pop must arrive before the agent answers (RingTime ${connect ? fieldOf(connect, 'RingTime') : '-'})`).to.equal(false);
      expect(pop.pop.known).to.equal(true);
      expect(pop.pop.customer.name).to.equal('王小明');
      expect(pop.openTickets.map((t: { title: string }) => t.title)).to.deep.equal(['Router keeps rebooting']);
      expect(pop.ivr.digits).to.equal('1');
      expect(pop.ivr.path).to.include.members(['m', 'q']);
      const ringing = agentConsole.messages.find((m) => m.type === 'agent.ringing' && m.callerNumber === caller)!;
      expect(pop.receivedAt - ringing.receivedAt, 'pop after the ring event (ms)').to.be.below(1000);
      await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 15_000);
      // Another agent's console never sees it.
      expect(otherConsole.messages.some((m) => m.type === 'screen.pop')).to.equal(false);
      await call.hangup();
      await call.done;
    });

    it('an unknown caller pops a new-customer offer with the number', async () => {
      const caller = '13900139456';
      const call = await startCall({ scenario: 'uac-dtmf', service: '7301', caller, digits: '1', waitBeforeDigitsMs: 500, hangupAfterMs: 15_000 });
      const pop = await waitUntil('the screen pop', () => agentConsole.messages.find((m) => m.type === 'screen.pop' && m.callerNumber === caller), 15_000);
      expect(pop.pop).to.deep.include({ known: false });
      expect(pop.pop.createOffer.phones).to.deep.equal(['13900139456']);
      expect(pop.openTickets).to.deep.equal([]);
      await call.hangup();
      await call.done;
    });

    it("an outbound call the agent places (click-to-dial) pops the customer on that agent's console, rings the agent, then dials the customer", async () => {
      const customerPhone = await startPhone(5098, 'answer');
      try {
        const number = '13700137789';
        const customer = await api(hotline.url, 'POST', '/api/customers', { name: '李雷', phones: ['137 0013 7789'] });
        expect(customer.status).to.equal(201);
        const ticket = await api(hotline.url, 'POST', '/api/tickets', { title: 'Refund promised', customerId: customer.body.id });
        expect(ticket.status).to.equal(201);
        const bad = await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/dial`, { number: 'mum' }, agentToken);
        expect(bad.status).to.equal(400);
        const notMine = await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/dial`, { number }, otherToken);
        expect(notMine.status, 'an agent dials from their own device only').to.equal(403);

        const res = await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/dial`, { number, name: '李雷' }, agentToken);
        expect(res.status, JSON.stringify(res.body)).to.equal(202);
        const channelId = res.body.channelId as string;
        const pop = await waitUntil('the outbound pop', () => agentConsole.messages.find((m) => m.type === 'screen.pop' && m.direction === 'outbound' && m.callerNumber === number), 5000);
        expect(pop.pop.customer.name).to.equal('李雷');
        expect(pop.openTickets.map((t: { title: string }) => t.title)).to.deep.equal(['Refund promised']);
        // The agent's phone (ringing 2 s) answers; only then is the customer dialed, and answers.
        const dialed = await ami.waitFor('DialEnd', { Uniqueid: channelId, DialStatus: 'ANSWER' }, 20_000);
        expect(fieldOf(dialed, 'DestChannel')).to.match(/^PJSIP\/callers-/);
        const agentLeg = ami.events.find((e) => fieldOf(e, 'Event') === 'Newstate' && fieldOf(e, 'Uniqueid') === channelId && fieldOf(e, 'ChannelStateDesc') === 'Up');
        expect(agentLeg, 'the agent answered').to.not.equal(undefined);
        expect(otherConsole.messages.some((m) => m.type === 'screen.pop' && m.callerNumber === number)).to.equal(false);
      } finally {
        customerPhone.stop();
      }
    });
  });
}
