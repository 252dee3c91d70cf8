// A ticket's files and merging a duplicate, as agents work them in the ticket drawer (Chromium
// against the real Hotline, no Asterisk), in both languages: a picture added from the file picker
// is listed with its size and who added it, and downloads byte for byte; a program renamed .pdf is
// refused in the page's language and nothing is added. A duplicate of another customer, a number
// that is no ticket's and a badly written number are refused, nothing changes; the same customer's
// duplicate is merged (asked first): it is closed, and its file shows here marked with its number;
// opened, the duplicate says where it went and offers no changes.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api, tokenOf } from '../support/api.js';
import { answerQuestion, axeViolations, missingKeys, screenshot } from '../support/browser.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

interface Ticket { id: string; number: string; status: string; mergedInto: string | null; merged: string[] }

describe('tickets page: files and merging a duplicate (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();
  const ticket = async (id: string) => (await api(lab.base, 'GET', `/api/tickets/${id}`)).body as Ticket;
  const files = async (id: string) => (await api(lab.base, 'GET', `/api/tickets/${id}/attachments`)).body.items as Array<{ fileName: string; ticketNumber: string; uploadedByName: string }>;

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`adds and downloads a file, refuses a disguised one; merges a duplicate and refuses the wrong ones (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const customer = async (name: string, phone: string) => (await api(lab.base, 'POST', '/api/customers', { name, phones: [phone] })).body.id as string;
      const a = await customer(zh ? '陈先生' : 'Mr Chen', zh ? '13700001111' : '13700002222');
      const b = await customer(zh ? '孙女士' : 'Ms Sun', zh ? '13700003333' : '13700004444');
      const open = async (title: string, customerId: string) => (await api(lab.base, 'POST', '/api/tickets', { title, customerId })).body as Ticket;
      const main = await open(zh ? '路由器无法上网' : 'Router offline', a);
      const dup = await open(zh ? '路由器无法上网（重复）' : 'Router offline (again)', a);
      const stranger = await open(zh ? '其他客户的工单' : 'Another customer\'s ticket', b);
      const dupFile = await fetch(`${lab.base}/api/tickets/${dup.number}/attachments?fileName=invoice.pdf`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(lab.base)}`, 'content-type': 'application/pdf' }, body: new Uint8Array(PDF) });
      expect(dupFile.status).to.equal(201);

      const { page, errors } = await lab.signedIn(locale, `/tickets?ticket=${main.number}`);
      const drawer = page.locator('[data-test=ticket-drawer]');
      const box = drawer.locator('[data-test=ticket-files]');
      await box.getByText(zh ? '暂无附件' : 'No file yet').waitFor();

      // A picture from the file picker: listed with its size and who added it; downloaded byte for byte.
      await box.locator('[data-test=file-input]').setInputFiles({ name: 'modem-light.png', mimeType: 'image/png', buffer: PNG });
      const row = box.locator('[data-file="modem-light.png"]');
      await row.waitFor();
      expect(await row.innerText()).to.contain('Administrator');
      expect((await files(main.number)).map((f) => f.fileName)).to.deep.equal(['modem-light.png']);
      const downloading = page.waitForEvent('download');
      await row.locator('[data-test=file-download]').click();
      const saved = await (await downloading).path();
      expect(readFileSync(saved).equals(PNG), 'the same bytes back').to.equal(true);
      // The history says it in the page's words (name and size; the SHA-256 the server keeps, on hover).
      const added = drawer.locator('[data-test=ticket-history] [data-test=history-file]');
      await added.waitFor();
      expect(await added.innerText()).to.equal(zh ? '添加附件：modem-light.png（1 KB）' : 'File added: modem-light.png (1 KB)');
      expect(await added.getAttribute('title')).to.match(/^SHA-256 [0-9a-f]{64}$/);

      // A program renamed .pdf: refused in the page's language, nothing added.
      await box.locator('[data-test=file-input]').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00this is a program', 'latin1') });
      await box.locator('[data-test=file-error]', { hasText: zh ? 'invoice.pdf 不是工单可接受的文件类型' : 'invoice.pdf is not a kind of file tickets take' }).waitFor();
      expect((await files(main.number)).map((f) => f.fileName)).to.deep.equal(['modem-light.png']);

      // Merging: a badly written number, another customer's ticket, no such ticket — refused, nothing changes.
      const merge = drawer.locator('[data-test=ticket-merge]');
      const tryMerge = async (value: string, confirm: boolean) => {
        await merge.locator('input[name=duplicate]').fill(value);
        await merge.locator('[data-test=merge-go]').click();
        if (confirm) await answerQuestion(page, zh ? '合并重复工单' : 'Merge a duplicate', zh ? '合并' : 'Merge');
      };
      await tryMerge('abc', false);
      await merge.locator('[data-test=merge-error]', { hasText: zh ? '请输入工单编号，例如 T-000123。' : 'Enter a ticket number such as T-000123.' }).waitFor();
      await tryMerge(stranger.number, true);
      await merge.locator('[data-test=merge-error]', { hasText: zh ? `${stranger.number} 与 ${main.number} 属于不同客户` : `${stranger.number} belongs to another customer than ${main.number}` }).waitFor();
      await tryMerge('T-999999', true);
      await merge.locator('[data-test=merge-error]', { hasText: zh ? '不存在工单 T-999999。' : 'There is no ticket T-999999.' }).waitFor();
      expect([(await ticket(stranger.number)).mergedInto, (await ticket(main.number)).merged]).to.deep.equal([null, []]);

      // The same customer's duplicate, lower case as typed: merged; its file shows here with its number.
      await tryMerge(dup.number.toLowerCase(), true);
      await page.locator('.el-notification', { hasText: zh ? `已将 ${dup.number} 合并到 ${main.number}` : `${dup.number} merged into ${main.number}` }).first().waitFor();
      await drawer.locator('[data-test=merged-here]', { hasText: dup.number }).waitFor();
      await box.locator('[data-file="invoice.pdf"]', { hasText: zh ? `来自 ${dup.number}` : `from ${dup.number}` }).waitFor();
      const after = await ticket(dup.number);
      expect([after.status, after.mergedInto]).to.deep.equal(['closed', main.number]);
      expect((await ticket(main.number)).merged).to.deep.equal([dup.number]);
      await screenshot(page, `ticket-files-merge-${locale}`);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);

      // The duplicate, opened: where it went; no file button, no merge.
      await page.goto(`${lab.base}/tickets?ticket=${dup.number}`);
      await drawer.locator('[data-test=merged-into]', { hasText: main.number }).waitFor();
      expect(await drawer.locator('[data-test=file-add]').count()).to.equal(0);
      expect(await drawer.locator('[data-test=ticket-merge]').count()).to.equal(0);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }
});
