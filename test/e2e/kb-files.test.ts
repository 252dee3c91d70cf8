// A knowledge-base article's files on the /kb page (Chromium against the real Hotline, no
// Asterisk), in both languages: its author adds a PDF from the file picker (listed with its size,
// downloaded byte for byte); a binary file named .png is refused in the page's language (its
// content decides) and nothing is added; a file removed (asked first) is gone from the page and
// the API.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { answerQuestion, axeViolations, missingKeys, screenshot } from '../support/browser.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('knowledge base page: an article\'s files (Chromium, no Asterisk)', function () {
  this.timeout(120_000);
  const lab = adminLab();
  const files = async (id: string) => ((await api(lab.base, 'GET', `/api/kb/articles/${id}?drafts=true`)).body.attachments as Array<{ filename: string }>).map((f) => f.filename);

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`adds, downloads, refuses and removes an article's files (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const created = await api(lab.base, 'POST', '/api/kb/articles', { title: zh ? '光猫指示灯说明' : 'Modem lights explained', body: zh ? '红灯表示光信号中断。' : 'A red light means the fibre signal is lost.' });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      const { page, errors } = await lab.signedIn(locale, `/kb?article=${id}`);
      const box = page.locator('[data-test=kb-article] [data-test=kb-files]');
      await box.getByText(zh ? '暂无附件' : 'No file yet').waitFor();

      // A PDF from the picker: listed with its size; downloaded byte for byte.
      await box.locator('[data-test=kb-file-input]').setInputFiles({ name: zh ? '指示灯.pdf' : 'lights.pdf', mimeType: 'application/pdf', buffer: PDF });
      const name = zh ? '指示灯.pdf' : 'lights.pdf';
      const row = box.locator(`[data-file="${name}"]`);
      await row.waitFor();
      expect(await files(id)).to.deep.equal([name]);
      const downloading = page.waitForEvent('download');
      await row.locator('[data-test=kb-file-download]').click();
      const got = await downloading;
      expect(got.suggestedFilename()).to.equal(name);
      expect(readFileSync(await got.path()).equals(PDF), 'the same bytes back').to.equal(true);

      // Binary content named .png: refused by its content, in the page's language; nothing added.
      await box.locator('[data-test=kb-file-input]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x10, 0x11]) });
      await box.locator('[data-test=kb-file-error]', { hasText: zh ? 'photo.png 不是 PDF、PNG、JPEG 或文本文件' : 'photo.png is not a PDF, PNG, JPEG or text file' }).waitFor();
      expect(await files(id)).to.deep.equal([name]);
      await page.mouse.move(0, 0); // judged as read, not under the pointer (a hovered link is lighter)
      await screenshot(page, `kb-files-${locale}`);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);

      // Removed, asked first: gone from the page and the API.
      await row.locator('[data-test=kb-file-remove]').click();
      await answerQuestion(page, zh ? '移除' : 'Remove', zh ? '移除' : 'Remove');
      await row.waitFor({ state: 'detached' });
      expect(await files(id)).to.deep.equal([]);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }
});
