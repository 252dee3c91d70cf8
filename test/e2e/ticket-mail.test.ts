// A reply e-mailed to the customer from the ticket drawer (工单回复邮件; Chromium against the real
// Hotline with a real SMTP server the test starts, no Asterisk), in both languages: "for the
// customer" offers to e-mail the first address on the customer's card; the comment then says it
// was e-mailed, and the mail arrived framed in the page's language; a customer without an
// address gets a hint instead of the option; a mail server that refuses every try leaves the
// comment marked failed with the server's answer.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines } from '../support/hotline.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

describe('tickets: a reply e-mailed to the customer from the drawer (Chromium, real SMTP, no Asterisk)', function () {
  this.timeout(180_000);
  const PASSWORD = 'Ticket-mail-test-2026!';
  let db: TestDb;
  let smtp: TestSmtp;
  let base = '';
  const pages: ConsolePage[] = [];

  before(async () => {
    db = await createTestDb('sqlite');
    smtp = await startSmtp();
    base = (await startHotlineWithoutPbx({ ...db.env, HOTLINE_SMTP_HOST: '127.0.0.1', HOTLINE_SMTP_PORT: String(smtp.port), HOTLINE_SMTP_FROM: 'service@hotline.test', HOTLINE_REPORT_MAIL_ATTEMPTS: '2', HOTLINE_REPORT_MAIL_RETRY_SECONDS: '1' })).url;
    const r = await api(base, 'POST', '/api/users', { username: 'mail.agent', password: PASSWORD, role: 'agent', displayName: '陈晨', passwordChangeRequired: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    smtp?.rejectAll(false);
  });
  after(async () => {
    await stopAllHotlines();
    await smtp?.close();
    await db?.drop();
  });

  async function ticketOf(name: string, phone: string, emails: string[], title: string) {
    const c = await api(base, 'POST', '/api/customers', { name, phones: [phone], emails });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    const t = await api(base, 'POST', '/api/tickets', { title, customerId: c.body.id });
    expect(t.status, JSON.stringify(t.body)).to.equal(201);
    return t.body.number as string;
  }
  async function drawerOf(locale: 'zh-CN' | 'en', number: string) {
    const c = await openConsole(locale);
    pages.push(c);
    await signIn(c.page, base, 'mail.agent', PASSWORD, `/tickets?ticket=${number}`);
    const drawer = c.page.locator('[data-test=ticket-drawer]');
    await drawer.locator('[data-test=ticket-status]').waitFor();
    return { ...c, drawer };
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`the reply for the customer is e-mailed when asked; the comment says so and the mail is in the page's language (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const number = await ticketOf(zh ? '王芳' : 'Jane Wang', zh ? '13900003331' : '13900003332', [zh ? 'wangfang@example.cn' : 'jane@example.com'], zh ? '宽带无法连接' : 'Broadband down');
      const to = zh ? 'wangfang@example.cn' : 'jane@example.com';
      const { page, drawer, errors } = await drawerOf(locale, number);
      const form = drawer.locator('[data-test=ticket-comment-form]');
      expect(await form.locator('[data-test=ticket-comment-email]').count(), 'an internal note is never mailed').to.equal(0);
      await form.getByText(zh ? '客户可见' : 'For the customer', { exact: true }).click();
      const option = form.locator('[data-test=ticket-comment-email]');
      expect(await option.innerText()).to.equal(zh ? `同时以邮件发送给客户（${to}）` : `Also e-mail it to the customer (${to})`);
      await option.click();
      const reply = zh ? '师傅明天上午 9 点上门检修。' : 'An engineer comes tomorrow at 9.';
      await form.locator('textarea[name=comment]').fill(reply);
      const before = smtp.received.length;
      await form.locator('[data-test=ticket-comment-save]').click();
      await page.locator('.el-notification', { hasText: zh ? `正在以邮件发送给 ${to}` : `it is being e-mailed to ${to}` }).first().waitFor();
      const line = drawer.locator('[data-test=comment-email][data-state=sent]');
      await line.waitFor({ timeout: 20_000 });
      expect(await line.innerText()).to.match(zh ? new RegExp(`^已发邮件至 ${to}（.+）$`) : new RegExp(`^E-mailed to ${to} \\(.+\\)$`));
      expect(smtp.received.length - before).to.equal(1);
      const msg = smtp.received.at(-1)!;
      expect(msg.subject).to.equal(zh ? `【工单 ${number}】宽带无法连接` : `[Ticket ${number}] Broadband down`);
      expect(msg.text).to.contain(reply);
      expect(await form.locator('[data-test=ticket-comment-email] input').isChecked(), 'the option is cleared for the next comment').to.equal(false);
      await screenshot(page, `ticket-mail-${locale}`);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('a customer without an address gets a hint, not the option; a mail server that refuses every try leaves the comment marked failed with its answer (zh-CN)', async () => {
    const bare = await ticketOf('赵先生', '13900003333', [], '发票重开');
    const first = await drawerOf('zh-CN', bare);
    await first.drawer.getByText('客户可见', { exact: true }).click();
    await first.drawer.locator('[data-test=ticket-comment-no-email]', { hasText: '客户没有邮箱地址' }).waitFor();
    expect(await first.drawer.locator('[data-test=ticket-comment-email]').count()).to.equal(0);

    const number = await ticketOf('钱女士', '13900003334', ['qian@example.cn'], '退款进度');
    smtp.rejectAll(true);
    const { page, drawer, errors } = await drawerOf('zh-CN', number);
    await drawer.getByText('客户可见', { exact: true }).click();
    await drawer.locator('[data-test=ticket-comment-email]').click();
    await drawer.locator('textarea[name=comment]').fill('退款已提交。');
    await drawer.locator('[data-test=ticket-comment-save]').click();
    const failed = drawer.locator('[data-test=comment-email][data-state=failed]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.innerText()).to.match(/^邮件（qian@example\.cn）发送失败：.*554/);
    expect(await drawer.locator('[data-test=ticket-comments]').innerText()).to.contain('退款已提交。');
    await screenshot(page, 'ticket-mail-failed-zh-CN');
    expect(errors).to.deep.equal([]);
  });
});
