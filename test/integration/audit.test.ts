// The audit log through the running service: logins and configuration changes made over
// the API are recorded with who, when, from where and what; the log cannot be edited.
import { expect } from 'chai';
import { api, publishFlow } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, waitUntil } from '../support/pbx.js';
import { TEST_ADMIN } from '../support/hotline.js';

describe('audit log of a running Hotline', function () {
  const adminToken = async () => (await api(hotline.url, 'POST', '/api/auth/login', TEST_ADMIN, null)).body.token as string;
  this.timeout(60_000);
  let db: TestDb;
  let hotline: HotlineProcess;

  before(async () => {
    ensurePbx();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  it('records logins, a failed login, and flow and prompt changes with actor, address and target', async () => {
    expect((await api(hotline.url, 'POST', '/api/auth/login', { username: 'admin', password: 'wrong-password-123' }, null)).status).to.equal(401);
    await publishFlow(hotline.url, 'audited', { entry: 'a', nodes: { a: { type: 'hangup', prompt: { sound: 'beep' } } } }, ['6100']);
    expect((await api(hotline.url, 'POST', '/api/prompts/audited-tts/tts', { text: 'Audit me', language: 'en' })).status).to.equal(201);
    const changes = await api(hotline.url, 'GET', '/api/audit?action=config.change');
    const targets = (changes.body.items as Array<{ actor: string; actorIp: string; target: string }>).map((e) => e.target);
    expect(targets).to.include.members([
      'POST /api/ivr/flows',
      'POST /api/ivr/flows/audited/publish',
      'PUT /api/ivr/numbers/6100',
      'POST /api/prompts/audited-tts/tts',
    ]);
    expect(changes.body.items.every((e: { actor: string; actorIp: string }) => e.actor === 'admin' && /127\.0\.0\.1/.test(e.actorIp))).to.equal(true);
    const logins = await api(hotline.url, 'GET', '/api/audit?action=login.success');
    expect(logins.body.items.some((e: { actor: string }) => e.actor === 'admin')).to.equal(true);
    const failures = await api(hotline.url, 'GET', '/api/audit?action=login.failure');
    expect(failures.body.items.some((e: { target: string }) => e.target === 'admin')).to.equal(true);
    // A refused change is not recorded as one.
    await api(hotline.url, 'POST', '/api/ivr/flows/nope/publish');
    const after = await api(hotline.url, 'GET', '/api/audit?action=config.change');
    expect(after.body.items.map((e: { target: string }) => e.target)).to.not.include('POST /api/ivr/flows/nope/publish');
  });

  it('records exports: who exported what, with which filters', async () => {
    const res = await fetch(`${hotline.url}/api/io/exports/customers.xlsx?name=Zh`, { headers: { authorization: `Bearer ${await adminToken()}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('spreadsheetml');
    await res.arrayBuffer();
    const entries = await waitUntil('the export in the audit log', async () => {
      const r = await api(hotline.url, 'GET', '/api/audit?action=export');
      return r.body.items.length ? r.body.items : undefined;
    });
    expect(entries[0]).to.include({ actor: 'admin', target: 'GET /api/io/exports/customers.xlsx' });
    expect(JSON.stringify(entries[0].detail)).to.contain('"name":"Zh"');
  });

  it('cannot be edited: no route changes or deletes audit entries, and agents cannot read it', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await api(hotline.url, method, '/api/audit', {})).status).to.equal(404);
    }
    const created = await api(hotline.url, 'POST', '/api/users', { username: 'agent-audit', password: 'Kiwi-Orange-Secret-9', role: 'agent' });
    expect(created.status).to.equal(201);
    const login = await api(hotline.url, 'POST', '/api/auth/login', { username: 'agent-audit', password: 'Kiwi-Orange-Secret-9' }, null);
    expect((await api(hotline.url, 'GET', '/api/audit', undefined, login.body.token)).status).to.equal(403);
  });
});
