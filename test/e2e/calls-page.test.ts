// The Calls page (/calls, 通话记录) in Chromium against a real Hotline without Asterisk: call
// records are put in the test database (support/call-records.ts; the call path that writes them
// is proven by the call tests), in zh-CN and en. The list shows the last 7 days' calls newest
// first as the API gives them; caller, outcome and date range narrow it to what the API gives for
// the same search; a call opened from the keyboard shows its IVR path with the keys, variables,
// agent, disposition, its ticket and its timeline in the page's words; ?open= opens a call from a
// link; a range that ends before it starts shows the server's refusal in the page's language; a
// supervisor finds a call too. No missing translation key, no page error, no serious axe finding.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { appText, axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { dbTime, seedCall } from '../support/call-records.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, TEST_ADMIN, type HotlineProcess } from '../support/hotline.js';

const HOUR = 3_600_000;
const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const midnight = (d: Date, plus = 0) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + plus).toISOString();

describe('calls page: find a past call and read it (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const pages: ConsolePage[] = [];
  const PASSWORD = 'Calls-page-test-2026!';
  const now = new Date();
  const ids = { recent: '', yesterday: '', older: '', old: '' };
  const RECORDING = randomUUID();

  before(async () => {
    db = await createTestDb('sqlite');
    hotline = await startHotlineWithoutPbx({ ...db.env, HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: '60' });
    const q = await api(hotline.url, 'POST', '/api/acd/queues', { name: 'support', settings: { dispositions: { required: false, codes: [{ code: 'refund', labels: { 'zh-CN': '已退款', en: 'Refunded' } }] } } });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    expect((await api(hotline.url, 'POST', '/api/users', { username: 'calls.viewer', password: PASSWORD, role: 'readonly', displayName: 'Vic', passwordChangeRequired: false })).status).to.equal(201);
    expect((await api(hotline.url, 'POST', '/api/users', { username: 'calls.super', password: PASSWORD, role: 'supervisor', displayName: 'Sue', passwordChangeRequired: false })).status).to.equal(201);
    // The call a supervisor looks for: the menu, key 2 for support, the queue, Alice answered.
    ids.recent = await seedCall(db, {
      caller: '13800138000', callerName: 'Wang', called: '4001', flow: 'main', startedAt: new Date(now.getTime() - HOUR), answerAfter: 0, seconds: 140, outcome: 'handed_off',
      path: [{ step: 'greeting' }, { step: 'menu', digit: '2' }, { step: 'support' }], variables: { lang: 'zh', vip: '1' },
      queue: 'support', agentName: 'Alice', holdSeconds: 12, talkSeconds: 95, disposition: 'refund', dispositionNote: 'refund sent',
      events: [[0, 'entered', { flow: 'main' }], [0, 'answered', null], [0, 'step', { step: 'greeting' }], [1, 'prompt.finished', { media: 'sound:hello-world' }], [3, 'step', { step: 'menu' }], [5, 'dtmf', { digit: '2' }], [5, 'step', { step: 'support' }], [20, 'agent.answered', { agentId: null, agent: 'Alice', queue: 'support' }], [115, 'agent.completed', { talkSeconds: 95 }], [130, 'disposition', { agentId: null, code: 'refund', note: 'refund sent' }], [140, 'ended', { outcome: 'handed_off', cause: 'normal' }]],
    });
    ids.yesterday = await seedCall(db, { caller: '13900139000', called: '4001', flow: 'main', startedAt: new Date(now.getTime() - 26 * HOUR), seconds: 8, outcome: 'caller_hangup', path: [{ step: 'greeting' }], events: [[0, 'entered', { flow: 'main' }], [8, 'ended', { outcome: 'caller_hangup', cause: 'normal' }]] });
    ids.older = await seedCall(db, { caller: '13800138000', called: '4002', flow: 'hours', startedAt: new Date(now.getTime() - 72 * HOUR), seconds: 20, outcome: 'completed', path: [{ step: 'closed' }] });
    ids.old = await seedCall(db, { caller: '13700137000', called: '4001', flow: 'main', startedAt: new Date(now.getTime() - 10 * 24 * HOUR), seconds: 30, outcome: 'completed' });
    // Its recording, as the recorder leaves a stored one (no audio needed: the page links to it).
    await db.exec(
      'INSERT INTO recordings (id, call_id, uniqueid, channel, queue, agent_id, customer_number, status, answered_at, duration_ms, legs, pauses, flags) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)',
      [RECORDING, ids.recent, `seed-rec-${RECORDING}`, 'PJSIP/caller-1', 'support', '13800138000', 'stored', dbTime(db, new Date(now.getTime() - HOUR + 20_000)), 95_000, '[]', '[]', ''],
    );
    const customer = await api(hotline.url, 'POST', '/api/customers', { name: 'Wang', phones: ['13800138000'] });
    expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
    const ticket = await api(hotline.url, 'POST', '/api/tickets', { title: 'Refund follow-up', customerId: customer.body.id, callId: ids.recent });
    expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  async function signedIn(locale: 'zh-CN' | 'en', path: string, user = TEST_ADMIN.username, password = TEST_ADMIN.password) {
    const c = await openConsole(locale);
    pages.push(c);
    await signIn(c.page, hotline.url, user, password, path);
    return c;
  }
  /** The ids of the rows the page shows, in order, once the list has settled. */
  async function shownIds(page: Page): Promise<string[]> {
    await page.waitForFunction(() => !document.querySelector('[data-test=search] .is-loading, [data-test=search].is-loading'));
    return page.locator('[data-test=open-call]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  }
  async function apiIds(query: string): Promise<string[]> {
    const r = await api(hotline.url, 'GET', `/api/calls?${query}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return (r.body.items as Array<{ id: string }>).map((x) => x.id);
  }
  async function pick(page: Page, test: string, label: string) {
    await page.locator(`[data-test=${test}]`).click();
    await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: label }).first().click();
    await page.waitForFunction(() => !document.querySelector('.el-select__popper[aria-hidden=false]'));
  }
  /** No transition running (the drawer has slid in). */
  async function settled(page: Page) {
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  }
  async function until(page: Page, want: string[]) {
    const deadline = Date.now() + 10_000;
    let got: string[] = [];
    while (Date.now() < deadline) {
      got = await shownIds(page);
      if (JSON.stringify(got) === JSON.stringify(want)) return;
      await page.waitForTimeout(100);
    }
    expect(got).to.deep.equal(want);
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`lists, filters and opens calls in the page's language (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const { page, errors } = await signedIn(locale, '/calls');
      await page.locator('[data-test=open-call]').first().waitFor();
      expect(await page.locator('.hl-nav-link', { hasText: zh ? '通话记录' : 'Calls' }).count()).to.equal(1);
      // The admin's header (eleven pages) stays one line at 1440 px, and so do the filters.
      expect((await page.locator('.hl-nav').boundingBox())!.height).to.be.below(40);
      expect((await page.locator('[data-test=call-filters]').boundingBox())!.height).to.be.below(40);

      // The last 7 days, newest first, as the API gives them for those days.
      const week = `from=${encodeURIComponent(midnight(new Date(now.getTime() - 6 * 24 * HOUR)))}&to=${encodeURIComponent(midnight(now, 1))}`;
      const want = await apiIds(week);
      expect(want).to.deep.equal([ids.recent, ids.yesterday, ids.older]);
      await until(page, want);
      expect(await page.locator('[data-test=call-outcome]').first().innerText()).to.equal(zh ? '转入队列或转接' : 'to a queue or transfer');
      const text = await appText(page);
      expect(text).to.contain('Wang').and.contain('Alice').and.contain(zh ? '已退款' : 'Refunded');
      await screenshot(page, `calls-list-${locale}`);

      // The caller's first digits narrow to that number's calls (1380: not 13900139000's); outcome then to the one that hung up.
      await page.locator('[data-test=filter-caller]').fill('1380');
      await page.locator('[data-test=search]').click();
      await until(page, await apiIds(`${week}&caller=13800138000`));
      expect(await shownIds(page)).to.deep.equal([ids.recent, ids.older]);
      expect(page.url()).to.contain('caller=1380');
      await page.locator('[data-test=filter-caller]').fill('');
      await pick(page, 'filter-outcome', zh ? '客户挂断' : 'caller hung up');
      await page.locator('[data-test=search]').click();
      await until(page, await apiIds(`${week}&outcome=caller_hangup`));
      expect(await shownIds(page)).to.deep.equal([ids.yesterday]);
      expect(page.url()).to.contain('outcome=caller_hangup');

      // A wider range, typed in the picker, finds the call of 10 days ago.
      await page.locator('[data-test=reset]').click();
      await until(page, want);
      const inputs = page.locator('.el-date-editor--daterange input');
      await inputs.nth(0).fill(day(new Date(now.getTime() - 14 * 24 * HOUR)));
      await inputs.nth(0).press('Enter');
      await inputs.nth(1).fill(day(now));
      await inputs.nth(1).press('Enter');
      await page.keyboard.press('Escape');
      await page.locator('[data-test=search]').click();
      await until(page, await apiIds(`from=${encodeURIComponent(midnight(new Date(now.getTime() - 14 * 24 * HOUR)))}&to=${encodeURIComponent(midnight(now, 1))}`));
      expect(await shownIds(page)).to.deep.equal([ids.recent, ids.yesterday, ids.older, ids.old]);

      // Opened from the keyboard: the caller's button, Enter.
      await page.locator(`[data-test=open-call][data-id="${ids.recent}"]`).focus();
      await page.keyboard.press('Enter');
      const drawer = page.locator(`[data-test=call-drawer][data-id="${ids.recent}"]`);
      await drawer.locator('[data-test=call-events]').waitFor();
      expect(page.url()).to.contain(`open=${ids.recent}`);
      expect(await drawer.locator('[data-test=call-ivr-path] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).to.deep.equal(['greeting', 'menu', 'support']);
      expect(await drawer.locator('[data-test=call-key]').innerText()).to.equal(zh ? '按键 2' : 'pressed 2');
      expect(await drawer.locator('[data-test=call-digits]').innerText()).to.equal('2');
      expect(await drawer.locator('[data-test=call-agent-name]').innerText()).to.equal('Alice');
      expect(await drawer.locator('[data-test=call-queue]').innerText()).to.equal('support');
      expect(await drawer.locator('[data-test=call-disposition]').innerText()).to.equal(zh ? '已退款' : 'Refunded');
      expect(await drawer.locator('[data-test=call-hold]').innerText()).to.equal(zh ? '12 秒' : '12 s');
      expect(await drawer.locator('[data-test=call-duration]').innerText()).to.equal('2:20');
      expect(await drawer.locator('[data-test=call-variables]').innerText()).to.contain('vip');
      expect(await drawer.locator('[data-test=call-tickets] a').getAttribute('href')).to.match(/^\/tickets\?ticket=T-\d+$/);
      expect(await drawer.locator('[data-test=call-recording]').getAttribute('href')).to.equal(`/recordings?open=${RECORDING}`);
      const events = await drawer.locator('[data-test=call-events] li').allInnerTexts();
      const words = zh
        ? ['进入 IVR 流程 main', 'Hotline 已接听', '节点：greeting', '播放完毕 sound:hello-world', '按键 2', 'Alice 已接听（队列 support）', '坐席通话结束（通话 95 秒）', '处理结果：refund（refund sent）', '来电 13800138000 → 4001（转入队列或转接，140 秒）']
        : ['Entered the IVR flow main', 'Answered by Hotline', 'Step: greeting', 'Played sound:hello-world', 'Key 2 pressed', 'Alice answered (queue support)', 'The agent call ended (95 s of talk)', 'Disposition: refund (refund sent)', 'Call from 13800138000 to 4001 (to a queue or transfer, 140 s)'];
      for (const w of words) expect(events.some((e) => e.includes(w)), `timeline has "${w}": ${events.join(' | ')}`).to.equal(true);
      await settled(page);
      await screenshot(page, `calls-drawer-${locale}`);
      await drawer.locator('[data-test=call-events]').scrollIntoViewIfNeeded();
      await screenshot(page, `calls-drawer-timeline-${locale}`);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await page.waitForURL((u) => !u.searchParams.has('open'));

      // A link with ?open= opens that call; a range ending before it starts is refused in words.
      await page.goto(`${hotline.url}/calls?open=${ids.older}`);
      await page.locator(`[data-test=call-drawer][data-id="${ids.older}"] [data-test=call-ivr-path]`).waitFor();
      await page.goto(`${hotline.url}/calls?from=${day(now)}&to=${day(new Date(now.getTime() - 3 * 24 * HOUR))}`);
      const refusal = page.locator('[data-test=calls-error]');
      await refusal.waitFor();
      expect(await refusal.innerText()).to.contain(zh ? '日期范围的结束早于开始' : 'The date range ends before it starts');
      expect(await page.locator('.el-table__empty-text').innerText()).to.equal(zh ? '没有符合条件的通话。请扩大日期范围或清除筛选条件。' : 'No call matches these filters. Widen the date range or clear a filter.');
      await screenshot(page, `calls-refused-${locale}`);

      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('a supervisor finds a call by caller; no serious accessibility finding on the list or an open call', async () => {
    const { page, errors } = await signedIn('en', '/calls', 'calls.super', PASSWORD);
    await page.locator('[data-test=open-call]').first().waitFor();
    await page.locator('[data-test=filter-caller]').fill('13900139000');
    await page.keyboard.press('Enter');
    await until(page, [ids.yesterday]);
    const serious = async () => (await axeViolations(page)).filter((x) => x.impact === 'serious' || x.impact === 'critical');
    const onList = await serious();
    expect(onList, JSON.stringify(onList, null, 1)).to.deep.equal([]);
    await page.locator('[data-test=open-call]').first().click();
    await page.locator(`[data-test=call-drawer][data-id="${ids.yesterday}"] [data-test=call-events]`).waitFor();
    const inDrawer = await serious();
    expect(inDrawer, JSON.stringify(inDrawer, null, 1)).to.deep.equal([]);
    await settled(page);
    await screenshot(page, 'calls-supervisor-en');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=call-drawer]').waitFor({ state: 'hidden' });

    // The search as it stands goes to Excel: the same calls (every page), in the page's language.
    await page.locator('[data-test=filter-caller]').fill('1380');
    await page.keyboard.press('Enter');
    const want = [ids.recent, ids.older];
    await until(page, want);
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=calls-export]').click()]);
    expect(file.suggestedFilename()).to.match(/^calls-.*\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await file.path());
    const sheet = book.worksheets[0]!;
    expect(sheet.name).to.equal('Calls');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).to.include.members(['Caller', 'Queue', 'Agent', 'Talk (s)', 'ID']);
    const idCol = header.indexOf('ID') + 1;
    const exported: string[] = [];
    sheet.eachRow((row, n) => { if (n > 1) exported.push(String(row.getCell(idCol).value)); });
    expect(exported, 'the calls the page shows for 1380…').to.deep.equal(want);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('a read-only user reads calls: no agent list, queue and flow typed, recordings not offered', async () => {
    const { page, errors } = await signedIn('zh-CN', `/calls?open=${ids.recent}`, 'calls.viewer', PASSWORD);
    const drawer = page.locator(`[data-test=call-drawer][data-id="${ids.recent}"]`);
    await drawer.locator('[data-test=call-events]').waitFor();
    expect(await drawer.innerText()).to.contain('录音仅限班长和管理员查看。');
    expect(await drawer.locator('[data-test=call-recording]').count()).to.equal(0);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await page.locator('[data-test=filter-agent]').count()).to.equal(0);
    await page.locator('[data-test=filter-queue]').click();
    await page.keyboard.type('support');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('.el-select__popper[aria-hidden=false]'));
    await page.locator('[data-test=search]').click();
    await until(page, [ids.recent]);
    expect(await page.locator('[data-test=calls-error]').count()).to.equal(0);
    expect(await page.locator('[data-test=calls-export]').count(), 'exports are for supervisors and admins').to.equal(0);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
