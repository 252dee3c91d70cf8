// Blocked numbers (拦截号码) in the console, against the real Hotline and the real Asterisk, in both
// languages: a supervisor opens the Calls page's Blocked numbers view (/calls?view=blocked) and
// blocks a number through the dialog — a bad number ("12a", "123") is named under its field in
// the page's language and nothing is stored; a good one, written with spaces and a country code,
// is stored in its one form, permanent; a real SIPp call from it is refused by Asterisk (403) and,
// the list read again, its row counts 1 refused call; blocking it again is refused readably (409)
// with the block in place shown; its reason is changed; it is unblocked (asked first) and gone from
// the active list, the API's lookup says null. A call's drawer offers "Block this number" beside
// the caller for supervisors (prefilled, 7 days; then the drawer shows "Blocked until …"); the
// view switch keeps its place in the address (?view=blocked) and leads back to the calls. A
// read-only user reads the list without buttons. On the agent desk, after a real call, the agent
// blocks the caller for 7 days from the work on the call ("permanent" is not offered): the API shows
// the block ending about 7 days ahead, made by that agent. Screenshots, no missing translation,
// no page error, no serious axe finding.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { answerQuestion, axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { seedCall } from '../support/call-records.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, SERVICE, setupDeskLab, takeCallToWrapUp } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp, type SippCall } from '../support/sipp.js';

interface Block { id: string; number: string; reason: string; until: string | null; active: boolean; createdBy: string; attempts: number; lastAttemptAt: string | null }

const PASSWORD = 'Blocked-numbers-test-2026!';
const DAY = 86_400_000;

