// The customers page (/customers, 客户) as agents and supervisors use it (Chromium against the real
// Hotline, no Asterisk), in both languages: a customer found by a phone number written another
// way, by its last four digits, by words of the name and by tag; opened (its tickets, the
// timeline), edited (region, one more phone written with spaces, a field of its own) and checked
// through the API; a phone that is another customer's is refused in the page's language and nothing
// changes; a follow-up planned and done, one for a colleague picked by name; a note. A supervisor adds a customer and deletes it,
// merges a duplicate found by its phone (its phones move here, it is listed no more, its old ID
// opens the survivor and says so), links it to a new company with a role and unlinks it, and
// exports the search (the sheet lists the page's customers); a read-only user reads without the
// buttons; agents get neither merge nor delete. The Companies view: companies with their contact
// count, one created (a name is needed), edited, a contact added by the last digits of a phone and
// opened (its record leads back to the company), the company deleted (its contacts stay customers);
// a read-only user reads it without the buttons.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { answerQuestion, appText, axeViolations, missingKeys, screenshot, signIn } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';
import { seedCall } from '../support/call-records.js';

interface Customer { id: string; name: string; phones: string[]; region: string; customFields: Record<string, unknown>; mergedFrom?: string }

describe('customers page: find, open, edit, note, merge and delete customers (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();
  const PASSWORD = 'Customers-page-test-2026!';

  const user = async (username: string, role: string) => {
    const r = await api(lab.base, 'POST', '/api/users', { username, password: PASSWORD, role, displayName: username, passwordChangeRequired: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  };
  const customer = async (body: Record<string, unknown>) => {
    const r = await api(lab.base, 'POST', '/api/customers', body);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as Customer;
  };
  const read = async (id: string) => (await api(lab.base, 'GET', `/api/customers/${id}`)).body as Customer;
  /** For a screenshot: the drawer has slid all the way in. */
  const drawerIn = (page: import('playwright-core').Page) => waitUntil('the drawer in place', async () => {
    const box = await page.locator('.el-drawer').boundingBox();
    return (box && box.x + box.width <= (page.viewportSize()?.width ?? 0) + 1) || undefined;
  }, 5000);

  it('with no customer yet, says how to add one (zh-CN); a search that finds none says how phones are matched (en)', async () => {
    const zh = await lab.signedIn('zh-CN', '/customers');
    await zh.page.locator('[data-test=customers-table]').getByText('还没有客户：可在此新建，或导入客户名单（系统管理 → 导入导出）。').waitFor();
    const en = await lab.signedIn('en', '/customers');
    await en.page.locator('[data-test=customers-table]').getByText('No customers yet').waitFor();
    await en.page.locator('[data-test=filter-q]').fill('1380013');
    await en.page.locator('[data-test=filter-q]').press('Enter');
    await en.page.locator('[data-test=customers-table]').getByText('No customer matches. Numbers are found by any three or more of their digits in a row (such as the last four).').waitFor();
    expect(await missingKeys(zh.page)).to.deep.equal([]);
    expect([...zh.errors, ...en.errors]).to.deep.equal([]);
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`an agent finds a customer by a phone written another way, its last digits, name and tag, edits it, is refused another's phone, plans a follow-up (one for a colleague), adds a note (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const n = zh ? '1' : '2';
      await user(`cu.agent-${locale}`, 'agent');
      const mateName = zh ? `李雷${n}` : `Li Lei ${n}`;
      const mateMade = await api(lab.base, 'POST', '/api/users', { username: `cu.mate-${locale}`, password: PASSWORD, role: 'agent', displayName: mateName, passwordChangeRequired: false });
      expect(mateMade.status).to.equal(201);
      const mate = mateMade.body.id as string;
      const zhang = await customer({ name: zh ? '张伟' : 'Zhang Wei', phones: [`1380000${n}001`], tags: ['gold'], region: zh ? '北京' : 'Beijing', company: zh ? '华联商贸' : 'Hualian Trading' });
      const li = await customer({ name: zh ? '李娜' : 'Li Na', phones: [`1380000${n}002`], region: zh ? '上海' : 'Shanghai' });
      const tk = await api(lab.base, 'POST', '/api/tickets', { title: zh ? '发票抬头错误' : 'Wrong invoice title', customerId: zhang.id });
      expect(tk.status).to.equal(201);

      const { page, errors } = await lab.open(locale);
      await signIn(page, lab.base, `cu.agent-${locale}`, PASSWORD, '/customers');
      await page.getByRole('link', { name: zh ? '客户' : 'Customers', exact: true }).waitFor();
      const table = page.locator('[data-test=customers-table]');
      await table.locator(`[data-customer="${zhang.id}"]`).waitFor();
      await table.locator(`[data-customer="${li.id}"]`).waitFor();

      // A phone written with dashes and a country code finds its customer (typed, Enter).
      const q = page.locator('[data-test=filter-q]');
      await q.fill(`+86 138-0000-${n}001`);
      await q.press('Enter');
      await table.locator(`[data-customer="${li.id}"]`).waitFor({ state: 'detached' });
      expect(await table.locator('[data-customer]').count()).to.equal(1);
      // The last four digits (尾号) find it too.
      await q.fill(`${n}002`);
      await q.press('Enter');
      await table.locator(`[data-customer="${zhang.id}"]`).waitFor({ state: 'detached' });
      await table.locator(`[data-customer="${li.id}"]`).waitFor();
      expect(await table.locator('[data-customer]').count()).to.equal(1);
      // Words of the name; then a tag.
      await q.fill(zh ? '李' : 'Li N');
      await q.press('Enter');
      await table.locator(`[data-customer="${zhang.id}"]`).waitFor({ state: 'detached' });
      await table.locator(`[data-customer="${li.id}"]`).waitFor();
      await q.fill('');
      await page.locator('[data-test=filter-tag]').fill('gold');
      await page.locator('[data-test=customers-find]').click();
      await table.locator(`[data-customer="${li.id}"]`).waitFor({ state: 'detached' });
      await table.locator(`[data-customer="${zhang.id}"]`).waitFor();
      const zhangRow = table.locator('tr', { has: page.locator(`[data-customer="${zhang.id}"]`) });
      expect(await zhangRow.locator('[data-test=row-tags]').innerText()).to.equal('gold');
      await screenshot(page, `customers-list-${locale}`);

      // Opened: its ticket and the timeline; its ID in the address.
      await table.locator(`[data-customer="${zhang.id}"]`).click();
      const drawer = page.locator('[data-test=customer-drawer]');
      await drawer.locator(`[data-ticket="${tk.body.number}"]`).waitFor();
      expect(page.url()).to.contain(`customer=${zhang.id}`);
      const timeline = drawer.locator('[data-test=customer-timeline]');
      await timeline.getByText(zh ? `新建工单 ${tk.body.number}` : `Ticket ${tk.body.number} opened`, { exact: false }).waitFor();
      expect(await timeline.locator('a[data-kind=ticket]').getAttribute('href'), 'the ticket entry opens the ticket').to.equal(`/tickets?ticket=${tk.body.number}`);
      // A ticket without a call (an e-mail came in): refused without a title; then listed here.
      await drawer.locator('[data-test=customer-new-ticket-open]').click();
      const newTicket = drawer.locator('[data-test=customer-new-ticket]');
      await newTicket.locator('[data-test=new-ticket-save]').click();
      await newTicket.locator('.el-form-item__error', { hasText: zh ? '请填写工单标题。' : 'Give the ticket a title.' }).waitFor();
      const emailed = zh ? '邮件：要求寄送纸质发票' : 'E-mail: wants a paper invoice';
      await newTicket.locator('input[name=title]').fill(emailed);
      await newTicket.locator('textarea[name=description]').fill(zh ? '客户来信' : 'Sent by e-mail');
      await newTicket.locator('[data-test=new-ticket-save]').click();
      await newTicket.waitFor({ state: 'detached' });
      await drawer.locator('[data-test=customer-tickets]').getByText(emailed).waitFor();
      const theirs = (await api(lab.base, 'GET', `/api/tickets?customer=${zhang.id}`)).body.items as Array<{ title: string; callId: string | null }>;
      expect(theirs.map((x) => x.title).sort()).to.deep.equal([emailed, zh ? '发票抬头错误' : 'Wrong invoice title'].sort());
      expect(theirs.every((x) => x.callId === null)).to.equal(true);
      expect(await drawer.locator('[data-test=customer-delete]').count(), 'agents do not delete').to.equal(0);
      expect(await drawer.locator('[data-test=customer-merge]').count(), 'agents do not merge').to.equal(0);

      // Edit: region, one more phone written with spaces, a field of its own.
      await drawer.locator('[data-test=customer-edit-open]').click();
      const edit = drawer.locator('[data-test=customer-edit]');
      await edit.locator('[data-test=edit-region]').fill(zh ? '天津' : 'Tianjin');
      await edit.locator('[data-test=edit-phones]').fill(`1380000${n}001, 010 8888 ${n}234`);
      await edit.locator('[data-test=edit-add-field]').click();
      const fieldInputs = edit.locator('[data-test=edit-fields] input');
      await fieldInputs.nth(0).fill(zh ? '会员号' : 'member');
      await fieldInputs.nth(1).fill('M-0042');
      await edit.locator('[data-test=edit-save]').click();
      await drawer.locator('[data-test=customer-region-shown]', { hasText: zh ? '天津' : 'Tianjin' }).waitFor();
      let saved = await read(zhang.id);
      expect(saved.region).to.equal(zh ? '天津' : 'Tianjin');
      expect(saved.phones).to.have.members([`1380000${n}001`, `0108888${n}234`]);
      expect(saved.customFields).to.deep.equal({ [zh ? '会员号' : 'member']: 'M-0042' });
      await drawer.locator('[data-test=customer-details]').getByText('M-0042').waitFor();

      // Li Na's phone: refused in the page's language at the field; nothing changes.
      await drawer.locator('[data-test=customer-edit-open]').click();
      await edit.locator('[data-test=edit-phones]').fill(`1380000${n}001, 1380000${n}002`);
      await edit.locator('[data-test=edit-region]').fill(zh ? '河北' : 'Hebei');
      await edit.locator('[data-test=edit-save]').click();
      await edit.locator('[data-test=edit-error]', { hasText: zh ? `电话号码 1380000${n}002 属于另一位客户` : `The phone number 1380000${n}002 belongs to another customer` }).waitFor();
      await edit.locator('.el-form-item__error', { hasText: zh ? `1380000${n}002 属于另一位客户` : `1380000${n}002 is another customer’s` }).waitFor();
      saved = await read(zhang.id);
      expect(saved.region, 'nothing changed').to.equal(zh ? '天津' : 'Tianjin');
      expect(saved.phones).to.have.members([`1380000${n}001`, `0108888${n}234`]);
      await drawerIn(page);
      await screenshot(page, `customers-edit-refused-${locale}`);
      await edit.getByRole('button', { name: zh ? '取消' : 'Cancel' }).click();

      // A follow-up for myself: refused without a time and a text; then listed, and Done.
      const followUps = drawer.locator('[data-test=customer-follow-ups]');
      await followUps.locator('[data-test=follow-up-save]').click();
      await followUps.getByRole('alert').filter({ hasText: zh ? '请选择跟进时间。' : 'Pick when to follow up.' }).waitFor();
      await followUps.getByRole('alert').filter({ hasText: zh ? '请填写待办事项。' : 'Write what to do.' }).waitFor();
      const tomorrow = new Date(Date.now() + 86_400_000);
      const pad = (x: number) => String(x).padStart(2, '0');
      const due = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())} 10:30:00`;
      await followUps.locator('.el-date-editor input').fill(due);
      await followUps.locator('.el-date-editor input').press('Enter');
      const todo = zh ? '回电确认发票' : 'Call back about the invoice';
      await followUps.locator('input[name=followUp]').fill(todo);
      await followUps.locator('[data-test=follow-up-save]').click();
      const item = followUps.locator('[data-follow-up]', { hasText: todo });
      await item.getByText(zh ? '提醒我' : 'for me').waitFor();
      const mine = (await api(lab.base, 'GET', `/api/reminders?customerId=${zhang.id}`)).body.items as Array<{ id: string; text: string; status: string; dueAt: string }>;
      expect(mine.map((r) => [r.text, r.status])).to.deep.equal([[todo, 'open']]);
      expect(new Date(mine[0]!.dueAt).getTime(), 'due tomorrow 10:30 (the browser\'s time)').to.be.above(Date.now() + 3600_000);
      await item.locator('[data-test=follow-up-done]').click();
      await item.waitFor({ state: 'detached' });
      expect((await api(lab.base, 'GET', `/api/reminders?customerId=${zhang.id}`)).body.items[0].status).to.equal('done');
      // One for a colleague, picked by name: listed as theirs, and theirs on the server.
      await followUps.locator('.el-date-editor input').fill(due);
      await followUps.locator('.el-date-editor input').press('Enter');
      const forMate = zh ? '寄送合同' : 'Send the contract';
      await followUps.locator('input[name=followUp]').fill(forMate);
      await followUps.locator('[data-test=follow-up-who]').click();
      await page.getByRole('option', { name: mateName, exact: true }).click();
      await followUps.locator('[data-test=follow-up-save]').click();
      await followUps.locator('[data-follow-up]', { hasText: forMate }).getByText(zh ? `提醒 ${mateName}` : `for ${mateName}`).waitFor();
      const mates = (await api(lab.base, 'GET', `/api/reminders?customerId=${zhang.id}&status=open`)).body.items as Array<{ text: string; agentId: string }>;
      expect(mates.map((r) => [r.text, r.agentId])).to.deep.equal([[forMate, mate]]);

      // A note: an empty one is refused; the written one is first in the timeline and on the server.
      const noteForm = drawer.locator('[data-test=customer-note]');
      await drawer.locator('[data-test=customer-note-save]').click();
      await noteForm.getByRole('alert').filter({ hasText: zh ? '请先填写备注内容' : 'Write the note first' }).waitFor();
      const noteText = zh ? '客户要求下周一回电' : 'Wants a call back on Monday';
      await noteForm.locator('textarea[name=note]').fill(noteText);
      await drawer.locator('[data-test=customer-note-save]').click();
      await timeline.getByText(noteText).waitFor();
      await waitUntil('the note on the server', async () => {
        const tl = await api(lab.base, 'GET', `/api/customers/${zhang.id}/timeline`);
        return (tl.body.items as Array<{ summary: string }>).some((i) => i.summary === noteText) || undefined;
      }, 5000);

      // Open in agent desktop: the desk's card, to call or fax (test/e2e/fax-console.test.ts follows it).
      expect(await drawer.locator('[data-test=open-in-desk]').getAttribute('href')).to.equal(`/agent?customer=${zhang.id}`);

      // A reload opens the same customer again.
      await page.reload();
      await page.locator('[data-test=customer-drawer] [data-test=customer-region-shown]', { hasText: zh ? '天津' : 'Tianjin' }).waitFor();
      await timeline.getByText(zh ? '修改：电话号码、地区、其他字段' : 'Changed: phone numbers, region, more fields').waitFor();
      await drawerIn(page);
      await screenshot(page, `customers-drawer-${locale}`);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`a supervisor adds a customer, deletes one, merges a duplicate found by its phone, links a company, exports the search; read-only reads (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const n = zh ? '3' : '4';
      await user(`cu.sup-${locale}`, 'supervisor');
      await user(`cu.viewer-${locale}`, 'readonly');
      const wang = await customer({ name: zh ? '王芳' : 'Wang Fang', phones: [`1390000${n}001`], tags: ['gold'] });
      const dup = await customer({ name: zh ? '王芳（旧）' : 'Wang Fang (old)', phones: [`1390000${n}009`], tags: ['renewal'] });
      const callId = await seedCall(lab.db, { caller: `1390000${n}001`, called: '4008001234', flow: 'main', startedAt: new Date(Date.now() - 3_600_000), answerAfter: 5, seconds: 95, outcome: 'completed', queue: 'sales' });

      const { page, errors } = await lab.open(locale);
      await signIn(page, lab.base, `cu.sup-${locale}`, PASSWORD, '/customers');
      const table = page.locator('[data-test=customers-table]');
      await table.locator(`[data-customer="${dup.id}"]`).waitFor();

      // New customer: the page's dialog; saved, it opens.
      await page.locator('[data-test=customer-new]').click();
      const form = page.locator('[data-test=new-customer]');
      await form.locator('[data-test=customer-name]').fill(zh ? '赵六' : 'Zhao Liu');
      await form.locator('[data-test=customer-phones]').fill(`1390000${n}777`);
      await form.locator('[data-test=customer-save]').click();
      const drawer = page.locator('[data-test=customer-drawer]');
      await drawer.locator('[data-test=customer-phones-shown]', { hasText: `1390000${n}777` }).waitFor();
      const created = new URL(page.url()).searchParams.get('customer')!;
      expect((await read(created)).name).to.equal(zh ? '赵六' : 'Zhao Liu');

      // Delete it: asked first; then listed no more, and the API says it is gone.
      await drawer.locator('[data-test=customer-delete]').click();
      await answerQuestion(page, zh ? '删除客户' : 'Delete customer', zh ? '删除' : 'Delete');
      await drawer.waitFor({ state: 'hidden' });
      await table.locator(`[data-customer="${created}"]`).waitFor({ state: 'detached' });
      expect((await api(lab.base, 'GET', `/api/customers/${created}`)).status).to.equal(410);

      // Merge the old record into Wang Fang, found by its phone.
      await table.locator(`[data-customer="${wang.id}"]`).click();
      const merge = drawer.locator('[data-test=customer-merge]');
      await merge.locator('input[name=duplicate]').fill(`139 0000 ${n}009`);
      await merge.locator('input[name=duplicate]').press('Enter');
      await merge.locator(`[data-merge="${dup.id}"]`).click();
      await answerQuestion(page, zh ? '将重复客户合并到此客户' : 'Merge a duplicate into this customer', zh ? '合并' : 'Merge');
      await drawer.locator('[data-test=customer-phones-shown]', { hasText: `1390000${n}009` }).waitFor();
      await drawer.locator('[data-test=customer-tag]', { hasText: 'renewal' }).waitFor();
      await table.locator(`[data-customer="${dup.id}"]`).waitFor({ state: 'detached' });
      const survivor = await read(dup.id);
      expect(survivor.id, 'the old ID answers with the survivor').to.equal(wang.id);
      expect(survivor.phones).to.have.members([`1390000${n}001`, `1390000${n}009`]);
      await drawer.locator('[data-test=customer-timeline]').getByText(zh ? '合并了重复客户：王芳（旧）' : 'Merged in: Wang Fang (old)').waitFor();
      await screenshot(page, `customers-merged-${locale}`);

      // A company: a new name is created after asking, and linked with the role; then unlinked.
      const companies = drawer.locator('[data-test=customer-companies]');
      const coName = zh ? `华联商贸-${n}` : `Hualian Trading ${n}`;
      await companies.locator('input[name=company]').fill(coName);
      await companies.locator('input[name=role]').fill(zh ? '采购经理' : 'Buyer');
      await companies.locator('[data-test=company-link-save]').click();
      await answerQuestion(page, zh ? '新建公司' : 'New company', zh ? '新建并关联' : 'Create and link');
      await companies.locator('[data-company]', { hasText: coName }).getByText(zh ? '采购经理' : 'Buyer').waitFor();
      expect((await read(wang.id) as Customer & { companies: Array<{ name: string; role: string }> }).companies.map((c) => [c.name, c.role])).to.deep.equal([[coName, zh ? '采购经理' : 'Buyer']]);
      await drawer.locator('[data-test=customer-details]').getByText(coName, { exact: false }).waitFor();
      // Typing part of the name offers the company; the same name again (another case) links to it, without asking to create one.
      await companies.locator('input[name=company]').fill(coName.slice(0, 4));
      await companies.locator(`datalist option[value="${coName}"]`).waitFor({ state: 'attached' });
      await companies.locator('input[name=company]').fill(coName.toUpperCase());
      await companies.locator('input[name=role]').fill('');
      await companies.locator('[data-test=company-link-save]').click();
      await companies.locator('[data-company]', { hasText: coName }).getByText(zh ? '采购经理' : 'Buyer').waitFor({ state: 'detached' });
      expect((await api(lab.base, 'GET', `/api/companies?name=${encodeURIComponent(coName)}`)).body.total, 'no second company').to.equal(1);
      await companies.locator('[data-test=company-unlink]').click();
      await companies.getByText(zh ? '未关联任何公司' : 'Not a contact of any company').waitFor();
      expect((await read(wang.id) as Customer & { companies: unknown[] }).companies).to.deep.equal([]);

      // The search as it stands goes to Excel: the customers the page lists, in the page's language.
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await page.locator('[data-test=filter-tag]').fill('gold');
      await page.locator('[data-test=filter-tag]').press('Enter');
      await waitUntil('only gold customers listed', async () => {
        const tags = await table.locator('[data-test=row-tags]').allInnerTexts();
        return (tags.length > 0 && tags.every((x) => x.includes('gold'))) || undefined;
      }, 5000);
      const listed = await table.locator('[data-customer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-customer')));
      expect(listed).to.include(wang.id);
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=customers-export]').click()]);
      expect(file.suggestedFilename()).to.match(/^customers-.*\.xlsx$/);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(await file.path());
      const sheet = book.worksheets[0]!;
      expect(sheet.name).to.equal(zh ? '客户' : 'Customers');
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header).to.include.members(zh ? ['姓名', '标签'] : ['Name', 'Tags']);
      const exported: string[] = [];
      sheet.eachRow((row, i) => { if (i > 1) exported.push(String(row.getCell(1).value)); });
      expect(exported.sort(), 'the customers the page lists').to.deep.equal([...listed].sort());
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);

      // A call in the timeline opens on the Calls page.
      await page.goto(`${lab.base}/customers?customer=${wang.id}`);
      await drawer.locator(`[data-test=customer-timeline] a[data-kind=call][href="/calls?open=${callId}"]`).click();
      await page.locator(`[data-test=call-drawer][data-id="${callId}"]`).waitFor();
      expect(new URL(page.url()).pathname).to.equal('/calls');

      // Read-only, by the old ID: the survivor, said so; no buttons, no note.
      const v = await lab.open(locale);
      await signIn(v.page, lab.base, `cu.viewer-${locale}`, PASSWORD, `/customers?customer=${dup.id}`);
      const seen = v.page.locator('[data-test=customer-drawer]');
      await seen.locator('[data-test=merged-notice]', { hasText: zh ? '王芳' : 'Wang Fang' }).waitFor();
      await seen.locator('[data-test=customer-companies]').waitFor();
      for (const button of ['customer-edit-open', 'customer-delete', 'customer-merge', 'customer-note', 'open-in-desk', 'company-link', 'company-unlink', 'follow-up-form']) {
        expect(await seen.locator(`[data-test=${button}]`).count(), button).to.equal(0);
      }
      expect(await v.page.locator('[data-test=customer-new]').count()).to.equal(0);
      expect(await appText(v.page)).to.not.equal('');
      expect(await missingKeys(v.page), 'translation keys missing').to.deep.equal([]);
      expect(v.errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`companies: listed with their contacts, created (a name is needed), edited, a contact added by phone and opened, deleted; read-only reads (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const n = zh ? '5' : '6';
      await user(`co.sup-${locale}`, 'supervisor');
      await user(`co.viewer-${locale}`, 'readonly');
      const chen = await customer({ name: zh ? '陈静' : 'Chen Jing', phones: [`1370000${n}001`] });
      const liu = await customer({ name: zh ? '刘洋' : 'Liu Yang', phones: [`1370000${n}002`] });
      const old = await api(lab.base, 'POST', '/api/companies', { name: zh ? `远航物流-${n}` : `Voyage Logistics ${n}`, region: zh ? '广州' : 'Guangzhou' });
      expect(old.status).to.equal(201);
      expect((await api(lab.base, 'POST', `/api/companies/${old.body.id}/contacts`, { customerId: chen.id, role: zh ? '经理' : 'Manager' })).status).to.equal(201);

      const { page, errors } = await lab.open(locale);
      await signIn(page, lab.base, `co.sup-${locale}`, PASSWORD, '/customers');
      await page.locator('[data-test=view-companies]').click();
      await page.locator('[data-test=companies-view]').waitFor();
      expect(new URL(page.url()).searchParams.get('view')).to.equal('companies');
      const table = page.locator('[data-test=companies-table]');
      const oldRow = table.locator('tr', { has: page.locator(`[data-company="${old.body.id}"]`) });
      expect((await oldRow.locator('[data-test=contact-count]').innerText()).trim()).to.equal('1');

      // A new company: without a name it is refused at the field; with one it is saved and opens.
      await page.locator('[data-test=company-new]').click();
      const form = page.locator('.el-dialog [data-test=company-form]');
      await form.locator('[data-test=company-save]').click();
      await form.getByText(zh ? '请填写公司名称。' : 'Give the company a name.').waitFor();
      const name = zh ? `星河科技-${n}` : `Galaxy Tech ${n}`;
      await form.locator('[data-test=company-name]').fill(name);
      await form.locator('[data-test=company-address]').fill(zh ? '深圳市南山区科技园' : '1 Science Park, Shenzhen');
      await form.locator('[data-test=company-save]').click();
      const drawer = page.locator('[data-test=company-drawer]');
      await drawer.locator('.el-drawer__title', { hasText: name }).waitFor();
      const created = new URL(page.url()).searchParams.get('company')!;
      expect((await api(lab.base, 'GET', `/api/companies/${created}`)).body).to.deep.include({ name, region: '', contacts: [] });

      // Edit: the region; only that is sent, and the details show it.
      await drawer.locator('[data-test=company-edit-open]').click();
      await drawer.locator('[data-test=company-region]').fill(zh ? '深圳' : 'Shenzhen');
      await drawer.locator('[data-test=company-save]').click();
      await drawer.locator('[data-test=company-details]').getByText(zh ? '深圳' : 'Shenzhen', { exact: true }).waitFor();

      // A contact found by the last four digits of the phone, with a role.
      const add = drawer.locator('[data-test=company-add-contact]');
      await add.locator('[data-test=contact-q]').fill(`${n}002`);
      await add.locator('[data-test=contact-role]').fill(zh ? '财务' : 'Accounts');
      await add.locator('[data-test=contact-q]').press('Enter');
      await add.locator(`[data-add="${liu.id}"]`).click();
      const contacts = drawer.locator('[data-test=company-contacts]');
      await contacts.locator('tr', { hasText: zh ? '财务' : 'Accounts' }).locator(`[data-contact="${liu.id}"]`).waitFor();
      await contacts.getByText(zh ? '联系人（1）' : 'Contacts (1)').waitFor();
      const got = (await api(lab.base, 'GET', `/api/companies/${created}`)).body;
      expect(got.contacts.map((c: { customerId: string; role: string }) => [c.customerId, c.role])).to.deep.equal([[liu.id, zh ? '财务' : 'Accounts']]);
      // Found again, the customer is marked as a contact already, not offered twice.
      await add.locator('[data-test=contact-q]').fill(`${n}002`);
      await add.locator('[data-test=contact-q]').press('Enter');
      await add.locator('[data-test=contact-candidates]').getByText(zh ? '已是联系人' : 'already a contact').waitFor();
      expect(await add.locator(`[data-add="${liu.id}"]`).count()).to.equal(0);
      await drawerIn(page);
      await screenshot(page, `companies-drawer-${locale}`);

      // The contact opens the customer's record; its company there leads back to the company.
      await contacts.locator(`[data-contact="${liu.id}"]`).click();
      const customerDrawer = page.locator('[data-test=customer-drawer]');
      await customerDrawer.locator('[data-test=customer-companies]').getByText(zh ? '财务' : 'Accounts').waitFor();
      expect(new URL(page.url()).searchParams.get('customer')).to.equal(liu.id);
      await customerDrawer.locator('[data-test=company-open]', { hasText: name }).click();
      await drawer.locator('.el-drawer__title', { hasText: name }).waitFor();
      expect(new URL(page.url()).searchParams.get('view')).to.equal('companies');

      // Delete: asked first; the contact stays a customer.
      await drawer.locator('[data-test=company-delete]').click();
      await answerQuestion(page, zh ? '删除公司' : 'Delete company', zh ? '删除' : 'Delete');
      await drawer.waitFor({ state: 'hidden' });
      await table.locator(`[data-company="${created}"]`).waitFor({ state: 'detached' });
      expect((await api(lab.base, 'GET', `/api/companies/${created}`)).status).to.equal(404);
      expect((await read(liu.id) as Customer & { companies: unknown[] }).companies).to.deep.equal([]);
      // A name nobody has: the list says so.
      await page.locator('[data-test=companies-q]').fill(zh ? '不存在的公司' : 'No such company');
      await page.locator('[data-test=companies-q]').press('Enter');
      await table.getByText(zh ? '没有名称包含该内容的公司。' : 'No company name contains this.').waitFor();
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);

      // Read-only: the company and its contacts, without the buttons.
      const v = await lab.open(locale);
      await signIn(v.page, lab.base, `co.viewer-${locale}`, PASSWORD, `/customers?view=companies&company=${old.body.id}`);
      const seen = v.page.locator('[data-test=company-drawer]');
      await seen.locator(`[data-contact="${chen.id}"]`).waitFor();
      for (const button of ['company-edit-open', 'company-delete', 'company-add-contact', 'contact-unlink']) {
        expect(await seen.locator(`[data-test=${button}]`).count(), button).to.equal(0);
      }
      expect(await v.page.locator('[data-test=company-new]').count()).to.equal(0);
      expect(v.errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the list, an open customer and an open company', async () => {
    const c = await lab.signedIn('en', '/customers');
    await c.page.locator('[data-test=customers-table] [data-customer]').first().waitFor();
    const serious = async () => (await axeViolations(c.page)).filter((x) => x.impact === 'serious' || x.impact === 'critical');
    const onList = await serious();
    expect(onList, JSON.stringify(onList, null, 1)).to.deep.equal([]);
    await c.page.locator('[data-test=customers-table] [data-customer]').first().click();
    await c.page.locator('[data-test=customer-drawer] [data-test=customer-details]').waitFor();
    const onDrawer = await serious();
    expect(onDrawer, JSON.stringify(onDrawer, null, 1)).to.deep.equal([]);
    await c.page.goto(`${lab.base}/customers?view=companies`);
    await c.page.locator('[data-test=companies-table] [data-company]').first().click();
    await c.page.locator('[data-test=company-drawer] [data-test=company-contacts]').waitFor();
    const onCompany = await serious();
    expect(onCompany, JSON.stringify(onCompany, null, 1)).to.deep.equal([]);
  });
});
