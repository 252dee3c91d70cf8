// The admin console's Webhooks tab (Chromium, no Asterisk), in both languages, against a real
// receiver (an HTTP server in this test): an admin adds a webhook (a bad address is named in the
// page's language, nothing stored), copies its secret from the once-only dialog, sends a test and
// sees it delivered (the receiver checked the signature with that secret); a ticket opened through
// the API reaches the receiver as ticket.created; a receiver answering 500 shows as a failed
// attempt with its status, and Retry delivers it once the receiver is back; a new secret signs
// the next request (the old one no longer verifies); turned off, nothing is sent; deleted, it is gone.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { adminLab } from '../support/admin-lab.js';
import { answerQuestion, axeViolations, missingKeys, screenshot } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';

interface Received { event: string; delivery: string; signature: string; raw: string; body: { id: string; event: string; data: Record<string, unknown> } }

/** A receiver that records every request and answers `status` (settable). */
function receiver() {
  const got: Received[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      got.push({ event: String(req.headers['x-hotline-event']), delivery: String(req.headers['x-hotline-delivery']), signature: String(req.headers['x-hotline-signature']), raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status === 200 ? 'ok' : 'broken');
    });
  });
  return { got, state, server };
}

/** The signature header verified as a receiver would: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>. */
function signedWith(r: Received, secret: string): boolean {
  const parts = Object.fromEntries(r.signature.split(',').map((p) => p.split('=') as [string, string]));
  return !!parts.t && parts.v1 === createHmac('sha256', secret).update(`${parts.t}.${r.raw}`).digest('hex');
}

