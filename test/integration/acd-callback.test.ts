// Callbacks that keep the caller's place, with real calls: a SIPp caller waiting in a queue
// presses the callback key and hangs up; Hotline's placeholder keeps their place; when it is
// their turn the agent's phone (a lab UAS) is called first, then the customer's phone (another
// UAS, reached through HOTLINE_OUTBOUND_DIAL), and the two are connected.
import { expect } from 'chai';
import { fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { agentAction, callbackPresses, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

const PHONE_PORT = 5098;
let seq = 0;
const nextCaller = () => `55507${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(3, '0')}`;

for (const kind of dbKindsForCalls('sqlite')) {
  describe(`ACD callbacks that keep the caller's place (${kind})`, function () {
    this.timeout(150_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let agents: Agents;
    let phone: Agents | undefined;
    let kim: TestAgent;

    const callbacks = async (queue: string) => (await api(hotline.url, 'GET', `/api/acd/callbacks?queue=${queue}`)).body.items as Array<Record<string, any>>;
    const connects = (queue: string): AmiMessage[] => ami.events.filter((e) => fieldOf(e, 'Event') === 'AgentConnect' && fieldOf(e, 'Queue') === queue);

    before(async () => {
      ensurePbx();
      hangupAll();
      agents = await startAgents(1, { first: 1 });
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${PHONE_PORT}` });
      ami = await new AmiWatch().start();
      await createQueue(hotline.url, 'cbq', { skills: { cb: 1 }, strategy: 'linear', callback: { offerAfterSeconds: 0, retryAfterSeconds: 5, maxAttempts: 2, ringSeconds: 10 } });
      kim = await createAgent(hotline.url, 'kim', 1, { cb: 5 });
      await queueFlow(hotline.url, 'to-cbq', 'cbq', '7201');
      await agentAction(hotline.url, kim, 'login');
    });
    afterEach(() => {
      phone?.stop();
      phone = undefined;
      hangupAll();
    });
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      agents?.stop();
      await db?.drop();
    });

    it('two callers wait; the first asks for a callback and hangs up; the first is still connected first', async () => {
      phone = await startPhone(PHONE_PORT, 'answer');
      await agentAction(hotline.url, kim, 'break', 'meeting'); // nobody answers while the line forms
      const first = nextCaller();
      const second = nextCaller();
      // The first caller presses 1 twelve seconds after the answer (again every 4 s, see callbackPresses): by then both wait in the queue.
      const a = await startCall({ scenario: 'uac-dtmf', service: '7201', caller: first, dtmfFile: callbackPresses(), waitBeforeDigitsMs: 12_000, hangupAfterMs: 40_000 });
      await ami.waitFor('QueueCallerJoin', { CallerIDNum: first, Queue: 'cbq' });
      const b = await startCall({ scenario: 'uac-wait-bye', service: '7201', caller: second, hangupAfterMs: 90_000 });
      await ami.waitFor('QueueCallerJoin', { CallerIDNum: second, Queue: 'cbq' });

      // The key takes the first caller out; the placeholder takes position 1 again, ahead of the second.
      const held = await waitUntil('the placeholder to join', () => ami.events.find((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith('hotline-cb-')), 20_000);
      expect(fieldOf(held, 'Uniqueid')).to.match(/^hotline-cb-.*-1-q$/);
      expect(held).to.deep.include({ Queue: 'cbq', CallerIDNum: first, Position: '1' });
      const resA = await a.done;
      expect(resA.events.PBX_BYE, 'the first caller hears the confirmation and Asterisk hangs up').to.equal(1);
      const [cb] = await callbacks('cbq');
      expect(cb).to.include({ number: first, status: 'waiting', attempts: 0 });
      const waitingStats = (await api(hotline.url, 'GET', '/api/acd/queues/cbq/stats')).body;
      expect(waitingStats.callbacks.waiting).to.equal(1);
      expect(waitingStats.waiting, 'the second caller (the placeholder is counted as a callback)').to.equal(1);
      const entries = cli('queue show cbq');
      expect(entries.indexOf('hotline-callback-place'), entries).to.be.lessThan(entries.indexOf('PJSIP/callers'));

      // The agent comes back: the callback goes first: agent, then the customer's phone.
      await agentAction(hotline.url, kim, 'ready');
      await waitUntil('the first AgentConnect', () => connects('cbq').length >= 1, 20_000);
      expect(fieldOf(connects('cbq')[0]!, 'CallerIDNum')).to.equal(first);
      // The placeholder's other side dials the customer's phone, which answers.
      const dialer = String(fieldOf(held, 'Uniqueid')).replace(/-q$/, '');
      const dialed = await ami.waitFor('DialEnd', { Uniqueid: dialer, DialStatus: 'ANSWER' }, 20_000);
      expect(fieldOf(dialed, 'DestChannel')).to.match(/^PJSIP\/callers-/);
      await waitUntil('the callback to be connecting', async () => (await callbacks('cbq'))[0]?.status === 'connecting');

      // The agent and the customer talk; then the agent hangs up and takes the second caller.
      await new Promise((r) => setTimeout(r, 1000));
      cli(`channel request hangup ${fieldOf(dialed, 'DestChannel')}`);
      await waitUntil('the second AgentConnect', () => connects('cbq').length >= 2, 30_000);
      expect(connects('cbq').map((e) => fieldOf(e, 'CallerIDNum'))).to.deep.equal([first, second]);
      await b.hangup();
      await b.done;

      const done = await waitUntil('the callback to be completed', async () => {
        const [c] = await callbacks('cbq');
        return c?.status === 'completed' ? c : undefined;
      });
      expect(done).to.include({ attempts: 1, lastResult: 'ANSWER', agentId: kim.id });
      const stats = (await api(hotline.url, 'GET', '/api/acd/queues/cbq/stats')).body;
      expect(stats.today.callbacks).to.deep.equal({ requested: 1, completed: 1, failed: 0 });
      expect(stats.today.leftForCallback).to.equal(1);
      expect(stats.today.answered, 'the second caller; the callback is counted apart').to.equal(1);
      expect(stats.callbacks).to.deep.equal({ scheduled: 0, waiting: 0, connecting: 0, retrying: 0 });
    });

    it('a customer who does not answer is tried again after the set wait, then given up after maxAttempts (never more)', async () => {
      phone = await startPhone(PHONE_PORT, 'busy');
      await agentAction(hotline.url, kim, 'ready');
      await waitForAgentState(hotline.url, kim, 'available');
      const number = nextCaller();
      const created = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number, name: 'Busy Customer' });
      expect(created.status).to.equal(201);
      const id = created.body.id as string;
      const view = async () => (await api(hotline.url, 'GET', `/api/acd/callbacks/${id}`)).body;
      const retry = await waitUntil('the first attempt to fail', async () => ((await view()).status === 'retry_wait' ? view() : undefined), 30_000);
      expect(retry).to.include({ attempts: 1, lastResult: 'BUSY' });
      const firstEnd = Date.now();
      await ami.waitFor('QueueCallerJoin', { Uniqueid: `hotline-cb-${id}-2-q` }, 20_000);
      expect(Date.now() - firstEnd, 'the retry waits retryAfterSeconds (5 s)').to.be.greaterThan(3500);
      const failed = await waitUntil('the second attempt to fail', async () => ((await view()).status === 'failed' ? view() : undefined), 40_000);
      expect(failed).to.include({ attempts: 2, lastResult: 'BUSY' });
      const placed = ami.events.filter((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith(`hotline-cb-${id}`));
      expect(placed.map((e) => fieldOf(e, 'Uniqueid'))).to.deep.equal([`hotline-cb-${id}-1-q`, `hotline-cb-${id}-2-q`]);
      await new Promise((r) => setTimeout(r, 7000));
      expect(ami.events.filter((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith(`hotline-cb-${id}`))).to.have.length(2);
      expect((await api(hotline.url, 'GET', '/api/acd/queues/cbq/stats')).body.today.callbacks.failed).to.equal(1);
    });

    it('a waiting callback can be cancelled (it leaves the queue); bad requests get a 4xx and change nothing', async () => {
      await agentAction(hotline.url, kim, 'break', 'lunch');
      const number = nextCaller();
      const created = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number });
      expect(created.status).to.equal(201);
      const id = created.body.id as string;
      await ami.waitFor('QueueCallerJoin', { Uniqueid: `hotline-cb-${id}-1-q` });
      const del = await api(hotline.url, 'DELETE', `/api/acd/callbacks/${id}`);
      expect(del.status).to.equal(200);
      expect(del.body.status).to.equal('cancelled');
      await ami.waitFor('QueueCallerLeave', { Uniqueid: `hotline-cb-${id}-1-q` });
      expect((await api(hotline.url, 'DELETE', `/api/acd/callbacks/${id}`)).status).to.equal(409);

      const before = (await callbacks('cbq')).length;
      const bad = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number: 'call me' });
      expect(bad.status).to.equal(400);
      expect(JSON.stringify(bad.body)).to.match(/number/);
      expect((await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number, extra: 1 })).status).to.equal(400);
      expect((await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'nope', number })).status).to.equal(404);
      expect((await api(hotline.url, 'GET', '/api/acd/callbacks/not-a-uuid')).status).to.equal(400);
      expect(await callbacks('cbq')).to.have.length(before);
      await agentAction(hotline.url, kim, 'ready');
    });

    it('a scheduled callback (预约回电) has nothing in Asterisk until its time, then joins the queue and connects the customer; one further ahead is cancelled; a past or too distant time is refused', async () => {
      phone = await startPhone(PHONE_PORT, 'answer');
      await waitForAgentState(hotline.url, kim, 'available');
      const number = nextCaller();
      const at = new Date(Date.now() + 6000);
      const created = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number, name: 'Preferred Time', at: at.toISOString() });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({ status: 'scheduled', nextAt: at.toISOString(), attempts: 0 });
      const id = created.body.id as string;
      expect((await api(hotline.url, 'GET', '/api/acd/queues/cbq/stats')).body.callbacks).to.include({ scheduled: 1, waiting: 0 });
      // Before its time: no placeholder in the queue.
      await new Promise((r) => setTimeout(r, Math.max(0, at.getTime() - Date.now() - 1000)));
      expect(ami.events.some((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith(`hotline-cb-${id}`)), 'nothing placed before its time').to.equal(false);
      expect(cli('queue show cbq')).to.not.contain('hotline-callback-place');
      // At its time: the placeholder joins; the agent is rung, then the customer, who answers.
      await ami.waitFor('QueueCallerJoin', { Uniqueid: `hotline-cb-${id}-1-q`, Queue: 'cbq' }, 20_000);
      expect(Date.now()).to.be.at.least(at.getTime() - 200);
      const dialed = await ami.waitFor('DialEnd', { Uniqueid: `hotline-cb-${id}-1`, DialStatus: 'ANSWER' }, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      cli(`channel request hangup ${fieldOf(dialed, 'DestChannel')}`);
      const done = await waitUntil('the scheduled callback completed', async () => {
        const c = (await api(hotline.url, 'GET', `/api/acd/callbacks/${id}`)).body;
        return c.status === 'completed' ? c : undefined;
      }, 30_000);
      expect(done).to.include({ attempts: 1, lastResult: 'ANSWER', agentId: kim.id, nextAt: null });

      // Further ahead: cancelled while scheduled, never placed.
      const later = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number: nextCaller(), at: new Date(Date.now() + 3_600_000).toISOString() });
      expect(later.body.status).to.equal('scheduled');
      const cancelled = await api(hotline.url, 'DELETE', `/api/acd/callbacks/${later.body.id}`);
      expect([cancelled.status, cancelled.body.status]).to.deep.equal([200, 'cancelled']);
      expect(ami.events.some((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith(`hotline-cb-${later.body.id}`))).to.equal(false);

      const before = (await callbacks('cbq')).length;
      for (const when of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 31 * 86_400_000)]) {
        const bad = await api(hotline.url, 'POST', '/api/acd/callbacks', { queue: 'cbq', number: nextCaller(), at: when.toISOString() });
        expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'validation_failed']);
        expect(JSON.stringify(bad.body.error.details)).to.contain('at');
      }
      expect(await callbacks('cbq')).to.have.length(before);
    });
  });
}
