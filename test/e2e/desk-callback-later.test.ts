// Call back later (预约回电) from the agent desk (Chromium, real Asterisk, a SIPp caller, the
// WebRTC phone): after a real call, the work on the call schedules a callback for the time the
// customer prefers (the caller's number and the call's queue filled in); the server holds it as
// `scheduled` with that time and nothing in Asterisk's queue; My day lists it with its time and
// cancels it (asked first). A time that has passed is named under its field and nothing is stored.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { answerQuestion, missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, QUEUE, setupDeskLab, takeCallToWrapUp } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import type { SippCall } from '../support/sipp.js';

interface Callback { id: string; number: string; queue: string; status: string; nextAt: string | null }

describe('desk: call back later (预约回电) after a real call (Chromium, real Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const pages: ConsolePage[] = [];
  let call: SippCall | undefined;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
    await setupDeskLab(hotline.url, 60, false);
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

  const openCallbacks = async () => (await api(hotline.url, 'GET', `/api/acd/callbacks?queue=${QUEUE}&status=open`)).body.items as Callback[];
  const settled = (page: Page) => page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });

  /** A real call from `caller` answered on the desk's phone and hung up: the agent is in wrap-up with the call's work open. */
  async function afterCall(locale: 'zh-CN' | 'en', caller: string, name: string, endpoint: string) {
    const agent = await createDeskAgent(hotline.url, name, endpoint);
    const desk = await openDesk(hotline.url, agent, locale);
    pages.push(desk);
    const { page } = desk;
    call = await takeCallToWrapUp(page, caller);
    await page.locator('[data-test=call-work] .el-tabs__item', { hasText: locale === 'zh-CN' ? '预约回电' : 'Call back' }).click();
    const form = page.locator('[data-test=callback-later]');
    await form.waitFor();
    return { ...desk, form };
  }

  it('tomorrow at 9:00: held by the server as scheduled, nothing in the queue yet; My day shows it with its time and cancels it; a past time is refused (zh-CN)', async () => {
    const caller = '13900139071';
    const { page, errors, form } = await afterCall('zh-CN', caller, '孙丽', 'e2e-cb-later');
    expect(await form.locator('input[name=callback-number]').inputValue(), 'the caller\'s number').to.equal(caller);
    expect(await form.locator('[data-test=callback-queue]').innerText(), 'the call\'s queue').to.contain(QUEUE);

    // A day and time that has passed: named under the field, nothing stored.
    await form.locator('[data-preset=pick]').click();
    const picker = form.locator('.el-date-editor input').first();
    await picker.fill(new Date(Date.now() - 3_600_000).toLocaleString('sv-SE').slice(0, 16).replace('T', ' ') + ':00');
    await picker.press('Enter');
    await form.locator('[data-test=callback-save]').click();
    await form.locator('.el-form-item__error', { hasText: '请选择尚未过去的时间。' }).waitFor();
    expect(await openCallbacks()).to.deep.equal([]);

    await form.locator('[data-preset=tomorrow9]').click();
    const tomorrow9 = new Date();
    tomorrow9.setDate(tomorrow9.getDate() + 1);
    tomorrow9.setHours(9, 0, 0, 0);
    await form.locator('[data-test=callback-preview]', { hasText: `回电 ${caller}` }).waitFor();
    expect(await form.locator('[data-test=callback-preview]').innerText()).to.contain('09:00');
    await settled(page);
    await screenshot(page, 'desk-callback-later-zh-CN');
    await form.locator('[data-test=callback-save]').click();
    await page.locator('.el-notification', { hasText: `回电 ${caller}` }).first().waitFor();
    const [cb] = await waitUntil('the scheduled callback', async () => {
      const items = await openCallbacks();
      return items.length ? items : undefined;
    });
    expect(cb).to.include({ number: caller, queue: QUEUE, status: 'scheduled', nextAt: tomorrow9.toISOString() });
    expect(cli(`queue show ${QUEUE}`), 'nothing in the queue before its time').to.not.contain('hotline-callback-place');

    // My day: listed as scheduled with its time; cancelled (asked first).
    await page.locator('[data-test=my-day] .el-tabs__item', { hasText: '回呼' }).click();
    const row = page.locator(`[data-test=my-callback][data-status=scheduled]`, { hasText: caller });
    await row.waitFor();
    expect(await row.innerText()).to.contain('已预约');
    expect(await row.locator('[data-test=my-callback-at]').innerText()).to.contain('09:00');
    await settled(page);
    await screenshot(page, 'desk-callback-myday-zh-CN');
    await row.locator('[data-test=my-callback-cancel]').click();
    await answerQuestion(page, '取消回电', '取消回电');
    await page.locator('.el-notification', { hasText: `已取消对 ${caller} 的回电` }).first().waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await openCallbacks()).to.deep.equal([]);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('in an hour: the preview says when, the server holds that time (en)', async () => {
    const caller = '13900139072';
    const { page, errors, form } = await afterCall('en', caller, 'Lily Sun', 'e2e-cb-later-en');
    await form.locator('[data-preset="1h"]').click();
    await form.locator('[data-test=callback-preview]', { hasText: `${caller} is called back` }).waitFor();
    await settled(page);
    await screenshot(page, 'desk-callback-later-en');
    const before = Date.now();
    await form.locator('[data-test=callback-save]').click();
    await page.locator('.el-notification', { hasText: `Callback to ${caller} scheduled` }).first().waitFor();
    const cb = await waitUntil('the scheduled callback', async () => (await openCallbacks()).find((c) => c.number === caller));
    expect(cb.status).to.equal('scheduled');
    const ahead = Date.parse(cb.nextAt!) - before;
    expect(ahead, 'an hour ahead, rounded up to 5 minutes').to.be.within(3_600_000, 3_600_000 + 5 * 60_000 + 5000);
    expect((await api(hotline.url, 'DELETE', `/api/acd/callbacks/${cb.id}`)).status).to.equal(200);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
