// The tickets page (/tickets, 工单) as agents work it (Chromium against the real Hotline, no
// Asterisk), in both languages: the list filtered to my tickets and by words; a ticket opened by
// its number shows its customer and SLA; Start work, a comment for the customer (the first
// response), a higher priority, Resolve and Reopen, each in the history in the page's words and
// checked through the API; an empty comment is refused; a move the ticket no longer allows (it
// was closed meanwhile) is refused in the page's language and changes nothing; a read-only user
// reads without the buttons.
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { appText, axeViolations, missingKeys, screenshot, signIn } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';

interface Ticket { id: string; number: string; status: string; priority: string; assigneeId: string | null; sla: { firstRespondedAt: string | null } }

describe('tickets page: the work list and a ticket worked through (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();
  const PASSWORD = 'Tickets-page-test-2026!';

  const user = async (username: string, role: string) => {
    const r = await api(lab.base, 'POST', '/api/users', { username, password: PASSWORD, role, displayName: username, passwordChangeRequired: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id as string;
  };
  const ticket = async (id: string) => (await api(lab.base, 'GET', `/api/tickets/${id}`)).body as Ticket;

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`an agent finds their ticket, works it through and comments; a stale move is refused; read-only reads (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = zh ? 'zh' : 'en';
      const agentId = await user(`tk.agent-${tag}`, 'agent');
      const customer = await api(lab.base, 'POST', '/api/customers', { name: zh ? '李女士' : 'Ms Li', phones: [zh ? '13900001111' : '13900002222'] });
      expect(customer.status).to.equal(201);
      const mine = await api(lab.base, 'POST', '/api/tickets', { title: zh ? '宽带无法连接' : 'Broadband down', customerId: customer.body.id, assigneeId: agentId, description: zh ? '客户家中光猫红灯' : 'The modem shows a red light' });
      const other = await api(lab.base, 'POST', '/api/tickets', { title: zh ? '发票重开' : 'Invoice again', customerId: customer.body.id });
      expect([mine.status, other.status]).to.deep.equal([201, 201]);
      const number = mine.body.number as string;

      const c = await lab.open(locale);
      const { page, errors } = c;
      await signIn(page, lab.base, `tk.agent-${tag}`, PASSWORD, '/tickets');
      const table = page.locator('[data-test=tickets-table]');
      await table.locator(`[data-ticket="${number}"]`).waitFor();
      await table.locator(`[data-ticket="${other.body.number}"]`).waitFor();
      // Mine: only the ticket assigned to me.
      await page.locator('[data-test=filter-mine]').click();
      await table.locator(`[data-ticket="${other.body.number}"]`).waitFor({ state: 'detached' });
      expect(await table.locator('[data-ticket]').allInnerTexts()).to.deep.equal([number]);

      // Opened by its number: the customer and the SLA.
      await table.locator(`[data-ticket="${number}"]`).click();
      const drawer = page.locator('[data-test=ticket-drawer]');
      await drawer.getByText(zh ? '李女士' : 'Ms Li').waitFor();
      expect(await drawer.locator('[data-test=sla-first]').innerText()).to.match(zh ? /首次响应：.*到期/ : /First response: due/);
      expect(page.url()).to.contain(`ticket=${number}`);

      // Start work; a comment for the customer is the first response; a higher priority.
      await drawer.locator('[data-move=in_progress]').click();
      await drawer.locator('[data-test=ticket-status]', { hasText: zh ? '处理中' : 'In progress' }).waitFor();
      expect((await ticket(number)).status).to.equal('in_progress');
      await drawer.locator('[data-test=ticket-comment-save]').click();
      await drawer.getByRole('alert').filter({ hasText: zh ? '请填写评论' : 'Write the comment' }).waitFor();
      await drawer.locator('textarea[name=comment]').fill(zh ? '已安排工程师明天上门' : 'An engineer comes tomorrow');
      await drawer.getByText(zh ? '客户可见' : 'For the customer', { exact: true }).click();
      await drawer.locator('[data-test=ticket-comment-save]').click();
      await drawer.locator('[data-test=ticket-comments]').getByText(zh ? '已安排工程师明天上门' : 'An engineer comes tomorrow').waitFor();
      await waitUntil('the first response', async () => (await ticket(number)).sla.firstRespondedAt !== null || undefined, 5000);
      await drawer.locator('[data-test=sla-first]', { hasText: zh ? '已达成' : 'met' }).waitFor();
      await drawer.locator('[data-test=ticket-priority]').click();
      await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: zh ? '紧急' : 'Urgent' }).click();
      await waitUntil('the new priority', async () => (await ticket(number)).priority === 'urgent' || undefined, 5000);

      // Resolve, then Reopen; the history says each in the page's words.
      await drawer.locator('[data-move=resolved]').click();
      await drawer.locator('[data-test=ticket-status]', { hasText: zh ? '已解决' : 'Resolved' }).waitFor();
      await drawer.locator('[data-move=reopened]').click();
      await drawer.locator('[data-test=ticket-status]', { hasText: zh ? '已重开' : 'Reopened' }).waitFor();
      expect((await ticket(number)).status).to.equal('reopened');
      const history = await drawer.locator('[data-test=ticket-history]').innerText();
      for (const line of zh ? ['状态：新建 → 处理中', '优先级：普通 → 紧急', '状态：已解决 → 已重开', '添加客户可见评论'] : ['Status: New → In progress', 'Priority: Normal → Urgent', 'Status: Resolved → Reopened', 'Comment for the customer added']) {
        expect(history, line).to.contain(line);
      }
      await screenshot(page, `tickets-${locale}`);

      // Closed meanwhile (another user): Start work is refused in the page's language, nothing changes.
      expect((await api(lab.base, 'PATCH', `/api/tickets/${number}`, { status: 'closed' })).status).to.equal(200);
      await drawer.locator('[data-move=in_progress]').click();
      await drawer.locator('[data-test=ticket-error]', { hasText: zh ? '处于“已关闭”的工单不能变为“处理中”' : 'A ticket that is Closed cannot become In progress' }).waitFor();
      expect((await ticket(number)).status).to.equal('closed');
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);

      // Read-only: reads the ticket, no buttons, no comment form.
      await user(`tk.viewer-${tag}`, 'readonly');
      const v = await lab.open(locale);
      await signIn(v.page, lab.base, `tk.viewer-${tag}`, PASSWORD, `/tickets?ticket=${number}`);
      const read = v.page.locator('[data-test=ticket-drawer]');
      await read.locator('[data-test=ticket-status]').waitFor();
      expect(await read.locator('[data-test=ticket-moves]').count()).to.equal(0);
      expect(await read.locator('[data-test=ticket-comment-form]').count()).to.equal(0);
      expect(await appText(v.page)).to.not.equal('');
      expect(v.errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the list and an open ticket', async () => {
    const c = await lab.signedIn('en', '/tickets');
    await c.page.locator('[data-test=tickets-table] [data-ticket]').first().waitFor();
    const serious = async () => (await axeViolations(c.page)).filter((x) => x.impact === 'serious' || x.impact === 'critical');
    const onList = await serious();
    expect(onList, JSON.stringify(onList, null, 1)).to.deep.equal([]);
    await c.page.locator('[data-test=tickets-table] [data-ticket]').first().click();
    await c.page.locator('[data-test=ticket-drawer] [data-test=ticket-status]').waitFor();
    const inDrawer = await serious();
    expect(inDrawer, JSON.stringify(inDrawer, null, 1)).to.deep.equal([]);
  });
});
