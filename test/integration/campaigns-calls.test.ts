// Outbound campaigns with real calls through Asterisk (run under the PBX lock): the agent takes
// a contact and presses Call; Hotline rings the agent's SIPp phone, then dials the contact (a
// SIPp "customer" that answers, is busy, or rings without answering). The attempt counts when the PBX
// dials (placedAt), the dial status lands on it, and the contact follows: a connected call stays
// with the agent for a result (done); a busy line is pending again with 1 attempt, or unreached
// when the campaign allows one; the agent's live feed hears each `campaign.attempt`.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createAgent, createQueue } from '../support/acd.js';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { openConsole, type LiveConsole } from '../support/live.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { signedBy, startReceiver, type Receiver } from '../support/webhook-receiver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of dbKindsForCalls('mariadb')) {
  describe(`outbound campaigns, real calls (${kind})`, function () {
    this.timeout(240_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let phone: Agents;
    let agentId: string;
    let token: string;
    let feed: LiveConsole;
    let customer: Agents | undefined;
    let receiver: Receiver;
    let hookSecret: string;

    const ok = async (method: string, path: string, body?: unknown, as?: string, status = 200) => {
      const r = await api(hotline.url, method, `/api${path}`, body, as);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).to.equal(status);
      return r.body;
    };
    const campaign = async (name: string, maxAttempts: number, phones: string[]) => {
      await ok('POST', '/campaigns', {
        name, title: `外呼 ${name}`, queue: 'camp-calls', maxAttempts, retryMinutes: 45,
        results: [{ code: 'sold', label: '成交', final: true, success: true }, { code: 'later', label: '再联系', final: false }],
        callingHours: { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59', timezone: 'UTC' },
      }, undefined, 201);
      await ok('POST', `/campaigns/${name}/contacts`, { contacts: phones.map((p, i) => ({ phone: p, name: `客户${i + 1}` })) });
      await ok('POST', `/campaigns/${name}/status`, { status: 'running' });
    };
    const agentFree = () => waitUntil('the agent free again', async () => (await ok('GET', `/acd/agents/${agentId}`)).state !== 'on_call' || undefined, 20_000);
    /** Takes the next contact of a campaign and dials it; the call's agent channel. */
    const takeAndDial = async (name: string, phoneNumber: string) => {
      await agentFree();
      const next = await ok('POST', `/campaigns/${name}/next`, undefined, token);
      expect(next.contact.phone).to.equal(phoneNumber);
      const dialled = await ok('POST', `/campaigns/${name}/contacts/${next.contact.id}/dial`, undefined, token, 202);
      expect(dialled.attemptId).to.be.a('string');
      return { contactId: next.contact.id as string, ...(dialled as { attemptId: string; channelId: string }) };
    };
    const ended = (channelId: string, ms = 45_000) => ami.waitFor('UserEvent', { UserEvent: 'HotlineOutboundEnd', Uniqueid: channelId }, ms);
    const contactOf = (name: string, id: string) => ok('GET', `/campaigns/${name}/contacts/${id}`);
    const heard = (attemptId: string) => waitUntil(`campaign.attempt ${attemptId} on the agent's feed`, () => feed.messages.find((m) => m.type === 'campaign.attempt' && m.attemptId === attemptId), 10_000);

    before(async () => {
      ensurePbx();
      hangupAll();
      phone = await startAgents(1, { ringMs: 1000, first: 6 });
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: 'PJSIP/callers/sip:{number}@127.0.0.1:5098' });
      ami = await new AmiWatch().start();
      const user = await api(hotline.url, 'POST', '/api/users', { username: 'camp-caller', password: 'Campaign-Desk-secret-81', role: 'agent', displayName: 'Camp Caller' });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      await createQueue(hotline.url, 'camp-calls', { skills: { camp: 1 } });
      agentId = (await createAgent(hotline.url, 'campcaller', 6, { camp: 5 }, { userId: user.body.id })).id;
      token = (await api(hotline.url, 'POST', '/api/auth/login', { username: 'camp-caller', password: 'Campaign-Desk-secret-81' }, null)).body.token;
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/login`, undefined, token)).status).to.equal(200);
      feed = await openConsole(hotline.url, token);
      receiver = await startReceiver();
      const hook = await api(hotline.url, 'POST', '/api/webhooks', { name: 'Campaign results', url: `${receiver.url}/done`, events: ['campaign.contact.done'] });
      expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
      hookSecret = hook.body.secret;
    });
    afterEach(() => {
      customer?.stop();
      customer = undefined;
      hangupAll();
    });
    after(async () => {
      feed?.close();
      await receiver?.close();
      await ami?.stop();
      await stopAllHotlines();
      phone?.stop();
      hangupAll();
      await db?.drop();
    });

    it('a contact who answers: the attempt is placed and connected, the agent gives the result, the contact is done', async () => {
      await campaign('calls', 2, ['13700137101', '13700137102']);
      customer = await startPhone(5098, 'answer');
      const d = await takeAndDial('calls', '13700137101');
      await ami.waitFor('DialEnd', { Uniqueid: d.channelId, DialStatus: 'ANSWER' }, 20_000);
      // While the call is on, the hold outlasts any call (no other agent takes the contact mid-call).
      await waitUntil('the hold kept through the call', async () => Date.parse((await contactOf('calls', d.contactId)).reservedUntil) > Date.now() + 3 * 3_600_000 || undefined, 5000);
      await sleep(2000);
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/call/hangup`, undefined, token)).status).to.be.oneOf([200, 202, 204]);
      expect(fieldOf(await ended(d.channelId), 'Status')).to.equal('ANSWER');
      const event = await heard(d.attemptId);
      expect(event).to.deep.include({ campaign: 'calls', contactId: d.contactId, dialStatus: 'ANSWER', result: null, contactStatus: 'reserved', agentId });
      const c = await contactOf('calls', d.contactId);
      expect(c).to.deep.include({ status: 'reserved', attempts: 1, agentId });
      expect(Date.parse(c.reservedUntil) - Date.now(), 'holdMinutes (15) from the end of the call').to.be.within(13 * 60_000, 15 * 60_000);
      expect(c.attemptsList).to.have.length(1);
      expect(c.attemptsList[0]).to.deep.include({ id: d.attemptId, dialStatus: 'ANSWER', result: null });
      expect(Date.parse(c.attemptsList[0].placedAt)).to.be.greaterThan(Date.parse(c.attemptsList[0].requestedAt) - 1);
      expect(c.attemptsList[0].talkSeconds).to.be.within(1, 6);
      const done = await ok('POST', `/campaigns/calls/contacts/${d.contactId}/result`, { result: 'sold', note: '成交' }, token);
      expect(done).to.deep.include({ status: 'done', result: 'sold', attempts: 1 });
      expect((await contactOf('calls', d.contactId)).attemptsList[0].result).to.equal('sold');
      const posted = await waitUntil('the campaign.contact.done webhook', () => receiver.on('/done').find((q) => q.body?.data?.contact?.id === d.contactId), 15_000);
      expect(signedBy(hookSecret, posted)).to.equal(true);
      expect(posted.body.event).to.equal('campaign.contact.done');
      expect(posted.body.data).to.deep.include({ campaign: 'calls', agentId });
      expect(posted.body.data.contact).to.deep.include({ phone: '13700137101', status: 'done', result: 'sold', attempts: 1 });
    });

    it('a busy contact: result busy, pending again after retryMinutes with 1 attempt; with one attempt allowed: unreached', async () => {
      customer = await waitUntil('the customer phone port free', () => startPhone(5098, 'busy').catch(() => undefined), 10_000);
      const d = await takeAndDial('calls', '13700137102');
      expect(fieldOf(await ended(d.channelId), 'Status')).to.equal('BUSY');
      const event = await heard(d.attemptId);
      expect(event).to.deep.include({ dialStatus: 'BUSY', result: 'busy', contactStatus: 'pending' });
      const c = await contactOf('calls', d.contactId);
      expect(event.nextAttemptAt, 'the event says when the contact is called again').to.equal(c.nextAttemptAt);
      expect(c).to.deep.include({ status: 'pending', result: 'busy', attempts: 1, agentId: null });
      expect(Date.parse(c.nextAttemptAt) - Date.now()).to.be.within(43 * 60_000, 46 * 60_000);
      expect(c.attemptsList[0]).to.deep.include({ dialStatus: 'BUSY', result: 'busy', talkSeconds: 0 });
      expect(c.attemptsList[0].placedAt).to.be.a('string');

      await campaign('once', 1, ['13700137201', '13700137202']);
      const once = await takeAndDial('once', '13700137201');
      await ended(once.channelId);
      expect(await heard(once.attemptId)).to.deep.include({ result: 'busy', contactStatus: 'unreached' });
      expect(await contactOf('once', once.contactId)).to.deep.include({ status: 'unreached', result: 'busy', attempts: 1 });
      const unreached = await waitUntil('the webhook of the unreached contact', () => receiver.on('/done').find((q) => q.body?.data?.contact?.id === once.contactId), 15_000);
      expect(unreached.body.data.contact).to.deep.include({ status: 'unreached', result: 'busy' });
      const report = await ok('GET', '/campaigns/once/report');
      expect(report).to.deep.include({ attempts: 1, connected: 0, connectRate: 0 });
    });

    it('a contact who does not answer: after the 60 s of ringing the system gives no_answer and frees the contact', async () => {
      // A customer phone that rings for longer than the dialplan's Dial() waits (60 s).
      customer = await waitUntil('the customer phone port free', () => startAgents(1, { ringMs: 90_000, first: 8 }).catch(() => undefined), 10_000);
      const d = await takeAndDial('once', '13700137202');
      const end = await ended(d.channelId, 90_000);
      expect(fieldOf(end, 'Status')).to.equal('NOANSWER');
      expect(await heard(d.attemptId)).to.deep.include({ dialStatus: 'NOANSWER', result: 'no_answer', contactStatus: 'unreached' });
      const c = await contactOf('once', d.contactId);
      expect(c).to.deep.include({ status: 'unreached', result: 'no_answer', resultLabel: 'No answer', attempts: 1, agentId: null });
      expect(c.attemptsList[0]).to.deep.include({ dialStatus: 'NOANSWER', result: 'no_answer', talkSeconds: 0 });
      const report = await ok('GET', '/campaigns/once/report');
      expect(report.counts).to.deep.include({ unreached: 2 });
      expect(report).to.deep.include({ attempts: 2, connected: 0 });
      expect(report.results.map((r: { code: string }) => r.code).sort()).to.deep.equal(['busy', 'no_answer']);
    });
  });
}
