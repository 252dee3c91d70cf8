// The voicemail page (/voicemail, 语音留言) as supervisors oversee the mailboxes (Chromium against the
// real Hotline, the real Asterisk and SIPp callers who leave real messages at IVR voicemail nodes:
// four callers, two mailboxes, once for the file, in parallel). In both languages a supervisor sees
// the summary (each mailbox with its count waiting and since when), filters by mailbox through the
// summary and through the address (a reload shows the same), plays a message (the WAV in the page;
// the row becomes heard by them, the mailbox's count goes down), marks it done with a note, finds it
// under the done filter and reopens it; a filter the server refuses, written in the address, is said
// in the page's language (the page stays, Reset clears it); a message left while the page is open
// comes live; a read-only user reads the list without actions. Screenshots, no missing
// translation, no console error, no serious accessibility violation.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, publishFlow } from '../support/api.js';
import { axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { patternPcap } from '../support/recording-lab.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';

const ARI = `${(process.env.HOTLINE_ARI_URL ?? 'http://127.0.0.1:8088').replace(/\/+$/, '')}/ari`;
const ARI_AUTH = 'Basic ' + Buffer.from('hotline:hotline-dev-ari').toString('base64');
const PASSWORD = 'Voicemail-page-test-2026!';
const suffix = String(process.pid % 1000).padStart(3, '0');
/** Callers: two into sales (one a known customer), two into support (one a known customer), one later (live). */
const CALLERS = {
  sales1: `1390014${suffix}1`,
  sales2: `1390014${suffix}2`,
  support1: `1390014${suffix}3`,
  support2: `1390014${suffix}4`,
  late: `1390014${suffix}5`,
};
const SALES = '6131';
const SUPPORT = '6132';

interface Message { id: string; mailbox: string; callerNumber: string; customerName: string | null; status: string; heardBy: string | null; doneBy: string | null; note: string | null; recording: string }

describe('voicemail page: supervisors oversee the mailboxes (Chromium, real Asterisk, SIPp callers)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const pages: ConsolePage[] = [];
  const recordings = new Set<string>();
  const talk = () => patternPcap('voicemail-page-440', [{ ms: 10_000, hz: 440 }], { ssrc: 0x564d5047 });
  const call = (service: string, caller: string) => runSipp({ scenario: 'uac-dtmf', service, caller, dtmfFile: talk(), waitBeforeDigitsMs: 0, hangupAfterMs: 3000 });

  const user = async (username: string, role: string, displayName: string) => {
    const r = await api(hotline.url, 'POST', '/api/users', { username, password: PASSWORD, role, displayName, passwordChangeRequired: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  };
  const messages = async (q = ''): Promise<Message[]> => {
    const res = await api(hotline.url, 'GET', `/api/voicemails?limit=200${q}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    for (const m of res.body.items as Message[]) recordings.add(m.recording);
    return res.body.items;
  };
  const byCaller = async (caller: string) => (await messages()).find((m) => m.callerNumber === caller);
  const one = async (id: string) => (await api(hotline.url, 'GET', `/api/voicemails/${id}`)).body as Message;
  /** A signed-in page at `path`, console errors recorded (a refused request's own line allowed where a test expects one). */
  const open = async (locale: 'zh-CN' | 'en', username: string, path: string) => {
    const c = await openConsole(locale);
    pages.push(c);
    c.page.on('console', (m) => {
      if (m.type() === 'error') c.errors.push(`console: ${m.text()}`);
    });
    await signIn(c.page, hotline.url, username, PASSWORD, path);
    return c;
  };
  const rowOf = (page: Page, id: string) => page.locator('[data-test=vm-table] tr', { has: page.locator(`[data-voicemail="${id}"]`) });
  const shownIds = (page: Page) => page.locator('[data-test=vm-table] [data-voicemail]').evaluateAll((els) => els.map((e) => e.getAttribute('data-voicemail')));
  const summaryBox = (page: Page, mailbox: string) => page.locator(`[data-test=vm-summary-mailbox][data-mailbox="${mailbox}"]`);
  /** The table shows exactly the messages `want` (by id), whatever their order. */
  const showsExactly = (page: Page, want: string[]) => waitUntil(`the list to show ${want.length} messages`, async () => {
    const got = await shownIds(page);
    return JSON.stringify([...got].sort()) === JSON.stringify([...want].sort()) || undefined;
  }, 10_000);
  const dialogIn = (page: Page) => waitUntil('the dialog in place', () => page.evaluate(() => document.getAnimations().every((a) => a.playState !== 'running')), 5000);

  before(async () => {
    ensurePbx();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
    await user('vm.super', 'supervisor', '王主管');
    await user('vm.reader', 'readonly', 'Reader');
    for (const [name, phone] of [['陈静', CALLERS.sales1], ['Li Na', CALLERS.support1]]) {
      const c = await api(hotline.url, 'POST', '/api/customers', { name, phones: [phone] });
      expect(c.status, JSON.stringify(c.body)).to.equal(201);
    }
    await publishFlow(hotline.url, 'vmp-sales', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'sales', maxSeconds: 30 } } }, [SALES]);
    await publishFlow(hotline.url, 'vmp-support', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'support', maxSeconds: 30 } } }, [SUPPORT]);
    const results = await Promise.all([call(SALES, CALLERS.sales1), call(SALES, CALLERS.sales2), call(SUPPORT, CALLERS.support1), call(SUPPORT, CALLERS.support2)]);
    for (const r of results) assertCallsSucceeded(r);
    await waitUntil('the four messages to be new', async () => (await messages('&status=new')).length === 4 || undefined, 20_000);
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    hangupAll();
  });
  after(async () => {
    // The shared Asterisk keeps stored recordings: leave none of this file's behind.
    if (hotline) for (const status of ['new', 'heard', 'done', 'empty', 'recording']) await messages(`&status=${status}`).catch(() => undefined);
    for (const name of recordings) await fetch(`${ARI}/recordings/stored/${name}`, { method: 'DELETE', headers: { authorization: ARI_AUTH } }).catch(() => undefined);
    await stopAllHotlines();
    await db?.drop();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`a supervisor sees what waits per mailbox, filters by the summary and the address, plays, marks done with a note, finds it done and reopens it (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      // zh-CN works the sales mailbox (a known customer's message), en the support mailbox.
      const [mailbox, other, caller, name] = zh ? ['sales', 'support', CALLERS.sales1, '陈静'] : ['support', 'sales', CALLERS.support1, 'Li Na'];
      const note = zh ? '已回电，客户要求周五送货' : 'Called back, order resent';
      const target = (await byCaller(caller))!;
      const sum = (await api(hotline.url, 'GET', '/api/voicemails/summary')).body as { mailboxes: Array<{ mailbox: string; new: number; oldestNewAt: string }>; new: number };
      const waitingHere = sum.mailboxes.find((m) => m.mailbox === mailbox)!.new;
      const ofMailbox = (await messages(`&mailbox=${mailbox}`)).map((m) => m.id);
      const ofOther = (await messages(`&mailbox=${other}`)).map((m) => m.id);

      const { page, errors } = await open(locale, 'vm.super', '/voicemail');
      await page.getByRole('link', { name: zh ? '语音留言' : 'Voicemail', exact: true }).waitFor();
      await page.getByRole('heading', { name: zh ? '语音留言' : 'Voicemail' }).waitFor();
      // The summary: every mailbox with its count waiting and how long its oldest has waited; all of them.
      const box = summaryBox(page, mailbox);
      await box.locator('[data-test=vm-summary-count]', { hasText: zh ? `${waitingHere} 条待处理` : `${waitingHere} waiting` }).waitFor();
      expect(await box.locator('[data-test=vm-summary-wait]').innerText()).to.match(zh ? /^最早一条已等待 (不到 1 分钟|\d+ 分钟)$/ : /^oldest waiting (under a minute|\d+ min)$/);
      expect(await page.locator('[data-test=vm-summary-all] [data-test=vm-summary-count]').innerText()).to.equal(zh ? `${sum.new} 条待处理` : `${sum.new} waiting`);
      await showsExactly(page, [...ofMailbox, ...ofOther]);
      await page.locator('[data-test=vm-live][data-state=live]', { hasText: zh ? '实时更新' : 'Updates live' }).waitFor();

      expect(await page.locator('[data-test=vm-filter-status]').innerText()).to.include(zh ? '新留言、已收听、已处理' : 'New, heard and done');
      // Through the summary (zh-CN a click, en the keyboard): the mailbox's messages only, the filter in the address.
      if (zh) await box.click();
      else {
        await box.focus();
        await page.keyboard.press('Enter');
      }
      await showsExactly(page, ofMailbox);
      expect(new URL(page.url()).searchParams.get('mailbox')).to.equal(mailbox);
      expect(await box.getAttribute('aria-pressed')).to.equal('true');
      // Through the address: the other mailbox, as a shared link or a reload shows it.
      await page.goto(`${hotline.url}/voicemail?mailbox=${other}`);
      await showsExactly(page, ofOther);
      expect(await summaryBox(page, other).getAttribute('aria-pressed')).to.equal('true');
      await page.goto(`${hotline.url}/voicemail?mailbox=${mailbox}`);
      await showsExactly(page, ofMailbox);

      // The row: when, mailbox, the customer (linking to their record) and the number, length, status.
      const row = rowOf(page, target.id);
      expect(await row.locator('[data-test=vm-customer]').innerText()).to.equal(name);
      expect(await row.locator('[data-test=vm-customer]').getAttribute('href')).to.match(/^\/customers\?customer=[0-9a-f-]{36}$/);
      expect(await row.locator('[data-test=vm-number]').innerText()).to.equal(caller);
      expect(await row.locator('[data-test=vm-status]').getAttribute('data-status')).to.equal('new');

      // Play: the recording in the page; heard by me, one fewer waiting.
      await row.locator('[data-test=vm-play]').click();
      const seconds = await waitUntil('the recording loaded in the page', async () => {
        const dur = await page.locator('[data-test=vm-audio]').evaluate((a: HTMLAudioElement) => a.duration).catch(() => NaN);
        return Number.isFinite(dur) && dur > 0 ? dur : undefined;
      }, 10_000);
      expect(seconds, 'seconds of audio').to.be.within(1.5, 5);
      await row.locator('[data-test=vm-heard]', { hasText: 'vm.super' }).waitFor();
      await row.locator('[data-test=vm-status][data-status=heard]').waitFor();
      expect(await one(target.id)).to.include({ status: 'heard', heardBy: 'vm.super' });
      await box.locator('[data-test=vm-summary-count]', { hasText: zh ? `${waitingHere - 1} 条待处理` : `${waitingHere - 1} waiting` }).waitFor();
      await screenshot(page, `voicemail-page-${locale}`);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);

      // Done with a note (typed, Enter in the dialog's form through its button).
      await row.locator('[data-test=vm-done]').click();
      const dialog = page.getByRole('dialog', { name: zh ? '标记留言已处理' : 'Mark the message done' });
      await dialog.waitFor();
      await dialogIn(page);
      await dialog.locator('textarea[name=note]').fill(note);
      await screenshot(page, `voicemail-page-done-${locale}`);
      await dialog.locator('[data-test=vm-done-save]').click();
      await dialog.waitFor({ state: 'hidden' });
      await row.locator('[data-test=vm-note]', { hasText: note }).waitFor();
      await row.locator('[data-test=vm-done-by]', { hasText: 'vm.super' }).waitFor();
      expect(await one(target.id)).to.include({ status: 'done', doneBy: 'vm.super', note });

      // The done filter (the status select's option): there it is, after a reload too; Reopen takes it back to heard.
      await page.locator('[data-test=vm-filter-status]').click();
      await page.getByRole('option', { name: zh ? '已处理' : 'Done', exact: true }).click();
      await waitUntil('status=done in the address', () => new URL(page.url()).searchParams.get('status') === 'done' || undefined, 5000);
      await showsExactly(page, [target.id]);
      await page.reload();
      await showsExactly(page, [target.id]);
      await rowOf(page, target.id).locator('[data-test=vm-reopen]').click();
      await showsExactly(page, []);
      await page.locator('[data-test=vm-table]').getByText(zh ? '没有符合筛选条件的留言。' : 'No message matches these filters.').waitFor();
      expect(await one(target.id)).to.include({ status: 'heard', heardBy: 'vm.super', doneBy: null, note });

      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('a filter the server refuses, written in the address, is said in the page\'s language; the page stays and Reset clears it (zh-CN, en)', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const { page, errors } = await open(locale, 'vm.super', '/voicemail?from=notadate&status=lost');
      const alert = page.locator('[data-test=vm-error]');
      await alert.waitFor();
      expect(await alert.innerText()).to.include(locale === 'zh-CN' ? '以下筛选条件无效：状态、开始日期。请修改或重置筛选。' : 'These filters were not accepted: status, from date. Change them or reset the filters.');
      await page.locator('[data-test=vm-summary-all]').waitFor(); // not a blank page
      if (locale === 'en') await screenshot(page, 'voicemail-page-bad-filter-en');
      await alert.locator('[data-test=vm-error-reset]').click();
      await alert.waitFor({ state: 'detached' });
      await waitUntil('the list back', async () => (await shownIds(page)).length >= 4 || undefined, 10_000);
      expect(new URL(page.url()).search).to.equal('');
      expect(await missingKeys(page)).to.deep.equal([]);
      // The refused request's own console line is the only one.
      expect(errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
    }
  });

  it('a message left while the page is open comes live: listed, counted in its mailbox (en)', async () => {
    const { page, errors } = await open('en', 'vm.super', '/voicemail?mailbox=sales');
    await page.locator('[data-test=vm-live][data-state=live]', { hasText: 'Updates live' }).waitFor();
    const waiting = (await api(hotline.url, 'GET', '/api/voicemails/summary')).body.mailboxes.find((m: { mailbox: string }) => m.mailbox === 'sales').new as number;
    const count = summaryBox(page, 'sales').locator('[data-test=vm-summary-count]');
    await count.getByText(`${waiting} waiting`).waitFor();
    assertCallsSucceeded(await call(SALES, CALLERS.late));
    const late = await waitUntil('the late message new', async () => {
      const m = await byCaller(CALLERS.late);
      return m?.status === 'new' ? m : undefined;
    }, 15_000);
    await rowOf(page, late.id).waitFor({ timeout: 10_000 });
    await count.getByText(`${waiting + 1} waiting`).waitFor();
    expect(errors).to.deep.equal([]);
  });

  it('a read-only user reads the list without actions, refreshed every 30 s (zh-CN, en)', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const { page, errors } = await open(locale, 'vm.reader', '/voicemail');
      await waitUntil('the list', async () => (await shownIds(page)).length >= 4 || undefined, 10_000);
      await page.locator('[data-test=vm-live]', { hasText: locale === 'zh-CN' ? '每 30 秒刷新' : 'Refreshed every 30 s' }).waitFor();
      await page.locator('[data-test=vm-summary-mailbox][data-mailbox=sales]').waitFor();
      expect(await page.locator('[data-test=vm-play], [data-test=vm-done], [data-test=vm-reopen]').count()).to.equal(0);
      expect(await page.locator('[data-test=vm-table] th', { hasText: locale === 'zh-CN' ? '操作' : 'Actions' }).count()).to.equal(0);
      await page.locator('[data-test=vm-table] [data-test=vm-note]').first().waitFor(); // the notes people left are read
      await screenshot(page, `voicemail-page-readonly-${locale}`);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    }
  });
});
