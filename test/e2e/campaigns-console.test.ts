// Outbound campaigns (外呼任务) in the console, in Chromium against the real Hotline, the real
// Asterisk and a SIPp "customer": a supervisor (zh-CN) creates a campaign from the 回访 preset on
// /campaigns (a missing name and queue named under their fields first), is told it cannot start
// without contacts, imports an .xlsx list — a bad file shows its row errors and adds nothing, the
// good one is checked first (dry run: rows, what would be added, the duplicate) and then imported
// —, starts it and exports it. An agent (en) on the desk's Campaigns tab takes the next contact
// (the card with the list's columns and the CRM customer, the script; a reload shows the same
// contact), calls it — the WebRTC phone rings first and answers itself, then SIPp answers —, hangs
// up, gives a result; the supervisor's page shows the contact done and the report counts it. A
// busy contact shows "will be called again" on the desk. Screenshots in both languages; no missing
// translation, no page error, no serious axe finding on the campaign's page.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { startPhone, type Agents } from '../support/agents.js';
import { api } from '../support/api.js';
import { answerQuestion, appText, axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pbxChannels, QUEUE, setupDeskLab, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';

const PHONE_PORT = 5086;
const ANSWERS = '13900139101';
const BUSY = '13900139102';
const THIRD = '13900139103';
const CAMPAIGN = 'revisit-e2e';
const TITLE = '12 月服务回访';
const SUP = { username: 'camp.sup', password: 'Camp-supervisor-secret-7' };

/** The page at rest (no transition running: a checkbox's tick, a tab's bar, a dialog fading in), then its screenshot. */
async function shot(page: Page, name: string) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 }).catch(() => undefined);
  await screenshot(page, name);
}

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('outbound campaigns in the console: the supervisor\'s page and the desk\'s Campaigns tab (real Asterisk, SIPp customer)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let phone: Agents | undefined;
  let agent: LabAgent;
  let desk: ConsolePage;
  const pages: ConsolePage[] = [];

  before(async () => {
    ensurePbx();
    hangupAll();
    phone = await startPhone(PHONE_PORT, 'answer');
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${PHONE_PORT}`, HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: '60' });
    await setupDeskLab(hotline.url, 0, false);
    agent = await createDeskAgent(hotline.url, '吴芳', 'e2e-camp');
    expect((await api(hotline.url, 'POST', '/api/users', { ...SUP, role: 'supervisor', displayName: '王主管' })).status).to.equal(201);
    const c = await api(hotline.url, 'POST', '/api/customers', { name: '陈静', phones: [ANSWERS], vipLevel: 2, company: '东方电器', tags: ['回访'] });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
  });
  afterEach(async () => {
    hangupAll();
    for (const p of pages.splice(0)) {
      expect(await missingKeys(p.page), 'translation keys missing').to.deep.equal([]);
      expect(p.errors, 'page errors').to.deep.equal([]);
      await p.close();
    }
  });
  after(async () => {
    await desk?.close();
    await stopAllHotlines();
    phone?.stop();
    await db?.drop();
  });

  async function supervisor(locale: 'zh-CN' | 'en', path: string): Promise<Page> {
    const c = await openConsole(locale, { viewport: { width: 1440, height: 1000 } });
    pages.push(c);
    await signIn(c.page, hotline.url, SUP.username, SUP.password, path);
    return c.page;
  }

  /** Picks `text` in the open Element Plus select `trigger`. */
  async function pick(page: Page, trigger: string, text: string) {
    await page.locator(trigger).click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
  }

  it('a supervisor creates the campaign from the 回访 preset, imports an .xlsx list (a bad file named row by row, a dry run first), starts it and exports it', async () => {
    const page = await supervisor('zh-CN', '/campaigns');
    await page.locator('[data-test=campaigns-table]').waitFor();
    await page.locator('[data-test=new-campaign]').click();
    const dialog = page.locator('[data-test=campaign-dialog]');
    await dialog.locator('[data-preset=zhRevisit]').click();
    expect(await dialog.locator('input[name=result-label]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).to.deep.equal(['成功', '有意向', '无意向', '号码错误']);
    await dialog.locator('input[name=campaign-title]').fill(TITLE);
    // Nothing else: the name and the queue are named under their fields, nothing is stored.
    await dialog.locator('[data-test=save-campaign]').click();
    await dialog.locator('.el-form-item__error', { hasText: '请使用字母、数字' }).waitFor();
    await dialog.locator('.el-form-item__error', { hasText: '请选择队列' }).waitFor();
    expect((await api(hotline.url, 'GET', '/api/campaigns')).body.items).to.have.length(0);
    await dialog.locator('input[name=campaign-name]').fill(CAMPAIGN);
    await pick(page, '[data-test=campaign-queue]', QUEUE);
    // Every day, all day (the test may run at any hour).
    await dialog.locator('[data-day="6"]').click();
    await dialog.locator('[data-day="7"]').click();
    await dialog.locator('input[name=campaign-from]').fill('00:00');
    await dialog.locator('input[name=campaign-to]').fill('23:59');
    await shot(page, 'campaign-form-zh-CN');
    await dialog.locator('[data-test=save-campaign]').click();
    await page.waitForURL((u) => u.searchParams.get('campaign') === CAMPAIGN);
    await page.locator('[data-test=campaign-title]', { hasText: TITLE }).waitFor();
    const saved = (await api(hotline.url, 'GET', `/api/campaigns/${CAMPAIGN}`)).body;
    expect(saved).to.deep.include({ status: 'draft', queue: QUEUE, title: TITLE });
    expect(saved.callingHours).to.deep.include({ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' });
    expect(saved.results.map((r: { code: string }) => r.code)).to.deep.equal(['success', 'interested', 'not_interested', 'wrong_number']);

    // Starting it with no contact: the API's no_contacts in the page's words.
    await page.locator('[data-test=campaign-detail] [data-move=start]').click();
    await answerQuestion(page, '启动', '启动');
    await page.locator('[data-test=campaigns-error]', { hasText: '还没有联系人' }).waitFor();

    // A bad list: its rows named, nothing added.
    await page.locator('[data-test=contacts-import]').click();
    const imp = page.locator('[data-test=import-dialog]');
    await imp.locator('input[data-test=import-file]').setInputFiles({ name: '坏名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsx([['电话', '姓名'], [ANSWERS, '陈静'], ['不是号码', '张三']]) });
    await imp.locator('[data-test=import-check]').click();
    const rowErrors = imp.locator('[data-test=import-row-errors]');
    await rowErrors.waitFor();
    expect(await rowErrors.innerText()).to.include('3');
    expect(await imp.locator('[data-test=import-error]').innerText()).to.include('没有添加任何联系人');
    expect(await imp.locator('[data-test=import-run]').isDisabled(), 'no import after a refused check').to.equal(true);
    await shot(page, 'campaign-import-errors-zh-CN');

    // The good list: checked first (rows, would add, the duplicate in another spelling), then imported.
    const good = await xlsx([
      ['电话', '姓名', '产品', '购买日期'],
      [ANSWERS, '陈静', '空调', '2026-10-01'],
      [BUSY, '刘洋', '冰箱', '2026-10-12'],
      [THIRD, '赵敏', '洗衣机', '2026-11-02'],
      ['+86 139-0013-9101', '陈静（重复）', '空调', '2026-10-01'],
    ]);
    await imp.locator('input[data-test=import-file]').setInputFiles({ name: '回访名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: good });
    await imp.locator('[data-test=import-check]').click();
    const report = imp.locator('[data-test=import-report][data-dry-run=true]');
    await report.waitFor();
    expect(await report.getAttribute('data-rows')).to.equal('4');
    expect(await report.getAttribute('data-added')).to.equal('3');
    expect(await report.getAttribute('data-duplicates')).to.equal('1');
    expect(await report.innerText()).to.include('将添加 3 个').and.include('第 2 行');
    expect((await api(hotline.url, 'GET', `/api/campaigns/${CAMPAIGN}`)).body.counts.total, 'a dry run adds nothing').to.equal(0);
    await shot(page, 'campaign-import-dryrun-zh-CN');
    await imp.locator('[data-test=import-run]').click();
    await imp.locator('[data-test=import-report][data-dry-run=false]').waitFor();
    await imp.getByRole('button', { name: '关闭', exact: true }).click();
    await page.locator('[data-test=contacts-table] [data-test=contact-phone]', { hasText: THIRD }).waitFor();
    expect(await page.locator('[data-test=contacts-table] [data-test=contact-phone]').count()).to.equal(3);
    await page.locator('[data-test=detail-progress][data-total="3"][data-worked="0"]').waitFor();

    // Start, asked first.
    await page.locator('[data-test=campaign-detail] [data-move=start]').click();
    await answerQuestion(page, '启动', '启动');
    await page.locator('[data-test=detail-status][data-status=running]').waitFor();
    await shot(page, 'campaign-contacts-zh-CN');
    expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), 'serious axe findings').to.deep.equal([]);

    // Export: the contacts with the list's own columns, headed in Chinese.
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=campaign-export]').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await file.path())!) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    expect(header).to.include.members(['电话', '姓名', '状态', '产品']);
    expect(sheet.actualRowCount).to.equal(4);
  });

  it('an agent takes the next contact on the desk (card, CRM customer, script; kept over a reload), calls it through the browser phone, gives a result; the supervisor sees it done', async () => {
    desk = await openDesk(hotline.url, agent, 'en');
    const { page } = desk;
    await page.locator('[data-test=campaigns-tab]').click();
    const row = page.locator(`[data-test=my-campaigns] [data-campaign=${CAMPAIGN}]`);
    await row.locator('[data-test=campaign-open][data-open=true]').waitFor();
    await row.locator('[data-test=campaign-due][data-due="3"]').waitFor();
    await row.locator('[data-test=campaign-next]').click();
    const card = page.locator('[data-test=campaign-contact]');
    await card.locator('[data-test=contact-card-phone]', { hasText: ANSWERS }).waitFor();
    const id = await card.getAttribute('data-contact');
    await card.locator('[data-test=contact-customer]', { hasText: '东方电器' }).waitFor();
    expect(await card.innerText()).to.include('陈静').and.include('空调').and.include('2026-10-01');
    expect(await page.locator('[data-test=campaign-script]').innerText()).to.include('回访');

    // A reload: the same contact is the agent's still.
    await page.reload();
    await page.locator('[data-test=phone-status][data-status=registered]').waitFor({ timeout: 20_000 });
    await page.locator(`[data-test=campaign-contact][data-contact="${id}"]`).waitFor({ timeout: 10_000 });
    await card.locator('[data-test=contact-customer]', { hasText: '东方电器' }).waitFor();
    await shot(page, 'desk-campaign-contact-en');

    // Call: the browser phone rings and answers itself, then the customer's phone answers.
    const call = card.locator('[data-test=campaign-call]');
    await waitUntil('Call enabled', async () => call.isEnabled(), 10_000);
    await call.click();
    await page.locator('[data-test=softphone] [data-call-state=connected]').waitFor({ timeout: 20_000 });
    await waitUntil('the WebRTC leg bridged with the customer', () => {
      const chans = pbxChannels();
      const mine = chans.find((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`) && c.bridge);
      return mine && chans.some((c) => c.name.startsWith('PJSIP/callers-') && c.bridge === mine.bridge && c.state === 'Up');
    }, 15_000);
    await page.locator('[data-test=campaign-dialing]', { hasText: 'On the call' }).waitFor();
    expect(await card.locator('[data-test=campaign-skip]').isDisabled(), 'no skip while calling').to.equal(true);
    await shot(page, 'desk-campaign-call-en');
    await page.locator('[data-test=softphone] [data-test=hangup]').click();

    // The call connected: the result form (the campaign's results, callback), a result given.
    const form = page.locator('[data-test=campaign-result-form]');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.locator('[data-test=result-options]').innerText()).to.include('成功').and.include('无意向').and.include('Call back at');
    await form.locator('[data-test=result-save]').click();
    await form.locator('.el-form-item__error', { hasText: 'Pick a result' }).waitFor();
    await form.locator('label[data-result=success]').click();
    await form.locator('.el-form-item__error').waitFor({ state: 'detached' });
    await form.locator('textarea[name=campaign-note]').fill('Happy with the installation');
    await shot(page, 'desk-campaign-result-en');
    await form.locator('[data-test=result-save]').click();
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    const done = (await api(hotline.url, 'GET', `/api/campaigns/${CAMPAIGN}/contacts/${id}`)).body;
    expect(done).to.deep.include({ status: 'done', result: 'success', note: 'Happy with the installation', attempts: 1 });
    expect(done.attemptsList[0]).to.deep.include({ dialStatus: 'ANSWER', result: 'success' });

    // The supervisor's page: the contact done, the progress moved, the report counts it (both languages).
    for (const locale of ['en', 'zh-CN'] as const) {
      const sup = await supervisor(locale, `/campaigns?campaign=${CAMPAIGN}`);
      const contact = sup.locator('[data-test=contacts-table] .el-table__row', { hasText: ANSWERS });
      await contact.locator('[data-test=contact-status][data-status=done]').waitFor();
      expect(await contact.locator('[data-test=contact-result]').innerText()).to.equal('成功');
      await sup.locator('[data-test=detail-progress][data-worked="1"][data-total="3"]').waitFor();
      await contact.locator('[data-test=contact-attempts-open]').click();
      await sup.locator('[data-test=attempts-table] [data-test=attempt-dial]').first().waitFor();
      expect(await sup.locator('[data-test=attempts-dialog]').innerText()).to.include('Happy with the installation');
      await shot(sup, `campaign-attempts-${locale}`);
      await sup.keyboard.press('Escape');
      await sup.goto(`${hotline.url}/campaigns?campaign=${CAMPAIGN}&tab=report`);
      await sup.locator('[data-test=report-chart]').waitFor();
      expect(await sup.locator('[data-test=report-figures] [data-figure=connectRate] dd').innerText()).to.equal('100.0%');
      expect(await sup.locator('[data-test=report-agents]').innerText()).to.include('吴芳');
      await sup.waitForTimeout(300); // the chart drawn
      await shot(sup, `campaign-report-${locale}`);
      expect((await axeViolations(sup)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), 'serious axe findings').to.deep.equal([]);
      await sup.goto(`${hotline.url}/campaigns`);
      await sup.locator(`[data-test=campaign-progress][data-worked="1"][data-total="3"]`).waitFor();
      await shot(sup, `campaigns-list-${locale}`);
      expect(await appText(sup)).to.include(TITLE);
    }
  });

  it('a busy contact: the desk says it will be called again (in both languages), and the list shows it waiting', async () => {
    // The customer's phone is now busy (486).
    phone?.stop();
    phone = await waitUntil('the customer\'s port free again', () => startPhone(PHONE_PORT, 'busy').catch(() => undefined), 10_000, 250);
    const { page } = desk;
    const row = page.locator(`[data-test=my-campaigns] [data-campaign=${CAMPAIGN}]`);
    await row.locator('[data-test=campaign-next]').click();
    const card = page.locator('[data-test=campaign-contact]');
    await card.locator('[data-test=contact-card-phone]', { hasText: BUSY }).waitFor();
    const call = card.locator('[data-test=campaign-call]');
    await waitUntil('Call enabled', async () => call.isEnabled(), 15_000);
    await call.click();
    const outcome = page.locator('[data-test=desk-campaign-outcome][data-kind=retry]');
    await outcome.waitFor({ timeout: 30_000 });
    expect(await outcome.innerText()).to.include('刘洋').and.include('Busy').and.include('will be called again at');
    await card.waitFor({ state: 'detached' });
    await row.locator('[data-test=campaign-next]').waitFor();
    await shot(page, 'desk-campaign-busy-en');
    // The same desk in Chinese (the header's language switch).
    await page.locator('header .el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '中文' }).click();
    await outcome.filter({ hasText: '将于' }).filter({ hasText: '再次拨打' }).waitFor();
    await page.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' }).catch(() => undefined);
    await shot(page, 'desk-campaign-busy-zh-CN');
    const c = (await api(hotline.url, 'GET', `/api/campaigns/${CAMPAIGN}/contacts?q=${BUSY}`)).body.items[0];
    expect(c).to.deep.include({ status: 'pending', result: 'busy', attempts: 1 });
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(desk.errors).to.deep.equal([]);
  });
});
