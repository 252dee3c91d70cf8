// The desktop shows the server's state, never its own guess: a pause typed on Asterisk's CLI
// shows within 1 s; a reload keeps it; a dropped connection (the page's path to Hotline cut)
// shows "reconnecting", and once back the page asks again and shows what changed meanwhile.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { missingKeys, openConsole, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll } from '../support/pbx.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const USER = { username: 'state.agent', password: 'State-desk-secret-52', displayName: '赵敏' };
const QUEUE = 'state-q';
const IFACE = 'PJSIP/e2e-state';

describe('agent desktop state stays true (real Asterisk)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let proxy: TcpProxy;
  let desk: ConsolePage;
  let base: string;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env });
    proxy = await startTcpProxy(hotline.port);
    base = `http://127.0.0.1:${proxy.port}`;
    const user = await api(hotline.url, 'POST', '/api/users', { ...USER, role: 'agent' });
    expect(user.status).to.equal(201);
    const q = await api(hotline.url, 'POST', '/api/acd/queues', { name: QUEUE, settings: { skills: { st: 1 } } });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    const agent = await api(hotline.url, 'POST', '/api/acd/agents', { name: '赵敏', endpoint: 'e2e-state', sipPassword: 'state-desk-phone-1', skills: { st: 3 }, userId: user.body.id });
    expect(agent.status, JSON.stringify(agent.body)).to.equal(201);
    desk = await openConsole('zh-CN');
    await signIn(desk.page, base, USER.username, USER.password);
    await desk.page.locator('[data-test=login-queues]').click();
    await desk.page.locator('[data-test=agent-state][data-state=available]').waitFor();
  });
  after(async () => {
    await desk?.close();
    await proxy?.close();
    await stopAllHotlines();
    await db?.drop();
  });

  it('a pause on the Asterisk CLI shows on the page within 1 s, with its reason; unpause shows Ready', async () => {
    const { page } = desk;
    const t0 = Date.now();
    cli(`queue pause member ${IFACE} queue ${QUEUE} reason lunch`);
    await page.locator('[data-test=agent-state][data-state=break]').filter({ hasText: '用餐' }).waitFor({ timeout: 5000 });
    const ms = Date.now() - t0;
    expect(ms, 'CLI pause → page').to.be.below(1000);
    cli(`queue unpause member ${IFACE} queue ${QUEUE}`);
    await page.locator('[data-test=agent-state][data-state=available]').waitFor({ timeout: 1000 });
  });

  it('a reload keeps the state (asked from the server again)', async () => {
    const { page } = desk;
    await page.locator('[data-test=break]').click();
    await page.locator('[data-test=break-meeting]').click();
    await page.locator('[data-test=agent-state][data-state=break]').filter({ hasText: '会议' }).waitFor();
    await page.reload();
    await page.locator('[data-test=agent-state][data-state=break]').filter({ hasText: '会议' }).waitFor();
    expect(await page.locator('[data-test=feed-status]').getAttribute('data-status')).to.be.oneOf(['connecting', 'live']);
  });

  it('a dropped connection shows "reconnecting"; once back, the page shows what changed meanwhile', async () => {
    const { page } = desk;
    await page.locator('[data-test=feed-status][data-status=live]').waitFor();
    proxy.cut();
    await page.locator('[data-test=reconnecting]').waitFor({ timeout: 5000 });
    // Meanwhile the supervisor's side (the API, not through the cut path) makes the agent Ready.
    const agents = await api(hotline.url, 'GET', '/api/acd/agents');
    const id = (agents.body.items as Array<{ id: string; endpoint: string }>).find((a) => a.endpoint === 'e2e-state')!.id;
    expect((await api(hotline.url, 'POST', `/api/acd/agents/${id}/ready`)).status).to.equal(200);
    expect(await page.locator('[data-test=agent-state]').getAttribute('data-state'), 'no event reached the page while cut').to.equal('break');
    proxy.restore();
    await page.locator('[data-test=feed-status][data-status=live]').waitFor({ timeout: 10_000 });
    await page.locator('[data-test=agent-state][data-state=available]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-test=reconnecting]').count()).to.equal(0);
    expect(await missingKeys(page)).to.deep.equal([]);
  });
});
