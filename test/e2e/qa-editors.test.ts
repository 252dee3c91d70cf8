// The scorecard and keyword-list editors in Chromium (no Asterisk, no calls): an admin creates a
// scorecard on the QA page — a first try whose item weights add up to 90 shows the server's
// message next to the form and stores nothing (asserted through the API) — and the scoring form of
// a recording then offers it. On the recordings page the admin adds a keyword to the list (Enter
// submits), a word the recogniser's dictionary lacks and a Chinese phrase show the server's 400
// message and store nothing, and deletes it again; a supervisor reads the list without the form.
// In English and Chinese: no missing translation key, no page error, no console error other than
// the browser's own line for the refused requests. Screenshots of each page.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { userToken } from '../support/acd.js';
import { api } from '../support/api.js';
import { appText, missingKeys, openConsole, screenshot as shoot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, TEST_ADMIN, type HotlineProcess } from '../support/hotline.js';

const PASSWORD = 'Kiwi-Orange-Secret-9'; // userToken's

describe('QA editors: scorecards and the keyword list in the console', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const pages: ConsolePage[] = [];
  const recordingId = randomUUID();

  before(async () => {
    db = await createTestDb('sqlite');
    hotline = await startHotlineWithoutPbx(db.env);
    expect((await api(hotline.url, 'POST', '/api/acd/queues', { name: 'kwq' })).status).to.equal(201);
    await userToken(hotline.url, 'ed-sup', 'supervisor');
    // A recording row whose audio failed to store: its page shows the scoring form without a player.
    await db.exec(
      'INSERT INTO recordings (id, call_id, uniqueid, channel, queue, agent_id, customer_number, customer_id, status, answered_at, legs, pauses, flags) VALUES (?, NULL, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?, ?)',
      [recordingId, 'e2e-ed-1', 'PJSIP/e2e', 'kwq', '13800138000', 'failed', new Date().toISOString().replace('T', ' ').replace('Z', ''), '[]', '[]', ''],
    );
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  async function open(locale: 'en' | 'zh-CN', username: string, password: string, path: string): Promise<ConsolePage & { consoleErrors: string[] }> {
    const p = await openConsole(locale);
    pages.push(p);
    const consoleErrors: string[] = [];
    // A refused request is logged by Chromium itself ("Failed to load resource: … 400"): expected here.
    p.page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
    });
    await signIn(p.page, hotline.url, username, password, path);
    return { ...p, consoleErrors };
  }
  async function screenshot(page: Page, name: string): Promise<void> {
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });
    await shoot(page, name);
  }
  const field = (page: Page, test: string) => page.locator(`input[data-test=${test}], [data-test=${test}] input`);

  for (const locale of ['en', 'zh-CN'] as const) {
    const zh = locale === 'zh-CN';
    const name = zh ? '服务质量评分' : 'Service quality';

    it(`${locale}: an admin creates a scorecard (a bad one shows the server's message, nothing stored); the scoring form offers it`, async () => {
      const p = await open(locale, TEST_ADMIN.username, TEST_ADMIN.password, '/qa?tab=scorecards');
      const { page } = p;
      await page.locator('[data-test=scorecard-editor]').waitFor();
      await page.locator('[data-test=new-scorecard]').click();
      await field(page, 'card-name').fill(name);
      await field(page, 'section-title').fill(zh ? '开场' : 'Opening');
      await field(page, 'item-text').first().fill(zh ? '使用标准问候语' : 'Greets the customer by the script');
      await page.locator('[data-test=item-critical]').first().click();
      await page.locator('[data-test=add-item]').click();
      await field(page, 'item-text').nth(1).fill(zh ? '核实客户身份' : 'Verifies the caller');
      // 100 + 0 → 90 + 0: item weights add up to 90.
      await field(page, 'item-weight').first().fill('90');
      await field(page, 'item-weight').first().press('Tab');
      expect(await page.locator('[data-test=item-sum]').innerText()).to.match(/90/);
      await field(page, 'card-name').press('Enter'); // Enter in a field saves
      const err = page.locator('[data-test=scorecard-error]');
      await err.waitFor();
      expect(await err.innerText()).to.include('add up to 90, not 100');
      await screenshot(page, `qa-scorecard-refused-${locale}`);
      const none = (await api(hotline.url, 'GET', '/api/qa/scorecards')).body.items.filter((c: { name: string }) => c.name === name);
      expect(none, 'nothing stored').to.have.length(0);

      // 90 + 10: saved, listed as version 1.
      await field(page, 'item-weight').nth(1).fill('10');
      await field(page, 'item-weight').nth(1).press('Tab');
      await page.locator('[data-test=save-scorecard]').click();
      await page.locator('[data-test=scorecard-form]').waitFor({ state: 'detached' });
      const stored = (await api(hotline.url, 'GET', '/api/qa/scorecards')).body.items.filter((c: { name: string }) => c.name === name);
      expect(stored).to.have.length(1);
      expect(stored[0].sections[0].items.map((i: { weight: number; critical: boolean }) => [i.weight, i.critical])).to.deep.equal([[90, true], [10, false]]);
      const row = page.locator('[data-test=scorecards] .el-table__row', { hasText: name });
      expect((await row.innerText()).split(/\t|\n/).map((c) => c.trim()).filter(Boolean).slice(0, 3)).to.deep.equal([name, zh ? '所有技能组' : 'Any queue', '1']);

      // Edit: a new version.
      await row.locator('[data-test=edit-scorecard]').click();
      await field(page, 'item-text').nth(1).fill(zh ? '核实客户身份并记录' : 'Verifies the caller and notes it');
      await page.locator('[data-test=save-scorecard]').click();
      await page.locator('[data-test=scorecard-form]').waitFor({ state: 'detached' });
      const cells = (await page.locator('[data-test=scorecards] .el-table__row', { hasText: name }).innerText()).split(/\t|\n/).map((c) => c.trim()).filter(Boolean);
      expect(cells.slice(2, 4), 'version 2, 2 items').to.deep.equal(['2', '2']);
      await screenshot(page, `qa-scorecards-${locale}`);

      // The scoring form of a recording offers the newest version.
      await page.goto(`${hotline.url}/recordings?open=${recordingId}`);
      await page.locator('[data-test=evaluation-form]').waitFor();
      await page.locator('[data-test=scorecard]').click();
      await page.locator('.el-select-dropdown__item', { hasText: `${name} (v2)` }).click();
      await page.locator('[data-test=evaluation-form] [data-item=item-2]').waitFor();
      expect(await page.locator('[data-test=evaluation-form]').innerText()).to.include(zh ? '核实客户身份并记录' : 'Verifies the caller and notes it');
      await screenshot(page, `qa-scorecard-offered-${locale}`);

      expect(await missingKeys(page)).to.deep.equal([]);
      expect(p.errors).to.deep.equal([]);
      expect(p.consoleErrors).to.deep.equal([]);
    });

    it(`${locale}: an admin adds and deletes a keyword; an unknown word and Chinese show the server's 400; a supervisor reads the list`, async () => {
      const p = await open(locale, TEST_ADMIN.username, TEST_ADMIN.password, '/recordings');
      const { page } = p;
      await page.locator('[data-test=keywords-panel] .el-collapse-item__header').click();
      await page.locator('[data-test=keyword-form]').waitFor();

      const refused = async (phrase: string, expected: string) => {
        await field(page, 'keyword-phrase').fill(phrase);
        await field(page, 'keyword-phrase').press('Enter');
        const err = page.locator('[data-test=keyword-error]');
        await page.waitForFunction((x) => document.querySelector('[data-test=keyword-error]')?.textContent?.includes(x), expected);
        expect(await err.innerText()).to.include(expected);
      };
      await refused('cancel my accountzz', '"accountzz" is not in the recogniser\'s English dictionary');
      expect(await page.locator('[data-test=keyword-error]').innerText()).to.include(zh ? '“accountzz”不在识别器的英文词典中' : '“accountzz” is not in the recogniser\'s English dictionary.');
      await refused('取消账户', 'only English phrases can be spotted');
      expect(await page.locator('[data-test=keyword-error]').innerText()).to.include(zh ? '不支持中文' : 'Only English phrases can be spotted');
      await screenshot(page, `recordings-keyword-refused-${locale}`);
      expect((await api(hotline.url, 'GET', '/api/recordings/keywords')).body.items, 'nothing stored').to.deep.equal([]);

      // A good one, for queue kwq, on the agent's leg (chosen with the keyboard-usable selects).
      await field(page, 'keyword-phrase').fill('Cancel my account');
      await page.locator('[data-test=keyword-queue]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: 'kwq' }).click();
      await page.locator('[data-test=keyword-leg]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: zh ? '坐席' : 'Agent' }).click();
      await field(page, 'keyword-phrase').press('Enter');
      await page.locator('[data-test=keywords] .el-table__row', { hasText: 'cancel my account' }).waitFor();
      expect(await page.locator('[data-test=keyword-error]').count(), 'the old refusal is cleared').to.equal(0);
      const stored = (await api(hotline.url, 'GET', '/api/recordings/keywords')).body.items;
      expect(stored.map((k: { phrase: string; queue: string; leg: string }) => [k.phrase, k.queue, k.leg])).to.deep.equal([['cancel my account', 'kwq', 'agent']]);
      await screenshot(page, `recordings-keywords-${locale}`);

      // A supervisor sees it, without the form or delete buttons.
      const s = await open(locale, 'ed-sup', PASSWORD, '/recordings');
      await s.page.locator('[data-test=keywords-panel] .el-collapse-item__header').click();
      await s.page.locator('[data-test=keywords] .el-table__row', { hasText: 'cancel my account' }).waitFor();
      expect(await s.page.locator('[data-test=keyword-form]').count()).to.equal(0);
      expect(await s.page.locator('[data-test=delete-keyword]').count()).to.equal(0);
      expect(await appText(s.page)).to.include(zh ? '只有管理员可以修改关键词列表' : 'Only an administrator changes the keyword list');
      await screenshot(s.page, `recordings-keywords-supervisor-${locale}`);
      expect(await missingKeys(s.page)).to.deep.equal([]);
      expect(s.errors).to.deep.equal([]);
      expect(s.consoleErrors).to.deep.equal([]);

      // The admin deletes it.
      await page.locator('[data-test=keywords] .el-table__row', { hasText: 'cancel my account' }).locator('[data-test=delete-keyword]').click();
      await page.locator('[data-test=keywords] .el-table__row', { hasText: 'cancel my account' }).waitFor({ state: 'detached' });
      expect((await api(hotline.url, 'GET', '/api/recordings/keywords')).body.items).to.deep.equal([]);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(p.errors).to.deep.equal([]);
      expect(p.consoleErrors).to.deep.equal([]);
    });
  }
});
