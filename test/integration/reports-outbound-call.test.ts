// Outbound calls in the call summary with real calls through Asterisk (run under the PBX lock):
// the agent clicks to dial twice — a customer who answers (the agent hangs up after a few
// seconds) and a customer whose line is busy. Hotline records both from the dialplan's events,
// and the hour's summary, the agent's statistics and their totals show 2 placed, 1 connected
// and the talk Asterisk measured (DialEnd ANSWER to the hang-up, as this test sees them on AMI);
// `npm run reports:rebuild` gives the same summary.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createAgent, createQueue } from '../support/acd.js';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { rebuildReports } from '../support/reports-rebuild.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

for (const kind of dbKindsForCalls('sqlite')) {
  describe(`outbound calls in the call summary, real calls (${kind})`, function () {
    this.timeout(180_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;
    let phone: Agents;
    let agentId: string;
    let token: string;

    before(async () => {
      ensurePbx();
      hangupAll();
      phone = await startAgents(1, { ringMs: 1000, first: 6 });
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: 'PJSIP/callers/sip:{number}@127.0.0.1:5098' });
      ami = await new AmiWatch().start();
      const user = await api(hotline.url, 'POST', '/api/users', { username: 'out-agent', password: 'Dialling-Desk-secret-81', role: 'agent', displayName: 'Out Agent' });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      await createQueue(hotline.url, 'out-q', { skills: { out: 1 } });
      agentId = (await createAgent(hotline.url, 'dialler', 6, { out: 5 }, { userId: user.body.id })).id;
      token = (await api(hotline.url, 'POST', '/api/auth/login', { username: 'out-agent', password: 'Dialling-Desk-secret-81' }, null)).body.token;
      expect((await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/login`, undefined, token)).status).to.equal(200);
    });
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      phone?.stop();
      hangupAll();
      await db?.drop();
    });

    const dial = async (number: string) => {
      const res = await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/dial`, { number }, token);
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      return res.body.channelId as string;
    };
    const ended = (channelId: string) => ami.waitFor('UserEvent', { UserEvent: 'HotlineOutboundEnd', Uniqueid: channelId }, 30_000);
    const get = async (path: string) => {
      const res = await api(hotline.url, 'GET', path);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };

    it('counts the calls placed, the call the customer answered and its talk, in the hour of the dial and for the agent', async () => {
      // 1. The customer answers; the agent hangs up after about 3 s of talk.
      let customer = await startPhone(5098, 'answer');
      let answeredAt = 0;
      let hungUpAt = 0;
      const dialledAt = Date.now();
      try {
        const ch = await dial('13700137001');
        await ami.waitFor('DialEnd', { Uniqueid: ch, DialStatus: 'ANSWER' }, 20_000);
        answeredAt = Date.now();
        await sleep(3000);
        expect((await api(hotline.url, 'POST', `/api/acd/agents/${agentId}/call/hangup`, undefined, token)).status).to.be.oneOf([200, 202, 204]);
        const end = await ended(ch);
        hungUpAt = Date.now();
        expect(fieldOf(end, 'Status')).to.equal('ANSWER');
      } finally {
        customer.stop();
      }
      // 2. The customer's line is busy.
      // The answering phone's port is free again a moment after it stopped.
      customer = await waitUntil('the customer phone port free again', () => startPhone(5098, 'busy').catch(() => undefined), 10_000);
      try {
        await waitUntil('the agent is free again', async () => (await get(`/api/acd/agents/${agentId}`)).state !== 'on_call' || undefined, 15_000);
        const ch = await dial('13700137002');
        const end = await ended(ch);
        expect(fieldOf(end, 'Status')).to.equal('BUSY');
      } finally {
        customer.stop();
      }
      // This test's own count: 2 placed, 1 connected, talk within the time it held the call.
      const range = `from=${day(Date.now() - 86_400_000)}&to=${day(Date.now() + 86_400_000)}&tz=UTC&locale=en`;
      const summary = await waitUntil('both calls in the summary', async () => {
        const s = await get(`/api/reports/summary?interval=hour&${range}`);
        return s.total.outboundCalls === 2 ? s : undefined;
      }, 10_000);
      expect(summary.total).to.include({ outboundCalls: 2, outboundConnected: 1, outboundConnectRate: 0.5 });
      const held = Math.round((hungUpAt - answeredAt) / 1000);
      expect(summary.total.outboundTalkSeconds).to.be.within(held - 2, held + 1);
      // Both calls in the hour they were dialled (the hour of the first dial, or the next one when the test crosses the hour).
      const hourOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 13)}:00`;
      const hours = new Set([hourOf(dialledAt), hourOf(Date.now())]);
      const periods = summary.items.filter((i: { outboundCalls: number }) => i.outboundCalls > 0);
      expect(periods.reduce((n: number, i: { outboundCalls: number }) => n + i.outboundCalls, 0)).to.equal(2);
      for (const p of periods) expect(hours.has(p.period), p.period).to.equal(true);
      const agents = await get(`/api/reports/agents?${range}`);
      expect(agents.items.find((a: { agentId: string }) => a.agentId === agentId)).to.include({ outboundCalls: 2, outboundConnected: 1, outboundTalkSeconds: summary.total.outboundTalkSeconds });

      // A rebuild gives the same summary.
      const out = await rebuildReports(db.env);
      expect(out.code, out.text).to.equal(0);
      expect(await get(`/api/reports/summary?interval=hour&${range}`)).to.deep.equal(summary);
    });
  });
}
