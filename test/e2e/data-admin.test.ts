// The admin console's Import / export tab (Chromium against the real Hotline, no Asterisk), in
// both languages. A customer list written by exceljs with Chinese or English headers (a column
// Hotline does not import, the same customer twice, a phone too short, a bad date): the dry run
// counts what would happen and writes nothing, names the refused rows in the page's language and
// the column not imported; all-or-nothing then imports nothing; skipping bad rows imports the
// rest; the report downloads. A file that is not a spreadsheet is refused in the page's language.
// The customers export downloads an .xlsx holding the imported customers under headers in the
// page's language. Every claim is checked against the API or the downloaded file.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import { api } from '../support/api.js';
import { adminLab } from '../support/admin-lab.js';
import { appText, axeViolations, missingKeys, screenshot } from '../support/browser.js';

describe('administration console: customer import and exports (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();

  const customersNamed = async (name: string) => (await api(lab.base, 'GET', `/api/customers?name=${encodeURIComponent(name)}&limit=100`)).body as { total: number; items: Array<{ name: string; phones: string[] }> };
  async function xlsx(rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  async function rowsOf(d: Download): Promise<unknown[][]> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await d.path())!) as unknown as ArrayBuffer);
    const out: unknown[][] = [];
    wb.worksheets[0]!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
    return out;
  }
  const downloadOf = async (page: Page, click: () => Promise<void>) => (await Promise.all([page.waitForEvent('download'), click()]))[0];

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`checks a customer list, imports it all-or-nothing and skipping bad rows, downloads the report and exports customers (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const who = zh ? '导入测试' : 'Importtest';
      const head = zh ? ['姓名', '电话', '地区', '注册日期', '客户来源'] : ['Name', 'Phone', 'Region', 'Registered on', 'Source'];
      const p = zh ? '1380013' : '1390013';
      const file = await xlsx([
        head,
        [`${who}甲`, `${p}8001`, '北京', '2024-05-01', 'web'],
        [`${who}乙`, `${p}8002`, '上海', '', 'web'],
        [`${who}甲`, `${p.slice(0, 3)}-${p.slice(3)}-8001`, '', '', ''],
        [`${who}丙`, '12345', '', '', ''],
        [`${who}丁`, `${p}8004`, '', 'tomorrow', ''],
      ]);
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=data');
      const imp = page.locator('[data-test=customer-import]');
      await imp.waitFor();

      // Not a spreadsheet: refused in the page's language.
      await imp.locator('input[data-test=import-file]').setInputFiles({ name: 'list.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('name,phone\nnot really a workbook\n') });
      await imp.locator('[data-test=dry-run-import]').click();
      await imp.locator('[data-test=import-error]', { hasText: zh ? '文件不是 Hotline 能读取的表格' : 'The file is not a spreadsheet Hotline can read' }).waitFor();

      // The dry run: counts, the refused rows named in the page's language, the column not imported; nothing written.
      await imp.locator('input[data-test=import-file]').setInputFiles({ name: `${who}.xlsx`, mimeType: 'application/octet-stream', buffer: file });
      await imp.locator('[data-test=import-file-name]', { hasText: `${who}.xlsx` }).waitFor();
      await imp.locator('[data-test=dry-run-import]').click();
      const outcome = imp.locator('[data-test=import-outcome]');
      await outcome.waitFor();
      expect(await outcome.innerText()).to.contain(zh ? '将有 2 行被拒绝' : '2 row(s) would be refused');
      const count = async (k: string) => Number((await imp.locator(`[data-count=${k}] .hl-data-n`).innerText()).replace(/\D/g, ''));
      expect([await count('total'), await count('created'), await count('merged'), await count('rejected')]).to.deep.equal([5, 2, 1, 2]);
      expect(await imp.locator('[data-test=ignored-columns]').innerText()).to.contain(head[4]);
      expect(await imp.locator('[data-test=merged-rows]').innerText()).to.contain(zh ? '第 4 行并入第 2 行' : 'row 4 into row 2');
      const refused = await imp.locator('[data-test=row-errors]').innerText();
      expect(refused).to.contain(zh ? '“12345”太短，不是电话号码' : '"12345" is too short for a phone number');
      expect(refused).to.contain(zh ? '“tomorrow”不是日期' : '"tomorrow" is not a date');
      expect((await customersNamed(who)).total, 'the dry run writes nothing').to.equal(0);
      await screenshot(page, `admin-data-dry-run-${locale}`);

      // All or nothing: nothing imported.
      await imp.locator('[data-test=run-import]').click();
      await outcome.filter({ hasText: zh ? '什么都没有导入：有 2 行无效' : 'Nothing was imported: 2 row(s) are invalid' }).waitFor();
      expect((await customersNamed(who)).total).to.equal(0);

      // Skipping bad rows: the two customers (the one listed twice merged) are imported.
      await imp.locator('label', { hasText: zh ? '跳过错误行' : 'Skip bad rows' }).click();
      await imp.locator('[data-test=run-import]').click();
      await outcome.filter({ hasText: zh ? '已导入：新建 2' : 'Imported: 2 created' }).waitFor();
      const stored = await customersNamed(who);
      expect(stored.items.map((x) => x.name).sort()).to.deep.equal([`${who}乙`, `${who}甲`].sort());
      const report = await downloadOf(page, () => imp.locator('[data-test=import-report]').click());
      expect(report.suggestedFilename()).to.match(/\.xlsx$/);
      expect((await rowsOf(report)).length).to.be.greaterThan(2);

      // Export the customers: an .xlsx with headers in the page's language and the imported customers.
      const ex = page.locator('[data-test=export-customers]');
      await ex.locator('input[name=name]').fill(who);
      const exported = await rowsOf(await downloadOf(page, () => ex.locator('[data-test=export-customers-run]').click()));
      expect(exported[0]).to.include(zh ? '姓名' : 'Name');
      expect(exported.slice(1).map((r) => r[exported[0]!.indexOf(zh ? '姓名' : 'Name')]).sort()).to.deep.equal([`${who}乙`, `${who}甲`].sort());
      await screenshot(page, `admin-data-${locale}`);

      expect(await appText(page)).to.not.equal('');
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the Import / export tab', async () => {
    const c = await lab.signedIn('en', '/admin?tab=data');
    await c.page.locator('[data-test=customer-import]').waitFor();
    const found = (await axeViolations(c.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(found, JSON.stringify(found, null, 1)).to.deep.equal([]);
  });
});
