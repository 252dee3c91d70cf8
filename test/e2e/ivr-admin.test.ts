// The admin console's IVR tab (Chromium, no Asterisk: flows, versions and numbers live in the
// database; text prompts are synthesized by espeak-ng at publish), in both languages. An admin
// creates a flow (a bad name is refused in the page's language, nothing stored), sees its
// outline, writes a menu with a key that leads nowhere: the outline marks it, Check saves the
// draft and names the node and field; fixed, it is published; a dry run presses 1 and walks
// greeting → menu → thanks → goodbye; a number is mapped to it (a bad number refused); a second
// version is saved with Ctrl+S and published, then rolled back; closing with unsaved changes asks
// first. Every step is checked against the API, as a user would find it afterwards.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { adminLab } from '../support/admin-lab.js';
import { answerQuestion, appText, axeViolations, missingKeys, screenshot } from '../support/browser.js';
import { waitUntil } from '../support/pbx.js';

interface Flow { name: string; publishedVersion: number | null; latestVersion: number; numbers: string[]; versions?: Array<{ version: number; status: string }> }

describe('administration console: IVR flows, versions and numbers (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();

  const flows = async () => (await api(lab.base, 'GET', '/api/ivr/flows')).body.items as Flow[];
  const flow = async (name: string) => (await api(lab.base, 'GET', `/api/ivr/flows/${name}`)).body as Flow;
  const definition = async (name: string, version: number) => (await api(lab.base, 'GET', `/api/ivr/flows/${name}/versions/${version}`)).body.definition as { nodes: Record<string, { next?: string; options?: Record<string, string>; prompt?: { text: string } }> };
  const notice = (page: Page, text: string) => page.locator('.el-notification', { hasText: text }).first().waitFor();
  const pick = async (page: Page, select: string, option: string) => {
    await page.locator(select).click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
  };
  /** Confirms a question whose title is its action (the console's confirmed()). */
  const answer = answerQuestion;
  const confirm = (page: Page, action: string) => answer(page, action, action);

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`creates, checks, publishes, dry-runs, maps a number to, versions and rolls back a flow (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const name = `hotline-${zh ? 'zh' : 'en'}`;
      const number = zh ? '8102' : '8101';
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=ivr');
      await page.locator('[data-test=ivr-admin]').waitFor();
      const before = (await flows()).map((f) => f.name);

      // A bad name is named in the page's language; nothing is stored.
      await page.locator('[data-test=new-flow]').click();
      const form = page.locator('[data-test=flow-form]');
      await form.locator('input[name=flow-name]').fill('no spaces please');
      await form.locator('[data-test=save-flow]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '只能使用字母、数字' : 'Use letters, digits' }).waitFor();
      expect((await flows()).map((f) => f.name)).to.deep.equal(before);
      await form.locator('input[name=flow-name]').fill(name);
      await form.locator('input[name=flow-description]').fill(zh ? '售后热线' : 'After-sales line');
      await form.locator('[data-test=save-flow]').click();

      // The editor opens on the starter: a greeting in the page's language, then goodbye.
      const editor = page.locator('[data-test=flow-editor]');
      await editor.locator('[data-test=draft-state]', { hasText: zh ? '草稿 v1，从未发布' : 'Draft v1, never published' }).waitFor();
      const outline = editor.locator('[data-test=outline]');
      await outline.locator('[data-node=welcome]').waitFor();
      expect(await outline.innerText()).to.contain(zh ? '播报“您好，欢迎致电。”' : 'Says “Welcome. Thank you for calling.”');
      expect((await flow(name)).latestVersion).to.equal(1);

      // A menu whose key 2 leads nowhere: the outline marks it before anything is saved.
      const def = {
        entry: 'welcome',
        language: zh ? 'zh' : 'en',
        nodes: {
          welcome: { type: 'play', prompt: { text: zh ? '您好' : 'Hello' }, next: 'menu' },
          menu: { type: 'menu', prompt: { text: zh ? '请按一或二' : 'Press one or two' }, options: { 1: 'thanks', 2: 'nowhere' }, timeoutMs: 3000, retries: 1, onExhausted: 'goodbye' },
          thanks: { type: 'play', prompt: { text: zh ? '谢谢' : 'Thank you' }, next: 'goodbye' },
          goodbye: { type: 'hangup' },
        },
      };
      const textarea = editor.locator('textarea[data-test=definition]');
      await textarea.fill(JSON.stringify(def, null, 2));
      await editor.locator('[data-test=unsaved]').waitFor();
      await outline.locator('[data-test=edge]', { hasText: zh ? '按 2 → nowhere' : 'Key 2 → nowhere' }).locator('.hl-missing', { hasText: zh ? '不存在' : 'missing' }).waitFor();

      // Check saves the draft and names the node and field.
      await editor.locator('[data-test=check-flow]').click();
      const problems = editor.locator('[data-test=problems]');
      await problems.waitFor();
      expect(await problems.innerText()).to.match(/menu\s+options\.2\s+/);
      expect(await problems.innerText(), 'the problem in the page\'s language').to.contain(zh ? '按 2 指向的“nowhere”不存在' : 'Key 2 leads to "nowhere", which does not exist');
      expect((await definition(name, 1)).nodes.menu.options).to.deep.equal({ 1: 'thanks', 2: 'nowhere' });
      expect((await flow(name)).publishedVersion).to.equal(null);
      // Publish refuses it too, and says how many problems.
      await editor.locator('[data-test=publish-flow]').click();
      await editor.locator('[data-test=editor-error]', { hasText: zh ? '未发布：有 1 个问题' : 'Not published: 1 problem(s)' }).waitFor();
      expect((await flow(name)).publishedVersion).to.equal(null);
      await screenshot(page, `admin-ivr-problems-${locale}`);

      // Fixed in the node's form (key 2 now leads to goodbye, the menu says new words), written into the JSON; then published.
      await outline.locator('tr').filter({ has: page.locator('[data-node=menu]') }).locator('[data-test=edit-node]').click();
      const nodeForm = page.locator('[data-test=node-form]');
      await nodeForm.locator('[data-test=node-option]').nth(1).locator('[data-test=node-option-target]').click();
      await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: 'goodbye' }).click();
      await nodeForm.locator('textarea[name=node-say]').fill(zh ? '请按一或二，谢谢' : 'Press one or two, please');
      await screenshot(page, `admin-ivr-node-form-${locale}`);
      await nodeForm.locator('[data-test=node-apply]').click();
      await outline.locator('[data-test=edge]', { hasText: zh ? '按 2 → goodbye' : 'Key 2 → goodbye' }).waitFor();
      def.nodes.menu.options = { 1: 'thanks', 2: 'goodbye' };
      def.nodes.menu.prompt = { text: zh ? '请按一或二，谢谢' : 'Press one or two, please' };
      expect(JSON.parse(await textarea.inputValue()), 'the form wrote the node into the definition, nothing else changed').to.deep.equal(def);
      await editor.locator('[data-test=publish-flow]').click();
      await notice(page, zh ? `${name} v1 已发布` : `${name} v1 published`);
      await editor.locator('[data-test=draft-state]', { hasText: zh ? 'v1 已发布；保存后生成草稿 v2' : 'v1 is published; saving starts draft v2' }).waitFor();
      expect((await flow(name)).publishedVersion).to.equal(1);

      // A dry run of the published version: key 1.
      const dry = editor.locator('[data-test=dry-run]');
      await dry.locator('input[name=digits]').fill('1');
      await dry.locator('label', { hasText: zh ? '已发布版本' : 'Published' }).click();
      await waitUntil('the dry run to be set to the published version', () => dry.locator('input[value=published]').isChecked());
      await dry.locator('[data-test=run-dry]').click();
      const path = dry.locator('[data-test=dry-run-path] li');
      await waitUntil('the dry run to show four nodes', async () => (await path.count()) === 4);
      expect((await path.allInnerTexts()).map((s) => s.split(/\s/)[0])).to.deep.equal(['welcome', 'menu', 'thanks', 'goodbye']);
      expect(await path.nth(1).innerText()).to.contain(zh ? '按了 1' : 'pressed 1');
      expect(await dry.locator('[data-test=dry-run-end]').innerText()).to.equal(zh ? '通话结束（挂断）' : 'The call ends (hang-up)');
      await screenshot(page, `admin-ivr-editor-${locale}`);

      // A second version, saved with Ctrl+S and published; then rolled back to v1.
      def.nodes.welcome.prompt = { text: zh ? '您好，新版本' : 'Hello, version two' };
      await textarea.fill(JSON.stringify(def, null, 2));
      await textarea.press('Control+s');
      await notice(page, zh ? '草稿 v2 已保存' : 'Draft v2 saved');
      expect((await definition(name, 2)).nodes.welcome.prompt).to.deep.equal(def.nodes.welcome.prompt);
      await editor.locator('[data-test=publish-flow]').click();
      await notice(page, zh ? `${name} v2 已发布` : `${name} v2 published`);
      const versions = editor.locator('[data-test=versions]');
      const v1 = versions.locator('tr').filter({ has: page.locator('[data-version="1"]') });
      await v1.locator('[data-test=rollback]').click();
      await confirm(page, zh ? '回滚到此版本' : 'Roll back to this');
      await notice(page, zh ? `${name}：新来电使用 v1` : `${name}: new calls get v1`);
      await waitUntil('v1 to be published again', async () => (await flow(name)).publishedVersion === 1);
      await editor.locator('[data-test=draft-state]', { hasText: zh ? 'v2 未在使用（来电使用 v1）' : 'v2 is not in use (calls get v1)' }).waitFor();

      // Closing with unsaved changes asks first; "Cancel" keeps the editor and the text.
      await textarea.fill(JSON.stringify({ ...def, entry: 'thanks' }, null, 2));
      await page.keyboard.press('Escape');
      await answer(page, zh ? '放弃修改' : 'Discard changes', zh ? '取消' : 'Cancel');
      expect(await textarea.inputValue()).to.contain('"entry": "thanks"');
      await page.keyboard.press('Escape');
      await confirm(page, zh ? '放弃修改' : 'Discard changes');
      await editor.waitFor({ state: 'detached' });
      expect((await flow(name)).latestVersion, 'nothing saved by closing').to.equal(2);

      // The list: published v1, a later version not in use.
      const row = page.locator('[data-test=flows-table] tr').filter({ has: page.locator(`[data-flow="${name}"]`) });
      await row.locator('[data-test=flow-state]', { hasText: zh ? '最新 v2，未使用' : 'Latest v2, not in use' }).waitFor();
      expect(await row.innerText()).to.contain(zh ? '已发布 v1' : 'Published v1');

      // A number: a bad one is refused in the page's language, a good one mapped.
      const map = page.locator('[data-test=map-number]');
      await map.locator('input[name=number]').fill('81-01');
      await pick(page, '[data-test=map-flow]', name);
      await map.locator('[data-test=map-save]').click();
      await page.locator('[data-test=map-error]', { hasText: zh ? '号码只能包含数字' : 'A number is digits' }).waitFor();
      await map.locator('input[name=number]').fill(number);
      await map.locator('[data-test=map-save]').click();
      await notice(page, zh ? `号码 ${number} 现在进入 ${name}` : `Number ${number} now reaches ${name}`);
      const numberRow = page.locator('[data-test=numbers-table] tr').filter({ has: page.locator(`[data-number="${number}"]`) });
      await numberRow.locator('[data-test=run-by]', { hasText: zh ? 'Hotline（Stasis 应用）' : 'Hotline (Stasis app)' }).waitFor();
      expect((await flow(name)).numbers).to.deep.equal([number]);
      await screenshot(page, `admin-ivr-${locale}`);

      expect(await appText(page)).to.not.equal('');
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  /** A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone at `rate` Hz. */
  function toneWav(seconds: number, rate = 8000): Buffer {
    const n = Math.round(seconds * rate);
    const b = Buffer.alloc(44 + n * 2);
    b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
    b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
    b.write('data', 36); b.writeUInt32LE(n * 2, 40);
    for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
    return b;
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`prompts: uploads a recording and plays it, refuses a file that is not audio, speaks a text; a flow names a missing one; a prompt a flow plays is not deleted (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = zh ? 'zh' : 'en';
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=prompts');
      const admin = page.locator('[data-test=prompts-admin]');
      await admin.waitFor();
      const prompt = async (name: string) => api(lab.base, 'GET', `/api/prompts/${name}`);

      // Not audio: refused in the page's language, nothing stored.
      const up = admin.locator('[data-test=prompt-upload]');
      await up.locator('input[name=upload-name]').fill(`bad-${tag}`);
      await up.locator('input[data-test=prompt-file]').setInputFiles({ name: 'greeting.wav', mimeType: 'audio/wav', buffer: Buffer.from('this is text, not sound') });
      await up.locator('[data-test=prompt-upload-save]').click();
      await up.locator('[data-test=prompt-upload-error]', { hasText: zh ? '文件不是音频' : 'The file is not an audio file' }).waitFor();
      expect((await prompt(`bad-${tag}`)).status).to.equal(404);

      // A recording: stored, listed, playable in the page.
      await up.locator('input[name=upload-name]').fill(`welcome-${tag}`);
      await up.locator('input[data-test=prompt-file]').setInputFiles({ name: 'welcome.wav', mimeType: 'audio/wav', buffer: toneWav(1.5, 16000) });
      await up.locator('[data-test=prompt-upload-save]').click();
      const row = admin.locator('[data-test=prompts-table] tr').filter({ has: page.locator(`[data-prompt="welcome-${tag}"]`) });
      await row.waitFor();
      expect(await row.innerText()).to.contain('1.5 s');
      expect((await prompt(`welcome-${tag}`)).body).to.include({ source: 'upload', language: zh ? 'zh' : 'en' });
      await row.locator('[data-test=play-prompt]').click();
      const audio = row.locator('audio[data-test=prompt-audio]');
      await audio.waitFor();
      const seconds = await audio.evaluate((el: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
        if (el.readyState >= 1) resolve(el.duration);
        el.addEventListener('loadedmetadata', () => resolve(el.duration));
        el.addEventListener('error', () => reject(new Error('the audio did not load')));
      }));
      expect(seconds).to.be.within(1.4, 1.6);

      // Text to speech.
      const say = admin.locator('[data-test=prompt-tts]');
      await say.locator('input[name=tts-name]').fill(`hours-${tag}`);
      await say.locator('textarea[name=tts-text]').fill(zh ? '我们的工作时间是早九点到晚六点' : 'We are open from nine to six');
      await say.locator('[data-test=prompt-tts-save]').click();
      await admin.locator('[data-test=prompts-table] tr').filter({ has: page.locator(`[data-prompt="hours-${tag}"]`) }).waitFor();
      expect((await prompt(`hours-${tag}`)).body).to.include({ source: 'tts' });
      expect((await prompt(`hours-${tag}`)).body.durationMs).to.be.greaterThan(500);
      await screenshot(page, `admin-prompts-${locale}`);

      // A flow that plays the recording and a prompt that does not exist: the check names the missing one.
      const flowName = `prompts-${tag}`;
      const def = { entry: 'hi', nodes: { hi: { type: 'play', prompt: { prompt: `welcome-${tag}` }, next: 'bye' }, bye: { type: 'hangup', prompt: { prompt: `gone-${tag}` } } } };
      expect((await api(lab.base, 'POST', '/api/ivr/flows', { name: flowName, definition: def })).status).to.equal(201);
      await page.goto(`${lab.base}/admin?tab=ivr`);
      await page.locator('[data-test=flows-table] tr').filter({ has: page.locator(`[data-flow="${flowName}"]`) }).locator('[data-test=open-flow]').click();
      const editor = page.locator('[data-test=flow-editor]');
      expect(await editor.locator('[data-test=outline]').innerText()).to.contain(zh ? `播放提示音 welcome-${tag}` : `Plays prompt welcome-${tag}`);
      await editor.locator('[data-test=check-flow]').click();
      const problems = editor.locator('[data-test=problems]');
      await problems.waitFor();
      expect((await problems.innerText()).trim().split('\n').filter((l) => l.includes(tag))).to.have.length(1);
      expect(await problems.innerText()).to.contain(zh ? `提示音库中没有 gone-${tag}` : `Prompt gone-${tag} is not in the prompt library`);
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'detached' });

      // The flow plays the recording: it is not deleted, and the page names the flow. Once the flow plays another, it is.
      await page.goto(`${lab.base}/admin?tab=prompts`);
      await row.locator('[data-test=delete-prompt]').click();
      await answer(page, zh ? '删除' : 'Delete', zh ? '删除' : 'Delete');
      await admin.locator('[data-test=prompts-error]', { hasText: zh ? `IVR 流程 ${flowName} 正在播放这个提示音` : `IVR flows ${flowName} play this prompt` }).waitFor();
      expect((await prompt(`welcome-${tag}`)).status).to.equal(200);
      const other = { ...def, nodes: { ...def.nodes, hi: { ...def.nodes.hi, prompt: { text: 'Hi' } } } };
      expect((await api(lab.base, 'PUT', `/api/ivr/flows/${flowName}/draft`, { definition: other })).status).to.equal(200);
      await row.locator('[data-test=delete-prompt]').click();
      await answer(page, zh ? '删除' : 'Delete', zh ? '删除' : 'Delete');
      await row.waitFor({ state: 'detached' });
      expect((await prompt(`welcome-${tag}`)).status).to.equal(404);

      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the IVR tab and in the editor', async () => {
    const starter = { entry: 'hi', nodes: { hi: { type: 'play', prompt: { text: 'Hi' }, next: 'menu' }, menu: { type: 'menu', prompt: { text: 'Press 1' }, options: { 1: 'bye', 2: 'gone' }, timeoutMs: 3000, retries: 1, onExhausted: 'bye' }, bye: { type: 'hangup' } } };
    expect((await api(lab.base, 'POST', '/api/ivr/flows', { name: 'axe-flow', definition: starter })).status).to.equal(201);
    const c = await lab.signedIn('en', '/admin?tab=ivr');
    const row = c.page.locator('[data-test=flows-table] tr').filter({ has: c.page.locator('[data-flow="axe-flow"]') });
    await row.waitFor();
    const serious = async () => (await axeViolations(c.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const onTab = await serious();
    expect(onTab, JSON.stringify(onTab, null, 1)).to.deep.equal([]);
    await row.locator('[data-test=open-flow]').click();
    await c.page.locator('[data-test=flow-editor] [data-test=outline] [data-node=hi]').waitFor();
    await c.page.locator('[data-test=flow-editor] [data-test=check-flow]').click();
    await c.page.locator('[data-test=flow-editor] [data-test=problems]').waitFor();
    const inEditor = await serious();
    expect(inEditor, JSON.stringify(inEditor, null, 1)).to.deep.equal([]);
  });
});