describe('administration console: webhooks (Chromium, a real receiver, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab({ HOTLINE_WEBHOOK_RETRY_MS: '500' });
  const rx = receiver();
  let url = '';
  before(async () => {
    await new Promise<void>((ok) => rx.server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(rx.server.address() as AddressInfo).port}/hooks`;
  });
  after(() => new Promise<void>((ok) => rx.server.close(() => ok())));

  const hooks = async () => (await api(lab.base, 'GET', '/api/webhooks')).body.items as Array<{ id: string; name: string; enabled: boolean; secretHint: string; events: string[] }>;
  const received = (event: string, after = 0) => rx.got.slice(after).filter((r) => r.event === event);
  const notice = (page: Page, text: string) => page.locator('.el-notification', { hasText: text }).first().waitFor();

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`adds a webhook, tests it, sees deliveries and retries, rotates its secret, turns it off and deletes it (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const name = zh ? '工单系统' : 'Ticket bridge';
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=webhooks');
      const tab = page.locator('[data-test=webhooks-admin]');
      await tab.waitFor();
      rx.state.status = 200;

      // A bad address is named in the page's language; nothing is stored.
      await tab.locator('[data-test=new-webhook]').click();
      const form = page.locator('[data-test=webhook-form]');
      await form.locator('input[name=webhook-name]').fill(name);
      await form.locator('input[name=webhook-url]').fill('ftp://files.example.com/in');
      await form.locator('[data-test=webhook-save]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '请输入完整的 http:// 或 https:// 地址。' : 'Enter a full http:// or https:// address.' }).waitFor();
      expect((await hooks()).filter((h) => h.name === name)).to.deep.equal([]);

      // Saved with call.ended (preset) and ticket.created: the secret is shown once.
      await form.locator('input[name=webhook-url]').fill(url);
      await form.locator('[data-event="ticket.created"]').click();
      await screenshot(page, `admin-webhook-form-${locale}`);
      await form.locator('[data-test=webhook-save]').click();
      const secretBox = page.locator('[data-test=webhook-secret]');
      await secretBox.waitFor();
      const secret = await secretBox.locator('input[name=webhook-secret]').inputValue();
      expect(secret.length, 'a long random secret').to.be.greaterThan(20);
      await secretBox.locator('[data-test=webhook-secret-done]').click();
      const hook = (await hooks()).find((h) => h.name === name)!;
      expect(hook.events).to.have.members(['call.ended', 'ticket.created']);
      expect(hook.secretHint).to.equal(secret.slice(-4));
      const row = tab.locator('[data-test=webhooks-table] tr').filter({ has: page.locator(`[data-webhook="${name}"]`) });
      expect(await row.innerText()).to.contain(`…${secret.slice(-4)}`);

      // Send test: the receiver gets a ping signed with that secret; the drawer shows it delivered with the answer.
      let seen = rx.got.length;
      await row.locator('[data-test=webhook-test]').click();
      await waitUntil('the test ping at the receiver', () => received('ping', seen).length === 1);
      const ping = received('ping', seen)[0]!;
      expect(signedWith(ping, secret), 'signed with the secret the dialog showed').to.equal(true);
      expect(ping.delivery).to.equal(ping.body.id);
      await row.locator('[data-test=webhook-deliveries-open]').click();
      const drawer = page.locator('[data-test=webhook-deliveries]');
      const deliveryRow = (id: string) => drawer.locator('tr').filter({ has: page.locator(`[data-delivery="${id}"]`) });
      await waitUntil('the ping delivered in the drawer', async () => {
        await drawer.locator('[data-test=deliveries-refresh]').click();
        return (await deliveryRow(ping.body.id).locator('[data-test=delivery-status]').getAttribute('data-status')) === 'delivered';
      });
      expect(await deliveryRow(ping.body.id).innerText()).to.match(zh ? /HTTP 200，\d+ 毫秒/ : /HTTP 200 in \d+ ms/);

      // A ticket opened through the API reaches the receiver as ticket.created.
      seen = rx.got.length;
      const customer = await api(lab.base, 'POST', '/api/customers', { name: zh ? '周晓' : 'Zhou Xiao', phones: [zh ? '13900139001' : '13900139002'] });
      const customerId = customer.body.id as string;
      const ticket = await api(lab.base, 'POST', '/api/tickets', { title: zh ? '发票寄错地址' : 'Invoice sent to the wrong address', customerId });
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
      // Only this webhook's requests count (signed with its secret): a hook left by an earlier failed case must not hide this one's result.
      const mine = () => received('ticket.created', seen).filter((r) => signedWith(r, secret));
      await waitUntil('ticket.created at the receiver', () => mine().length === 1);

      // The receiver breaks: the test shows a failed attempt with HTTP 500; back up, Retry delivers it.
      rx.state.status = 500;
      seen = rx.got.length;
      await drawer.locator('[data-test=deliveries-refresh]').click();
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await row.locator('[data-test=webhook-test]').click();
      await waitUntil('the failing ping tried', () => received('ping', seen).length >= 1);
      const failing = received('ping', seen)[0]!.body.id;
      await row.locator('[data-test=webhook-deliveries-open]').click();
      await waitUntil('the failed attempt shown with its status', async () => {
        await drawer.locator('[data-test=deliveries-refresh]').click();
        return (await deliveryRow(failing).locator('[data-test=delivery-answer]').count()) > 0 && /500/.test(await deliveryRow(failing).locator('[data-test=delivery-answer]').innerText());
      });
      await screenshot(page, `admin-webhook-deliveries-${locale}`);
      rx.state.status = 200;
      await waitUntil('a retry button or the delivery already retried by itself', async () => {
        await drawer.locator('[data-test=deliveries-refresh]').click();
        const status = await deliveryRow(failing).locator('[data-test=delivery-status]').getAttribute('data-status');
        if (status === 'delivered') return true;
        const retry = deliveryRow(failing).locator('[data-test=delivery-retry]');
        // The delivery may retry by itself between the refresh and the click (the button then
        // leaves the row): a short click that may miss, and the next refresh tells.
        if (await retry.count()) await retry.click({ timeout: 2000 }).catch(() => undefined);
        return false;
      });
      expect(rx.got.filter((r) => r.body.id === failing && r.event === 'ping').length, 'the same delivery id on every try').to.be.greaterThan(1);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // A new secret: shown once; the next request verifies with it and not with the old one.
      await row.locator('[data-test=webhook-rotate]').click();
      await answerQuestion(page, zh ? '更换密钥' : 'New secret', zh ? '更换密钥' : 'New secret');
      await secretBox.waitFor();
      const secret2 = await secretBox.locator('input[name=webhook-secret]').inputValue();
      await secretBox.locator('[data-test=webhook-secret-done]').click();
      expect(secret2).to.not.equal(secret);
      seen = rx.got.length;
      await row.locator('[data-test=webhook-test]').click();
      await waitUntil('a ping after the rotation', () => received('ping', seen).length === 1);
      expect([signedWith(received('ping', seen)[0]!, secret2), signedWith(received('ping', seen)[0]!, secret)]).to.deep.equal([true, false]);

      // Turned off: a ticket sends nothing.
      await row.locator('[data-test=webhook-enabled]').click();
      await notice(page, zh ? `Webhook ${name} 已停用` : `Webhook ${name} is off`);
      expect((await hooks()).find((h) => h.name === name)!.enabled).to.equal(false);
      seen = rx.got.length;
      expect((await api(lab.base, 'POST', '/api/tickets', { title: zh ? '停用后的工单' : 'A ticket while off', customerId })).status).to.equal(201);
      await new Promise((r) => setTimeout(r, 2500));
      expect(received('ticket.created', seen), 'nothing sent while off').to.deep.equal([]);
      await screenshot(page, `admin-webhooks-${locale}`);

      // Deleted (confirmed): gone from the page and the API.
      await row.locator('[data-test=webhook-delete]').click();
      await answerQuestion(page, zh ? '删除' : 'Delete', zh ? '删除' : 'Delete');
      await notice(page, zh ? `Webhook ${name} 已删除` : `Webhook ${name} deleted`);
      await row.waitFor({ state: 'detached' });
      expect((await hooks()).filter((h) => h.name === name)).to.deep.equal([]);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }
});
