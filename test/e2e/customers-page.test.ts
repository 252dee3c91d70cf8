// The customers page (/customers, 客户) as agents and supervisors use it (Chromium against the real
// Hotline, no Asterisk), in both languages: a customer found by a phone number written another
// way, by words of the name and by tag; opened (its tickets, the timeline), edited (region, one
// more phone written with spaces, a field of its own) and checked through the API; a phone that is
// another customer's is refused in the page's language and nothing changes; a note. A supervisor
// adds a customer, merges a duplicate found by its phone (its phones move here, it is listed no
// more, its old ID opens the survivor and says so) and deletes one; a read-only user reads
// without the buttons; agents get neither merge nor delete.
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { answerQuestion, appText, axeViolations, missingKeys, screenshot, signIn } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';

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
    await en.page.locator('[data-test=customers-table]').getByText('No customer matches. A phone number is found written in any way, but only whole.').waitFor();
    expect(await missingKeys(zh.page)).to.deep.equal([]);
    expect([...zh.errors, ...en.errors]).to.deep.equal([]);
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`an agent finds a customer by a phone written another way, by name and tag, edits it, is refused another's phone, adds a note (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const n = zh ? '1' : '2';
      await user(`cu.agent-${locale}`, 'agent');
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
    it(`a supervisor adds a customer, merges a duplicate found by its phone, deletes one; read-only reads (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const n = zh ? '3' : '4';
      await user(`cu.sup-${locale}`, 'supervisor');
      await user(`cu.viewer-${locale}`, 'readonly');
      const wang = await customer({ name: zh ? '王芳' : 'Wang Fang', phones: [`1390000${n}001`], tags: ['gold'] });
      const dup = await customer({ name: zh ? '王芳（旧）' : 'Wang Fang (old)', phones: [`1390000${n}009`], tags: ['renewal'] });

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
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);

      // Read-only, by the old ID: the survivor, said so; no buttons, no note.
      const v = await lab.open(locale);
      await signIn(v.page, lab.base, `cu.viewer-${locale}`, PASSWORD, `/customers?customer=${dup.id}`);
      const seen = v.page.locator('[data-test=customer-drawer]');
      await seen.locator('[data-test=merged-notice]', { hasText: zh ? '王芳' : 'Wang Fang' }).waitFor();
      for (const button of ['customer-edit-open', 'customer-delete', 'customer-merge', 'customer-note', 'open-in-desk']) {
        expect(await seen.locator(`[data-test=${button}]`).count(), button).to.equal(0);
      }
      expect(await v.page.locator('[data-test=customer-new]').count()).to.equal(0);
      expect(await appText(v.page)).to.not.equal('');
      expect(await missingKeys(v.page), 'translation keys missing').to.deep.equal([]);
      expect(v.errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the list and an open customer', async () => {
    const c = await lab.signedIn('en', '/customers');
    await c.page.locator('[data-test=customers-table] [data-customer]').first().waitFor();
    const serious = async () => (await axeViolations(c.page)).filter((x) => x.impact === 'serious' || x.impact === 'critical');
    const onList = await serious();
    expect(onList, JSON.stringify(onList, null, 1)).to.deep.equal([]);
    await c.page.locator('[data-test=customers-table] [data-customer]').first().click();
    await c.page.locator('[data-test=customer-drawer] [data-test=customer-details]').waitFor();
    const onDrawer = await serious();
    expect(onDrawer, JSON.stringify(onDrawer, null, 1)).to.deep.equal([]);
  });
});
