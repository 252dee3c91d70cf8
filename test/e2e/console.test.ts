// The web console without calls (no Asterisk): served by Hotline itself, sign-in and navigation
// by role in both languages with no missing translation, a session that expires mid-work and
// comes back with the unsaved note, the server's own messages for bad input, a 5xx and a dead
// server that never blank the page, and axe-core on the login page and the agent desktop.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { api, tokenOf } from '../support/api.js';
import { appText, axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

const AGENT = { username: 'zhang.wei', password: 'Desk-console-secret-31', displayName: '张伟' };

describe('web console (no calls)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let base: string;
  let agentUserId: string;
  const pages: ConsolePage[] = [];
  const open = async (locale: 'zh-CN' | 'en') => {
    const p = await openConsole(locale);
    pages.push(p);
    return p;
  };

  before(async () => {
    db = await createTestDb('mariadb');
    // No Asterisk for this file: ARI and AMI point at closed ports (the shared lab Asterisk is left alone).
    hotline = await startHotlineWithoutPbx(db.env);
    base = hotline.url;
    const user = await api(base, 'POST', '/api/users', { ...AGENT, role: 'agent' });
    expect(user.status, JSON.stringify(user.body)).to.equal(201);
    agentUserId = user.body.id;
    const agent = await api(base, 'POST', '/api/acd/agents', { name: '张伟', endpoint: 'e2e-zhangwei', sipPassword: 'desk-phone-pass-123', skills: {}, userId: user.body.id });
    expect(agent.status, JSON.stringify(agent.body)).to.equal(201);
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  it('is served by Hotline at / with a CSP that allows no inline script; API paths stay JSON', async () => {
    const res = await fetch(`${base}/agent`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.not.match(/script-src[^;]*unsafe-inline/);
    const html = await res.text();
    expect(html).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${base}${asset}`);
    expect(js.status).to.equal(200);
    expect(js.headers.get('cache-control')).to.include('immutable');
    const missing = await fetch(`${base}/api/no-such-route`, { headers: { accept: 'text/html' } });
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.have.nested.property('error.code', 'route_not_found');
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`signs an agent in and shows the desktop in ${locale}, every string translated; other roles' pages are not blank`, async () => {
      const { page, errors } = await open(locale);
      await signIn(page, base, AGENT.username, AGENT.password);
      expect(new URL(page.url()).pathname).to.equal('/agent');
      await page.locator('[data-test=agent-state]').waitFor();
      const text = await appText(page);
      if (locale === 'zh-CN') expect(text).to.include('统一工作台').and.include('来电弹屏').and.include('未签入');
      else expect(text).to.include('Desk').and.include('Caller').and.include('Logged out');
      // The server's state, not a guess: logged out until the agent logs in to the queues.
      expect(await page.locator('[data-test=agent-state]').getAttribute('data-state')).to.equal('logged_out');
      // An agent who types the supervisor's address is sent back to the desktop.
      await page.goto(`${base}/supervisor`);
      await page.waitForURL(`${base}/agent`);
      // Each tab of the work area and of "my day" rendered once.
      for (const tab of await page.getByRole('tab').all()) await tab.click();
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
      // The admin lands on the administration console (its users listed), not a blank page.
      const admin = await open(locale);
      await signIn(admin.page, base, 'admin', 'Test-Hotline-passw0rd!', '/admin');
      await admin.page.locator(`[data-test=users-table] [data-user="${AGENT.username}"]`).waitFor();
      expect(await appText(admin.page)).to.include(locale === 'zh-CN' ? '系统管理' : 'Administration');
      expect(await missingKeys(admin.page)).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`a password someone else chose is replaced at sign-in before anything else; the header's Password button changes it later (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const username = `new.agent-${locale.toLowerCase()}`;
      const given = 'Given-by-admin-pass-1';
      const own = 'My-own-desk-secret-72';
      const created = await api(base, 'POST', '/api/users', { username, password: given, role: 'agent', passwordChangeRequired: true });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const { page, errors } = await open(locale);
      await page.goto(`${base}/login`);
      await page.locator('input[name=username]').fill(username);
      await page.locator('input[name=password]').fill(given);
      await page.locator('button[type=submit]').click();
      const form = page.locator('[data-test=change-password]');
      await form.waitFor();
      expect(await appText(page)).to.include(zh ? '设置您自己的密码' : 'Choose your own password');
      // The desktop is not reachable until the change is made: the address leads back here.
      await page.goto(`${base}/agent`);
      await page.waitForURL((u) => u.pathname === '/login');
      await form.waitFor();
      // The policy as the user types, in the page's language; then the two new passwords differ.
      const problems = (typed: string, says: string) => {
        return page.locator('input[name=new-password]').fill(typed).then(() =>
          waitUntil(`"${says}" under the field`, async () => (await form.locator('.el-form-item__error').allInnerTexts()).join(' ').includes(says), 5000));
      };
      await problems('abc', zh ? '至少 12 个字符（当前 3 个）' : 'Use at least 12 characters (now 3)');
      await problems(`${username}-x`, zh ? '不能包含您的用户名' : 'It must not contain your username');
      await page.locator('input[name=current-password]').fill(given);
      await page.locator('input[name=new-password]').fill(own);
      await page.locator('input[name=repeat-password]').fill(`${own}?`);
      await page.locator('input[name=repeat-password]').press('Enter'); // the keyboard submits
      await waitUntil('the mismatch to be named', async () => (await form.innerText()).includes(zh ? '两次输入的新密码不一致' : 'The two new passwords differ'));
      // The server's refusal (a wrong current password), in the page's language.
      await page.locator('input[name=current-password]').fill('Not-the-given-one-2');
      await page.locator('input[name=repeat-password]').fill(own);
      await form.locator('button[type=submit]').click();
      await waitUntil('the refusal', async () => (await page.getByRole('alert').allInnerTexts()).join(' ').includes(zh ? '当前密码不正确' : 'The current password is not right'));
      expect((await api(base, 'POST', '/api/auth/login', { username, password: own }, null)).status, 'nothing changed yet').to.equal(401);
      await screenshot(page, `password-change-${locale}`);
      await page.locator('input[name=current-password]').fill(given);
      await form.locator('button[type=submit]').click();
      await page.waitForURL((u) => u.pathname === '/agent', { timeout: 15_000 });
      await waitUntil('the desktop (this user has no agent yet: it says so)', async () => (await appText(page)).includes(zh ? '您的用户尚未关联坐席' : 'Your user is not linked to an agent'), 10_000);
      const after = await api(base, 'POST', '/api/auth/login', { username, password: own }, null);
      expect(after.body).to.include({ passwordChangeRequired: false });
      // Later, from the header: the same form in a dialog; Escape closes it, a change is confirmed.
      await page.locator('[data-test=open-change-password]').click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('[data-test=change-password]').waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('[data-test=open-change-password]').click();
      await dialog.locator('input[name=current-password]').fill(own);
      await dialog.locator('input[name=new-password]').fill(`${own}b`);
      await dialog.locator('input[name=repeat-password]').fill(`${own}b`);
      await dialog.locator('button[type=submit]').click();
      await page.locator('.el-notification').filter({ hasText: zh ? '密码已修改' : 'Your password is changed' }).waitFor();
      expect((await api(base, 'POST', '/api/auth/login', { username, password: `${own}b` }, null)).status).to.equal(200);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it("a wrong password, a locked account, an empty search: the server's own rules and messages, readable", async () => {
    const lockMe = await api(base, 'POST', '/api/users', { username: 'lock.me', password: 'Locked-out-secret-45', role: 'agent' });
    expect(lockMe.status).to.equal(201);
    const { page } = await open('en');
    await page.goto(`${base}/login`);
    const tryPassword = async (pw: string) => {
      await page.locator('input[name=username]').fill('lock.me');
      await page.locator('input[name=password]').fill(pw);
      await page.locator('button[type=submit]').click();
      return (await page.getByRole('alert').waitFor(), page.getByRole('alert').innerText());
    };
    expect(await tryPassword('not-the-password')).to.include('Wrong username or password');
    for (let i = 0; i < 4; i++) await tryPassword('not-the-password');
    // Locked: the page shows the server's message (with the time the lock ends).
    await waitUntil('the lock message', async () => /account locked until \d\d:\d\d UTC/.test(await page.getByRole('alert').innerText()));
    expect(await appText(page)).to.include('Sign-in refused');
    // A form validates with the server's schema: an empty KB query is refused with its message.
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.getByRole('tab', { name: 'Knowledge base' }).click();
    await page.locator('[data-test=kb-go]').click();
    expect(await page.locator('[data-test=kb-search] [role=alert]').innerText()).to.equal('q must not be empty');
  });

  it('an agent reads a knowledge-base article in the desk and says it helped; the vote is theirs and can change (zh-CN)', async () => {
    const body = '1. 拔掉电源 30 秒\n2. 重新插上，等指示灯变绿\n3. 仍然重启：登记工单，上门检修';
    const made = await api(base, 'POST', '/api/kb/articles', { title: '路由器反复重启怎么办', body, tags: ['路由器'] });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    // The author's wiring diagram goes with it: the agent downloads it from the desk's Read.
    const diagram = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
    const attached = await fetch(`${base}/api/kb/articles/${made.body.id}/attachments?filename=${encodeURIComponent('接线图.pdf')}`, {
      method: 'POST', headers: { authorization: `Bearer ${tokenOf(base)}`, 'content-type': 'application/pdf' }, body: new Uint8Array(diagram),
    });
    expect(attached.status, await attached.clone().text()).to.equal(201);
    expect((await api(base, 'POST', `/api/kb/articles/${made.body.id}/submit`)).status).to.equal(200);
    const reviewer = await api(base, 'POST', '/api/users', { username: 'kb.reviewer', password: 'Kb-reviewer-secret-77', role: 'supervisor', passwordChangeRequired: false });
    expect(reviewer.status).to.equal(201);
    const token = (await api(base, 'POST', '/api/auth/login', { username: 'kb.reviewer', password: 'Kb-reviewer-secret-77' }, null)).body.token as string;
    expect((await api(base, 'POST', `/api/kb/articles/${made.body.id}/approve`, undefined, token)).status).to.equal(200);

    const { page, errors } = await open('zh-CN');
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.getByRole('tab', { name: '知识库' }).click();
    await page.locator('[data-test=kb-query]').fill('重启');
    await page.locator('[data-test=kb-go]').click();
    const hit = page.locator('[data-test=kb-hit]').filter({ hasText: '路由器反复重启怎么办' });
    await hit.locator('[data-test=kb-read-toggle]').click();
    const read = hit.locator('[data-test=kb-read]');
    await read.waitFor();
    expect(await read.locator('.hl-kb-read-body').innerText()).to.equal(body);
    // The article's file, read-only here (no add, no remove), downloaded byte for byte.
    const file = read.locator('[data-test=kb-files] [data-file="接线图.pdf"]');
    await file.waitFor();
    expect(await read.locator('[data-test=kb-file-remove], [data-test=kb-file-add]').count(), 'agents read files, they do not change them').to.equal(0);
    const downloading = page.waitForEvent('download');
    await file.locator('[data-test=kb-file-download]').click();
    const got = await downloading;
    expect(got.suggestedFilename()).to.equal('接线图.pdf');
    expect(readFileSync(await got.path()).equals(diagram), 'the same bytes back').to.equal(true);
    await read.locator('[data-test=kb-helpful]').click();
    await read.locator('[data-test=kb-helpful]', { hasText: '有帮助（1）' }).waitFor();
    const agentToken = (await api(base, 'POST', '/api/auth/login', { username: AGENT.username, password: AGENT.password }, null)).body.token as string;
    expect((await api(base, 'GET', `/api/kb/articles/${made.body.id}`, undefined, agentToken)).body.helpful).to.deep.equal({ yes: 1, no: 0, mine: true });
    // The agent changes their answer: one vote, now "no".
    await read.locator('[data-test=kb-not-helpful]').click();
    await read.locator('[data-test=kb-not-helpful]', { hasText: '没帮助（1）' }).waitFor();
    expect(await read.locator('[data-test=kb-helpful]').innerText()).to.equal('有帮助（0）');
    expect((await api(base, 'GET', `/api/kb/articles/${made.body.id}`, undefined, agentToken)).body.helpful).to.deep.equal({ yes: 0, no: 1, mine: false });
    expect((await api(base, 'GET', `/api/kb/articles/${made.body.id}?drafts=true`)).body.views, 'the read counted a view').to.be.greaterThan(0);
    await screenshot(page, 'desk-kb-read-zh-CN');
    expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it("an SLA deadline of the agent's ticket approaching shows a notice on the desk that opens the ticket (en)", async () => {
    // High priority: first response within 6 s, so the reminder (at 80 %) comes about 5 s after creation.
    expect((await api(base, 'PUT', '/api/ticket-sla/high', { firstResponseSeconds: 6, resolutionSeconds: 3600 })).status).to.equal(200);
    const customer = await api(base, 'POST', '/api/customers', { name: 'Sun Qi', phones: ['13600136002'] });
    const { page, errors, context } = await open('en');
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.locator('[data-test=feed-status][data-status=live]').waitFor(); // the notice goes to consoles connected then
    const ticket = await api(base, 'POST', '/api/tickets', { title: 'Broadband keeps dropping', customerId: customer.body.id, priority: 'high', assigneeId: agentUserId });
    expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
    const notice = page.locator('.hl-sla-notice', { hasText: `${ticket.body.number}: first response due` });
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.innerText()).to.contain('Broadband keeps dropping');
    await screenshot(page, 'desk-sla-notice-en');
    const [opened] = await Promise.all([context.waitForEvent('page'), notice.click()]);
    await opened.waitForURL((u) => u.pathname === '/tickets');
    expect(new URL(opened.url()).searchParams.get('ticket')).to.equal(ticket.body.number);
    await opened.locator('[data-test=ticket-drawer]').getByText('Broadband keeps dropping').first().waitFor();
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    // Back to the default policy (1 h, 8 h) for the rest of the file.
    expect((await api(base, 'PUT', '/api/ticket-sla/high', { firstResponseSeconds: 3600, resolutionSeconds: 8 * 3600 })).status).to.equal(200);
  });

  it('an expired session goes to login and back to the desktop with the unsaved note', async () => {
    const { page } = await open('zh-CN');
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.getByRole('tab', { name: '备注' }).click();
    await page.locator('[data-test=note-text]').fill('客户说周五前回电，别忘了');
    // The session ends on the server (as an expiry or an admin's logout would).
    const token = await page.evaluate(() => sessionStorage.getItem('hotline.token'));
    expect((await api(base, 'POST', '/api/auth/logout', undefined, token)).status).to.equal(204);
    await page.getByRole('tab', { name: '知识库' }).click();
    await page.locator('[data-test=kb-query]').fill('退款');
    await page.locator('[data-test=kb-go]').click();
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await appText(page)).to.include('登录已过期');
    await page.locator('input[name=username]').fill(AGENT.username);
    await page.locator('input[name=password]').fill(AGENT.password);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${base}/agent`);
    await page.getByRole('tab', { name: '备注' }).click();
    expect(await page.locator('[data-test=note-text]').inputValue()).to.equal('客户说周五前回电，别忘了');
  });

  it('has no serious or critical accessibility violation (axe-core) on the login page and the desktop', async () => {
    const { page } = await open('zh-CN');
    await page.goto(`${base}/login`);
    await page.locator('input[name=username]').waitFor();
    const login = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(login, JSON.stringify(login, null, 1)).to.deep.equal([]);
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.locator('[data-test=agent-state]').waitFor();
    const desk = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(desk, JSON.stringify(desk, null, 1)).to.deep.equal([]);
  });

  it('a 5xx and then a dead server leave the desktop on screen with a readable notice', async () => {
    const { page, errors } = await open('zh-CN');
    await signIn(page, base, AGENT.username, AGENT.password);
    await page.getByRole('tab', { name: '知识库' }).click();
    // A real 500: the search index's table is gone from under the running server.
    await db.query('RENAME TABLE kb_terms TO kb_terms_gone');
    try {
      await page.locator('[data-test=kb-query]').fill('退款');
      await page.locator('[data-test=kb-go]').click();
      await page.locator('.hl-error-notice').filter({ hasText: '服务器出现问题（500）' }).waitFor();
    } finally {
      await db.query('RENAME TABLE kb_terms_gone TO kb_terms');
    }
    expect(await appText(page)).to.include('来电弹屏');
    // The server dies: the feed says it is reconnecting, an action says the server is unreachable.
    await hotline.stop('SIGKILL');
    await page.locator('[data-test=reconnecting]').waitFor();
    await page.locator('[data-test=kb-go]').click();
    await page.locator('.hl-error-notice').filter({ hasText: '无法连接服务器' }).waitFor();
    expect(await appText(page)).to.include('来电弹屏').and.include('知识库');
    expect(errors).to.deep.equal([]);
  });
});
