// The agent desktop's phone: an agent with a WebRTC phone gets an endpoint in Asterisk with a
// password Hotline generated; only that agent's GET /api/agent-desk/me hands the credentials
// out, and they register over SIP-over-WebSocket at the wsServer it names (a real REGISTER with
// digest auth against the real Asterisk). The password is never in another answer or the log.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { userToken } from '../support/acd.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, waitUntil } from '../support/pbx.js';
import { wsRegister } from '../support/ws-sip.js';

for (const kind of DB_KINDS) {
  describe(`agent desktop phone: WebRTC endpoint and /api/agent-desk/me (${kind})`, function () {
    this.timeout(90_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let agentUser: { id: string; token: string };
    let agentId: string;
    const endpoint = `web-wei-${kind}`;

    before(async () => {
      ensurePbx();
      db = await createTestDb(kind);
      hotline = await startHotline(db.env);
      agentUser = await userToken(hotline.url, `wei-${kind}`, 'agent');
      const q = await api(hotline.url, 'POST', '/api/acd/queues', {
        name: `desk-${kind}`,
        settings: { skills: { desk: 1 }, dispositions: { required: true, codes: [{ code: 'sale', labels: { 'zh-CN': '成交', en: 'Sale' } }] } },
      });
      expect(q.status, JSON.stringify(q.body)).to.equal(201);
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('refuses a WebRTC agent with a contact or password of its own, and changes nothing', async () => {
      const bad = await api(hotline.url, 'POST', '/api/acd/agents', { name: 'Wei', endpoint, phone: 'webrtc', sipPassword: 'my-own-password-123', skills: { desk: 5 } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('validation_failed');
      expect(JSON.stringify(bad.body)).to.not.include('my-own-password-123');
      expect((await api(hotline.url, 'GET', '/api/acd/agents')).body.items).to.have.length(0);
    });

    it('provisions the agent\'s WebRTC endpoint; only the agent gets its credentials, which register over ws', async () => {
      const created = await api(hotline.url, 'POST', '/api/acd/agents', { name: 'Wei', endpoint, phone: 'webrtc', skills: { desk: 5 }, userId: agentUser.id });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({ phone: 'webrtc', hasSipPassword: true, contact: null, appliedToAsterisk: true });
      agentId = created.body.id;

      const me = await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, agentUser.token);
      expect(me.status, JSON.stringify(me.body)).to.equal(200);
      expect(me.body.agent).to.deep.equal({ id: agentId, name: 'Wei', endpoint, queues: [`desk-${kind}`] });
      expect(me.body.state).to.include({ agentId, state: 'logged_out', reason: '', wrapupUntil: null });
      expect(me.body.phone).to.include({ kind: 'webrtc', wsServer: 'ws://127.0.0.1:8088/ws', uri: `sip:${endpoint}@127.0.0.1`, username: endpoint, displayName: 'Wei' });
      const password = me.body.phone.password as string;
      expect(password).to.match(/^[A-Za-z0-9_-]{32,}$/);
      expect(me.body.dispositions).to.deep.equal({ [`desk-${kind}`]: { required: true, codes: [{ code: 'sale', labels: { 'zh-CN': '成交', en: 'Sale' } }] } });
      expect(me.body.breakReasons).to.deep.equal([]);

      // Asterisk has the endpoint as a WebRTC one.
      const shown = cli(`pjsip show endpoint ${endpoint}`);
      expect(shown).to.match(/webrtc\s*:\s*yes/);
      expect(shown).to.match(/allow\s*:\s*\(opus\|ulaw\)/);

      const wrong = await wsRegister(me.body.phone.wsServer, endpoint, `${password}x`, '127.0.0.1');
      expect(wrong.status, 'a wrong password is refused').to.be.oneOf([401, 403]);
      await wrong.close();
      const reg = await wsRegister(me.body.phone.wsServer, endpoint, password, '127.0.0.1');
      expect(reg.status).to.equal(200);
      await waitUntil('the browser contact in Asterisk', () => cli(`pjsip show contacts`).includes(`${endpoint}/sip:${endpoint}@`) || undefined, 5000);
      await reg.close();

      // Nobody else gets the password: not the agent list, not the agent, not the log.
      for (const path of ['/api/acd/agents', `/api/acd/agents/${agentId}`]) expect(JSON.stringify((await api(hotline.url, 'GET', path)).body)).to.not.include(password);
      expect(hotline.output()).to.not.include(password);
    });

    it('a rotated password replaces the old one in Asterisk', async () => {
      const old = (await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, agentUser.token)).body.phone.password as string;
      const patched = await api(hotline.url, 'PATCH', `/api/acd/agents/${agentId}`, { rotateSipPassword: true });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      expect(JSON.stringify(patched.body)).to.not.include(old);
      const fresh = (await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, agentUser.token)).body.phone;
      expect(fresh.password).to.not.equal(old);
      const stale = await wsRegister(fresh.wsServer, endpoint, old, '127.0.0.1');
      expect(stale.status).to.be.oneOf([401, 403]);
      await stale.close();
      const reg = await wsRegister(fresh.wsServer, endpoint, fresh.password, '127.0.0.1');
      expect(reg.status).to.equal(200);
      await reg.close();
    });

    it('a desk phone agent gets its endpoint only; a user with no agent gets 404 no_agent; readonly gets 403', async () => {
      const desk = await userToken(hotline.url, `desk-${kind}`, 'supervisor');
      const created = await api(hotline.url, 'POST', '/api/acd/agents', { name: 'Desk', endpoint: `desk-ph-${kind}`, contact: 'sip:desk@127.0.0.1:5099', skills: {}, userId: desk.id });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.phone).to.equal('desk');
      const me = await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, desk.token);
      expect(me.status).to.equal(200);
      expect(me.body.phone).to.deep.equal({ kind: 'desk', endpoint: `desk-ph-${kind}` });
      expect(me.body.agent.queues).to.deep.equal([]);

      const none = await api(hotline.url, 'GET', '/api/agent-desk/me');
      expect(none.status).to.equal(404);
      expect(none.body.error.code).to.equal('no_agent');
      const ro = await userToken(hotline.url, `ro-${kind}`, 'readonly');
      expect((await api(hotline.url, 'GET', '/api/agent-desk/me', undefined, ro.token)).status).to.equal(403);
    });
  });
}
