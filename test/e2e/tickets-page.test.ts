// The tickets page (/tickets, 工单) as agents work it (Chromium against the real Hotline, no
// Asterisk), in both languages: the list filtered to my tickets and by words; a ticket opened by
// its number shows its customer and SLA; Start work, a comment for the customer (the first
// response), a higher priority, Resolve and Reopen, each in the history in the page's words and
// checked through the API; an empty comment is refused; a move the ticket no longer allows (it
// was closed meanwhile) is refused in the page's language and changes nothing; a read-only user
// reads without the buttons. A supervisor assigns a ticket to an agent picked by name (typed and
// chosen from the keyboard); the drawer, the list, the comments and the history name people; a
// person disabled meanwhile is refused in the page's language and nothing changes; Unassign.
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { appText, axeViolations, missingKeys, screenshot, signIn } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';

interface Ticket { id: string; number: string; status: string; priority: string; assigneeId: string | null; assigneeName: string | null; sla: { firstRespondedAt: string | null } }

describe('tickets page: the work list and a ticket worked through (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();
  const PASSWORD = 'Tickets-page-test-2026!';

  const user = async (username: string, role: string, displayName = username) => {
    const r = await api(lab.base, 'POST', '/api/users', { username, password: PASSWORD, role, displayName, passwordChangeRequired: false });
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
      expect(await table.locator('[data-test=row-assignee]').allInnerTexts()).to.deep.equal([`tk.agent-${tag}`]);
      await table.locator(`[data-ticket="${number}"]`).click();
      const drawer = page.locator('[data-test=ticket-drawer]');
      await drawer.getByText(zh ? '李女士' : 'Ms Li').waitFor();
      expect(await drawer.locator('[data-test=ticket-customer]').getAttribute('href'), 'the customer links to their record').to.equal(`/customers?customer=${customer.body.id}`);
      expect(await drawer.locator('[data-test=ticket-assignee]').innerText()).to.equal(zh ? '我' : 'me');
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
      expect(await read.locator('[data-test=ticket-assign]').count()).to.equal(0);
      expect(await read.locator('[data-test=ticket-assignee]').innerText()).to.equal(`tk.agent-${tag}`);
      expect(await appText(v.page)).to.not.equal('');
      expect(v.errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`a supervisor assigns a ticket to an agent by name; names everywhere; a disabled person is refused; unassign (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = zh ? 'zh' : 'en';
      const supName = zh ? '王班长' : 'Sam Super';
      const agentName = zh ? '赵敏' : 'Zhao Min';
      const laterName = zh ? '钱多多' : 'Qian Duo';
      await user(`as.sup-${tag}`, 'supervisor', supName);
      const agentId = await user(`as.agent-${tag}`, 'agent', agentName);
      const laterId = await user(`as.later-${tag}`, 'agent', laterName);
      await user(`as.viewer-${tag}`, 'readonly', zh ? '孙只读' : 'Read Only');
      const customer = await api(lab.base, 'POST', '/api/customers', { name: zh ? '周先生' : 'Mr Zhou', phones: [zh ? '13900003333' : '13900004444'] });
      const made = await api(lab.base, 'POST', '/api/tickets', { title: zh ? '退款未到账' : 'Refund not received', customerId: customer.body.id });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      const number = made.body.number as string;

      const c = await lab.open(locale);
      const { page, errors } = c;
      await signIn(page, lab.base, `as.sup-${tag}`, PASSWORD, `/tickets?ticket=${number}`);
      const drawer = page.locator('[data-test=ticket-drawer]');
      await drawer.locator('[data-test=ticket-assignee]', { hasText: zh ? '未分配' : 'nobody' }).waitFor();

      // Assign to…: typed and chosen from the keyboard; read-only users are not offered.
      const select = drawer.locator('[data-test=assign-to]');
      await select.click();
      const options = page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item');
      await options.first().waitFor();
      const offered = await options.allInnerTexts();
      expect(offered.some((o) => o.includes(agentName)), offered.join(' | ')).to.equal(true);
      expect(offered.some((o) => o.includes(zh ? '孙只读' : 'Read Only')), 'read-only users are not offered').to.equal(false);
      await page.keyboard.type(zh ? '赵' : 'zhao');
      await options.filter({ hasText: agentName }).waitFor();
      expect(await options.count(), 'only the match is left').to.equal(1);
      await screenshot(page, `tickets-assign-to-${locale}`);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await drawer.locator('[data-test=ticket-assignee]', { hasText: agentName }).waitFor();
      await waitUntil('the assignee', async () => (await ticket(number)).assigneeId === agentId || undefined, 5000);
      expect((await ticket(number)).assigneeName).to.equal(agentName);
      const history = drawer.locator('[data-test=ticket-history]');
      await history.getByText(zh ? `处理人：— → ${agentName}` : `Assignee: — → ${agentName}`).waitFor();
      expect(await history.innerText()).to.contain(supName);
      // The list says who: by name.
      const row = page.locator('[data-test=tickets-table] tr', { has: page.locator(`[data-ticket="${number}"]`) });
      await row.locator('[data-test=row-assignee]', { hasText: agentName }).waitFor();

      // A comment shows its author by name.
      await drawer.locator('textarea[name=comment]').fill(zh ? '请赵敏今天联系客户' : 'Zhao Min, please call the customer today');
      await drawer.locator('[data-test=ticket-comment-save]').click();
      await drawer.locator('[data-test=ticket-comments] [data-test=comment-author]', { hasText: supName }).waitFor();

      // Disabled after the list was loaded: refused in the page's language, nothing changes.
      expect((await api(lab.base, 'PATCH', `/api/users/${laterId}`, { disabled: true })).status).to.equal(200);
      await select.click();
      await options.filter({ hasText: laterName }).click();
      await drawer.locator('[data-test=ticket-error]', { hasText: zh ? `${laterName} 已被停用，不能分配工单。` : `${laterName} is disabled and cannot be given tickets.` }).waitFor();
      expect((await ticket(number)).assigneeId).to.equal(agentId);
      expect(await drawer.locator('[data-test=ticket-assignee]').innerText()).to.equal(agentName);
      await screenshot(page, `tickets-assigned-${locale}`);
      // … and is no longer offered.
      await select.click();
      await options.first().waitFor();
      expect((await options.allInnerTexts()).some((o) => o.includes(laterName)), 'a disabled person is not offered again').to.equal(false);
      await drawer.locator('[data-test=ticket-assignee]').click(); // closes the list
      await options.first().waitFor({ state: 'hidden' });

      // Unassign.
      await drawer.locator('[data-test=unassign]').click();
      await drawer.locator('[data-test=ticket-assignee]', { hasText: zh ? '未分配' : 'nobody' }).waitFor();
      await waitUntil('no assignee', async () => (await ticket(number)).assigneeId === null || undefined, 5000);
      await history.getByText(zh ? `处理人：${agentName} → —` : `Assignee: ${agentName} → —`).waitFor();
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await row.getByText(zh ? '未分配' : 'nobody').waitFor();
      await screenshot(page, `tickets-list-${locale}`);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
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
  it('in a center of more people than the picker loads, typing asks the server: someone past the first 200 is found and assigned (en)', async () => {
    // 230 agents whose names sort first, straight into the database (the API hashes a password each).
    const now = new Date().toISOString().replace('T', ' ').slice(0, 23);
    const rows = Array.from({ length: 230 }, (_, i) => [`bulk-${String(i).padStart(3, '0')}-${Date.now()}`, `bulk.agent.${i}`, `Bulk Agent ${String(i).padStart(3, '0')}`]);
    await lab.db.exec(
      `INSERT INTO users (id, username, display_name, role, source, created_at, updated_at) VALUES ${rows.map(() => "(?, ?, ?, 'agent', 'local', ?, ?)").join(', ')}`,
      rows.flatMap((r) => [...r, now, now]),
    );
    const wantedId = await user('zz.wanted', 'agent', 'Zz Wanted Person');
    const all = (await api(lab.base, 'GET', '/api/ticket-assignees?limit=1000')).body as { items: Array<{ id: string }>; total: number };
    expect(all.items.findIndex((p) => p.id === wantedId), 'sorted past the first 200').to.be.at.least(200);
    const customer = await api(lab.base, 'POST', '/api/customers', { name: 'Ms Large', phones: ['13900005555'] });
    const made = await api(lab.base, 'POST', '/api/tickets', { title: 'Many people here', customerId: customer.body.id });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);

    const { page, errors } = await lab.signedIn('en', `/tickets?ticket=${made.body.number}`);
    const drawer = page.locator('[data-test=ticket-drawer]');
    const select = drawer.locator('[data-test=assign-to]');
    await select.click();
    const options = page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item');
    await options.first().waitFor();
    expect(await options.count(), 'the first 200 are listed at once').to.equal(200);
    expect((await options.allInnerTexts()).some((o) => o.includes('Zz Wanted')), 'not among them').to.equal(false);
    await page.keyboard.type('wanted');
    await options.filter({ hasText: 'Zz Wanted Person' }).waitFor();
    expect(await options.count(), 'the server found the one match').to.equal(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await drawer.locator('[data-test=ticket-assignee]', { hasText: 'Zz Wanted Person' }).waitFor();
    await waitUntil('the assignee', async () => (await ticket(made.body.number)).assigneeId === wantedId || undefined, 5000);
    expect(errors).to.deep.equal([]);
  });
});