describe('blocked numbers: the Calls page view, the call drawer and the desk (Chromium, real Asterisk)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let base: string;
  const pages: ConsolePage[] = [];
  let call: SippCall | undefined;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    hotline = await startHotline({ ...db.env, HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: '60' });
    base = hotline.url;
    for (const [username, role] of [['block.super', 'supervisor'], ['block.viewer', 'readonly']] as const) {
      const r = await api(base, 'POST', '/api/users', { username, password: PASSWORD, role, displayName: username, passwordChangeRequired: false });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    }
    await setupDeskLab(base, 60, false);
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    for (const p of pages.splice(0)) await p.close();
    hangupAll();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  async function signedIn(locale: 'zh-CN' | 'en', path: string, user = 'block.super') {
    const c = await openConsole(locale);
    pages.push(c);
    await signIn(c.page, base, user, PASSWORD, path);
    return c;
  }
  const blocks = async (q = '', state = 'all') => (await api(base, 'GET', `/api/blocked-numbers?state=${state}&limit=200${q ? `&q=${encodeURIComponent(q)}` : ''}`)).body as { items: Block[]; total: number };
  const lookup = async (number: string) => (await api(base, 'GET', `/api/blocked-numbers/lookup?number=${encodeURIComponent(number)}`)).body.block as Block | null;
  /** For a screenshot: every transition (a dialog or drawer sliding in, a tag fading) has finished. */
  const settled = (page: Page) => page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });
  const notice = (page: Page, text: string) => page.locator('.el-notification', { hasText: text }).first().waitFor();
  const serious = async (page: Page) => {
    const v = await axeViolations(page);
    expect(v.filter((x) => x.impact === 'critical' || x.impact === 'serious'), JSON.stringify(v, null, 1)).to.deep.equal([]);
  };

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`a supervisor blocks a number (bad ones named, nothing stored), a real call from it is refused and counted, blocking it twice is refused, the reason changed, unblocked (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const number = zh ? '13800138061' : '13800138062';
      const written = zh ? '+86 138 0013 8061' : '+86 138-0013-8062';
      const reason = zh ? '多次辱骂坐席' : 'Abusive to agents, three times this week';
      const { page, errors } = await signedIn(locale, '/calls?view=blocked');
      const view = page.locator('[data-test=blocked-view]');
      await view.waitFor();
      expect(await page.locator('h1').innerText()).to.equal(zh ? '拦截号码' : 'Blocked numbers');
      await view.locator('[data-test=blocked-table]').getByText(zh ? '当前没有拦截的号码。' : 'No number is blocked.').or(view.locator('[data-test=blocked-number]').first()).waitFor();
      const before = (await blocks()).total;

      // A bad number is named under its field in the page's language; nothing is stored.
      await view.locator('[data-test=blocked-add]').click();
      const form = page.locator('[data-test=block-form]');
      await form.waitFor();
      expect(await form.getAttribute('novalidate'), 'the form leaves checking to the page').to.not.equal(null);
      await form.locator('input[name=block-number]').fill('12a');
      await form.locator('textarea[name=block-reason]').fill(reason);
      await form.locator('[data-test=block-save]').click();
      const numberError = zh ? '请输入至少 5 位数字的电话号码，例如 13800138000。' : 'Enter a phone number with at least 5 digits, such as 13800138000.';
      await form.locator('.el-form-item__error', { hasText: numberError }).waitFor();
      await form.locator('input[name=block-number]').fill('123');
      await form.locator('[data-test=block-save]').click();
      await form.locator('.el-form-item__error', { hasText: numberError }).waitFor();
      expect((await blocks()).total, 'nothing stored').to.equal(before);
      // An empty reason is named too.
      await form.locator('input[name=block-number]').fill(written);
      await form.locator('textarea[name=block-reason]').fill('   ');
      await form.locator('[data-test=block-save]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '请填写拦截原因' : 'Give a reason' }).waitFor();
      expect((await blocks()).total, 'nothing stored').to.equal(before);

      // A good number, permanent (a supervisor's default; every preset offered).
      await form.locator('textarea[name=block-reason]').fill(reason);
      expect(await form.locator('[data-preset]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preset')))).to.deep.equal(['1d', '7d', '30d', 'permanent', 'date']);
      await form.locator('[data-preset=permanent]').click();
      await form.locator('[data-test=block-preview]', { hasText: zh ? '永久拦截' : 'Blocked permanently' }).waitFor();
      await settled(page);
      await screenshot(page, `blocked-numbers-dialog-${locale}`);
      await form.locator('[data-test=block-save]').click();
      await notice(page, zh ? `已永久拦截 ${number}` : `${number} is blocked permanently`);
      await form.waitFor({ state: 'detached' });
      const stored = (await blocks(number)).items;
      expect(stored.map((b) => ({ number: b.number, reason: b.reason, until: b.until, active: b.active, createdBy: b.createdBy, attempts: b.attempts }))).to.deep.equal([{ number, reason, until: null, active: true, createdBy: 'block.super', attempts: 0 }]);
      const row = view.locator('.el-table__row').filter({ has: page.locator(`[data-number="${number}"]`) });
      await row.waitFor();
      expect(await row.locator('[data-test=blocked-until]').innerText()).to.equal(zh ? '永久' : 'Permanent');
      expect(await row.locator('[data-test=blocked-attempts]').innerText()).to.equal(zh ? '已拦截 0 次' : '0 refused');

      // A real call from that number (as a trunk sends it, with +86): Asterisk refuses it (403); the list read again counts it.
      assertCallsSucceeded(await runSipp({ scenario: 'uac-refused', service: SERVICE, caller: `+86${number}` }));
      await waitUntil('the refused call counted on the block', async () => (await blocks(number)).items[0]?.attempts === 1, 15_000);
      await view.locator('[data-test=blocked-find]').click();
      await row.locator('[data-test=blocked-attempts][data-attempts="1"]').waitFor();
      expect(await row.locator('[data-test=blocked-attempts]').innerText()).to.equal(zh ? '已拦截 1 次' : '1 refused');
      expect(await row.innerText()).to.include(zh ? '最近' : 'last');

      // Blocking it again: refused readably (409), with the block in place; Show the block finds it in the list.
      await view.locator('[data-test=blocked-add]').click();
      await form.locator('input[name=block-number]').fill(number);
      await form.locator('textarea[name=block-reason]').fill(zh ? '再次拦截' : 'Again');
      await form.locator('[data-preset="7d"]').click();
      await form.locator('[data-test=block-save]').click();
      const refusal = form.locator('[data-test=block-error]');
      await refusal.getByText(zh ? `${number} 已在拦截中。` : `${number} is already blocked.`).waitFor();
      await refusal.locator('[data-test=block-existing]', { hasText: reason }).waitFor();
      expect(await refusal.innerText()).to.include('block.super');
      await screenshot(page, `blocked-numbers-409-${locale}`);
      expect((await blocks(number)).total, 'still one block').to.equal(1);
      await refusal.locator('[data-test=block-show-existing]').click();
      await form.waitFor({ state: 'detached' });
      expect(await view.locator('input[name=blocked-q]').inputValue()).to.equal(number);
      await row.waitFor();

      // The reason changed: the row and the API say the new one; the end stays permanent.
      const newReason = zh ? '多次辱骂坐席，已报警' : 'Abusive to agents; reported to the police';
      await row.locator('[data-test=blocked-edit]').click();
      await form.waitFor();
      expect(await form.locator('input[name=block-number]').count(), 'the number is not changed here').to.equal(0);
      await form.locator('textarea[name=block-reason]').fill(newReason);
      await form.locator('[data-test=block-save]').click();
      await notice(page, zh ? `已修改 ${number} 的拦截` : `The block of ${number} is changed`);
      await row.locator('[data-test=blocked-reason]', { hasText: newReason }).waitFor();
      expect((await blocks(number)).items[0]).to.include({ reason: newReason, until: null, active: true });
      await page.locator('.el-notification').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
      await settled(page);
      await screenshot(page, `blocked-numbers-${locale}`);
      await serious(page);

      // Unblocked (asked first, in the page's language): gone from the active list, the lookup says none.
      await row.locator('[data-test=blocked-unblock]').click();
      await answerQuestion(page, zh ? '解除拦截' : 'Unblock a number', zh ? '解除拦截' : 'Unblock');
      await notice(page, zh ? `已解除对 ${number} 的拦截` : `${number} unblocked`);
      await row.waitFor({ state: 'detached' });
      expect(await lookup(number)).to.equal(null);
      expect((await blocks(number, 'active')).total).to.equal(0);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('a supervisor blocks every caller who withholds their number: the option stands for the number, the list names it, a real anonymous call is refused and counted, then unblocked (zh-CN)', async () => {
    const { page, errors } = await signedIn('zh-CN', '/calls?view=blocked');
    const view = page.locator('[data-test=blocked-view]');
    await view.waitFor();
    await view.locator('[data-test=blocked-add]').click();
    const form = page.locator('[data-test=block-form]');
    await form.waitFor();
    await form.locator('[data-test=block-withheld]').click();
    expect(await form.locator('input[name=block-number]').count(), 'no number to type').to.equal(0);
    await form.getByText('不显示主叫号码的来电（匿名、私密、受限、未知）一律拒接').waitFor();
    await form.locator('textarea[name=block-reason]').fill('隐藏号码骚扰电话');
    await form.locator('[data-preset=permanent]').click();
    await settled(page);
    await screenshot(page, 'blocked-numbers-withheld-dialog-zh-CN');
    await form.locator('[data-test=block-save]').click();
    await notice(page, '已永久拦截 隐藏号码的来电');
    await form.waitFor({ state: 'detached' });
    const row = view.locator('.el-table__row').filter({ has: page.locator('[data-number="withheld"]') });
    await row.waitFor();
    expect(await row.locator('[data-test=blocked-number]').innerText()).to.equal('隐藏号码的来电');

    // A call without a number (as carriers write it): Asterisk refuses it (403); counted on that block.
    assertCallsSucceeded(await runSipp({ scenario: 'uac-refused', service: SERVICE, caller: 'anonymous' }));
    await waitUntil('the refused call counted on the withheld block', async () => (await lookup('withheld'))?.attempts === 1, 15_000);
    await view.locator('[data-test=blocked-find]').click();
    await row.locator('[data-test=blocked-attempts][data-attempts="1"]').waitFor();
    await settled(page);
    await screenshot(page, 'blocked-numbers-withheld-zh-CN');

    await row.locator('[data-test=blocked-unblock]').click();
    await answerQuestion(page, '解除拦截', '解除拦截');
    await notice(page, '已解除对 隐藏号码的来电 的拦截');
    await row.waitFor({ state: 'detached' });
    expect(await lookup('withheld')).to.equal(null);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('a call\'s drawer: Block this number beside the caller (prefilled, 7 days), then "Blocked until …"; a read-only user reads the list without buttons (en)', async () => {
    const number = '13900139063';
    const callId = await seedCall(db, { caller: number, called: SERVICE, flow: 'desk-flow', startedAt: new Date(Date.now() - 3_600_000), seconds: 40, outcome: 'completed' });
    const { page, errors } = await signedIn('en', `/calls?open=${callId}`);
    const drawer = page.locator('[data-test=call-drawer]');
    await drawer.locator('[data-test=call-block-number]').click();
    const form = page.locator('[data-test=block-form]');
    expect(await form.locator('input[name=block-number]').inputValue()).to.equal(number);
    await form.locator('textarea[name=block-reason]').fill('Prank calls at night');
    await form.locator('[data-preset="7d"]').click();
    await form.locator('[data-test=block-save]').click();
    const tag = drawer.locator('[data-test=call-blocked-tag]');
    await tag.waitFor();
    expect(await tag.innerText()).to.match(/^Blocked until /);
    const b = (await lookup(number))!;
    expect(b.createdBy).to.equal('block.super');
    expect(new Date(b.until!).getTime() - Date.now()).to.be.within(7 * DAY - 120_000, 7 * DAY);
    await settled(page);
    await screenshot(page, 'blocked-numbers-drawer-en');
    await serious(page);
    // The view switch keeps its place in the address: Blocked numbers lists the new block, Calls the call again.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-test=view-blocked]').click();
    await page.waitForURL((u) => u.searchParams.get('view') === 'blocked');
    await page.locator(`[data-test=blocked-view] [data-number="${number}"]`).waitFor();
    await page.locator('[data-test=view-calls]').click();
    await page.locator(`[data-test=open-call][data-id="${callId}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('view')).to.equal(null);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);

    // Read-only: the list, no Block, Edit or Unblock.
    const viewer = await signedIn('zh-CN', '/calls?view=blocked', 'block.viewer');
    const row = viewer.page.locator('.el-table__row').filter({ has: viewer.page.locator(`[data-number="${number}"]`) });
    await row.waitFor();
    expect(await viewer.page.locator('[data-test=blocked-add]').count()).to.equal(0);
    expect(await row.locator('button').count()).to.equal(0);
    expect(await missingKeys(viewer.page)).to.deep.equal([]);
    expect(viewer.errors).to.deep.equal([]);
    await api(base, 'DELETE', `/api/blocked-numbers/${b.id}`);
  });

  it('an agent blocks the caller after a real call from the work on the call, for 7 days; permanent is not offered (zh-CN)', async () => {
    const caller = '13900139064';
    const agent = await createDeskAgent(base, '赵磊', 'e2e-blocker');
    const desk = await openDesk(base, agent, 'zh-CN');
    pages.push(desk);
    const { page, errors } = desk;
    call = await takeCallToWrapUp(page, caller);

    await page.locator('[data-test=work-block-caller]').click();
    const form = page.locator('[data-test=block-form]');
    await form.waitFor();
    expect(await form.locator('input[name=block-number]').inputValue()).to.equal(caller);
    expect(await form.locator('[data-preset]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preset'))), 'no permanent for agents').to.deep.equal(['1d', '7d', '30d', 'date']);
    await form.locator('[data-test=block-agent-limit]').waitFor();
    await form.locator('textarea[name=block-reason]').fill('骚扰电话，辱骂坐席');
    await form.locator('[data-preset="7d"]').click();
    await settled(page);
    await screenshot(page, 'blocked-numbers-desk-dialog-zh-CN');
    await form.locator('[data-test=block-save]').click();
    await notice(page, `已拦截 ${caller}`);
    await page.locator('[data-test=work-blocked-tag]').waitFor();
    const b = (await lookup(caller))!;
    expect(b).to.include({ number: caller, createdBy: agent.username, active: true });
    expect(new Date(b.until!).getTime() - Date.now()).to.be.within(7 * DAY - 120_000, 7 * DAY);
    await settled(page);
    await screenshot(page, 'blocked-numbers-desk-zh-CN');
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
