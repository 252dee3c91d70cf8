// Satisfaction surveys (满意度调查) in the console, in Chromium against a real Hotline (MariaDB, no
// Asterisk): in zh-CN an admin creates a survey through the Surveys tab's form from the 3-point
// Chinese preset — two answers with the same key are named under the second one's key and nothing
// is stored — then names it in a queue's form (the queue's other settings kept), and deleting it
// is refused naming that queue. In English the Reports page's Satisfaction view
// (/reports?view=satisfaction) shows the figures of the responses (surveyed, answered, rates,
// average, answers per label, the totals row, the CSAT chart and the definitions), a row lists its
// responses, and a response's link opens its call, whose drawer shows the answer; grouping comes
// from the address; the form shows the server's refusals under their fields (a library prompt that
// does not exist, a name taken). In zh-CN the drawer says how an unanswered survey ended and shows nothing for
// a call not surveyed. Screenshots in both languages, no missing translation, no page error, no
// serious axe finding.
//
// The responses are put straight into `survey_responses` (with their call records): the real-call
// path that writes them (SIPp callers pressing keys after the agent hangs up) is covered by the
// integration test of app/survey, not here.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { api } from '../support/api.js';
import { answerQuestion, axeViolations, missingKeys, openConsole, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { dbTime, seedCall } from '../support/call-records.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, TEST_ADMIN, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

const HOUR = 3_600_000;
const SURVEY = 'csat-3';
const AGENT = randomUUID();

describe('satisfaction surveys in the console: the Surveys tab, the queue form, the Satisfaction report, the call drawer (Chromium, no Asterisk)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const pages: ConsolePage[] = [];
  const calls = { satisfied: '', hungUp: '', notSurveyed: '' };
  const dispositions = { required: false, codes: [{ code: 'done', labels: { 'zh-CN': '已解决', en: 'Done' } }] };

  /** A surveyed call: its call record and its response row, as the survey module leaves them. */
  async function surveyed(caller: string, minutesAgo: number, status: string, answer: [string, string, number, boolean] | null): Promise<string> {
    const startedAt = new Date(Date.now() - 2 * HOUR - minutesAgo * 60_000);
    const id = await seedCall(db, { caller, called: '4001', flow: 'main', startedAt, seconds: 90, outcome: 'handed_off', queue: 'support', agentId: AGENT, agentName: 'Alice', talkSeconds: 60 });
    const asked = new Date(startedAt.getTime() + 80_000);
    await db.exec(
      'INSERT INTO survey_responses (id, call_id, channel_id, survey, queue, agent_id, agent_name, caller_number, status, answer_key, label, score, satisfied, asked, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), id, `seed-${id}`, SURVEY, 'support', AGENT, 'Alice', caller, status, answer?.[0] ?? null, answer?.[1] ?? null, answer?.[2] ?? null, answer === null ? null : answer[3] ? 1 : 0, 1, dbTime(db, asked), dbTime(db, new Date(asked.getTime() + 8000))],
    );
    return id;
  }

  before(async () => {
    db = await createTestDb('mariadb');
    hotline = await startHotlineWithoutPbx({ ...db.env, HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: '60' });
    const q = await api(hotline.url, 'POST', '/api/acd/queues', { name: 'support', settings: { wrapupSeconds: 15, dispositions } });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    // Five surveyed calls: three answers (满意 ×2, 一般), one without an answer, one hung up while asked; one call not surveyed.
    calls.satisfied = await surveyed('13800138001', 10, 'answered', ['1', '满意', 5, true]);
    await surveyed('13800138002', 20, 'answered', ['1', '满意', 5, true]);
    await surveyed('13800138003', 30, 'answered', ['2', '一般', 3, false]);
    await surveyed('13800138004', 40, 'no_answer', null);
    calls.hungUp = await surveyed('13800138005', 50, 'caller_hangup', null);
    calls.notSurveyed = await seedCall(db, { caller: '13800138006', called: '4001', flow: 'main', startedAt: new Date(Date.now() - 3 * HOUR), seconds: 30, outcome: 'handed_off', queue: 'support', agentName: 'Alice' });
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) {
      expect(await missingKeys(p.page), 'translation keys missing').to.deep.equal([]);
      expect(p.errors, 'page errors').to.deep.equal([]);
      await p.close();
    }
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  async function signedIn(locale: 'zh-CN' | 'en', path: string) {
    const c = await openConsole(locale);
    pages.push(c);
    await signIn(c.page, hotline.url, TEST_ADMIN.username, TEST_ADMIN.password, path);
    return c.page;
  }
  const settled = (page: Page) => page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });
  const serious = async (page: Page) => {
    const v = await axeViolations(page);
    expect(v.filter((x) => x.impact === 'critical' || x.impact === 'serious'), JSON.stringify(v, null, 1)).to.deep.equal([]);
  };
  const surveys = async () => (await api(hotline.url, 'GET', '/api/surveys')).body.items as Array<{ name: string; options: unknown[]; language: string; question: unknown; thanksPrompt?: unknown }>;

  it('zh-CN: an admin creates the 3-point survey from the preset (a key given twice named, nothing stored), names it in a queue, and cannot delete it while the queue asks it', async () => {
    const page = await signedIn('zh-CN', '/admin?tab=surveys');
    const tab = page.locator('[data-test=surveys-admin]');
    await tab.getByText('还没有满意度调查').waitFor();
    await page.locator('[data-test=new-survey]').click();
    const form = page.locator('[data-test=survey-form]');
    await form.waitFor();
    await form.locator('input[name=survey-name]').fill(SURVEY);
    await form.locator('[data-preset=zh3]').click();
    const rows = form.locator('[data-test=survey-option]');
    expect(await rows.count()).to.equal(3);
    expect(await rows.nth(2).locator('input[name=option-label]').inputValue()).to.equal('不满意');
    expect(await form.locator('textarea[name=node-question]').inputValue()).to.contain('满意请按1，一般请按2，不满意请按3');

    // Bad input: answer 2 given key 1 as well — named under its key, nothing stored.
    await rows.nth(1).locator('input[name=option-key]').fill('1');
    await form.locator('[data-test=save-survey]').click();
    await form.locator('[data-test=option-error]', { hasText: '选项 2：按键 1 已用于选项 1。' }).waitFor();
    expect(await rows.nth(1).locator('input[name=option-key]').getAttribute('aria-invalid')).to.equal('true');
    await settled(page);
    await screenshot(page, 'surveys-form-error-zh-CN');
    expect(await surveys(), 'nothing stored').to.deep.equal([]);

    await rows.nth(1).locator('input[name=option-key]').fill('2');
    await form.locator('[data-test=save-survey]').click();
    await page.locator('.el-notification', { hasText: `已创建调查 ${SURVEY}。` }).waitFor();
    const [made] = await surveys();
    expect(made).to.deep.include({ name: SURVEY, language: 'zh', options: [{ key: '1', label: '满意', score: 5, satisfied: true }, { key: '2', label: '一般', score: 3, satisfied: false }, { key: '3', label: '不满意', score: 1, satisfied: false }] });
    const row = tab.locator('.el-table__row').filter({ has: page.locator(`[data-survey="${SURVEY}"]`) });
    expect(await row.locator('[data-test=survey-answers]').innerText()).to.match(/1 满意 \(5\) ✓\s+2 一般 \(3\)\s+3 不满意 \(1\)/);
    expect(await row.locator('[data-test=survey-queues]').innerText()).to.equal('尚无队列使用');

    // The queue form names it; what the form does not change is kept.
    await page.goto(`${hotline.url}/admin?tab=queues`);
    await page.locator('[data-test=queues-table] [data-queue=support]').waitFor();
    await page.locator('[data-test=queues-table] tr').filter({ has: page.locator('[data-queue=support]') }).locator('[data-test=edit-queue]').click();
    const queueForm = page.locator('[data-test=queue-form]');
    await queueForm.locator('[data-test=queue-survey]').click();
    await page.locator('.hl-pop-queue-survey .el-select-dropdown__item:visible').filter({ hasText: SURVEY }).click();
    await queueForm.locator('[data-test=queue-survey]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await settled(page);
    await screenshot(page, 'surveys-queue-form-zh-CN');
    await queueForm.locator('[data-test=save-queue]').click();
    await waitUntil('the queue names the survey', async () => (await api(hotline.url, 'GET', '/api/acd/queues/support')).body.settings.survey === SURVEY || undefined, 5000);
    const settings = (await api(hotline.url, 'GET', '/api/acd/queues/support')).body.settings;
    expect(settings.dispositions).to.deep.equal(dispositions);
    expect(settings.wrapupSeconds).to.equal(15);
    await page.locator('[data-test=queue-survey-tag]', { hasText: `调查：${SURVEY}` }).waitFor();

    // Back on the Surveys tab: used by support, and not deleted while it is.
    await page.goto(`${hotline.url}/admin?tab=surveys`);
    await row.locator('[data-test=survey-queues]', { hasText: 'support' }).waitFor();
    await row.locator('[data-test=delete-survey]').click();
    await answerQuestion(page, '删除调查', '删除');
    await tab.locator('[data-test=surveys-error]', { hasText: `调查 ${SURVEY} 仍被队列 support 使用` }).waitFor();
    expect((await surveys()).map((s) => s.name)).to.deep.equal([SURVEY]);
    await settled(page);
    await screenshot(page, 'surveys-admin-zh-CN');
    await serious(page);
  });

  it('en: the Satisfaction report shows the responses\' figures, a row lists its responses, a response opens its call with the answer; grouping from the address; the server\'s refusals under their fields', async () => {
    const page = await signedIn('en', '/reports?view=satisfaction');
    const view = page.locator('[data-test=satisfaction-view]');
    const row = view.locator('[data-test=sat-table] .el-table__body tr').filter({ hasText: 'support' });
    await row.waitFor();
    const cell = (c: string) => row.locator(`[data-col=${c}]`).innerText();
    expect([await cell('surveyed'), await cell('answered'), await cell('responseRate'), await cell('csat'), await cell('averageScore')]).to.deep.equal(['5', '3', '60.0%', '66.7%', '4.33']);
    expect(await row.innerText()).to.match(/\b2\s+1\s*$/); // 满意 2, 一般 1
    const footer = await view.locator('[data-test=sat-table] .el-table__footer').innerText();
    expect(footer).to.match(/Total\s+5\s+3\s+60\.0%\s+66\.7%\s+4\.33\s+2\s+1/);
    await view.locator('[data-test=sat-chart] canvas').waitFor();
    const defs = await view.locator('[data-test=sat-definitions]').innerText();
    expect(defs).to.contain('Response rate = calls answered ÷ calls surveyed.').and.contain('Satisfaction (CSAT) = answers marked satisfied ÷ answers.');
    expect(await page.locator('.el-tabs__item.is-active').innerText()).to.equal('Satisfaction');
    await settled(page);
    await screenshot(page, 'surveys-report-en');
    await serious(page);
    // The responses of the window shown, as .xlsx headed in English.
    const [file] = await Promise.all([page.waitForEvent('download'), view.locator('[data-test=sat-export]').click()]);
    expect(file.suggestedFilename()).to.equal('survey-responses.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await file.path());
    const sheet = book.getWorksheet('Satisfaction survey')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).to.include.members(['Caller', 'Queue', 'Agent', 'Answer', 'Score', 'Satisfied']);
    expect(sheet.rowCount - 1, 'one row per response of the window').to.equal(5);

    // The row's responses, newest first, in words; the first one's link opens its call.
    await row.locator('[data-test=sat-open]').click();
    const drawer = page.locator('[data-test=survey-responses]');
    await drawer.locator('[data-test=survey-responses-count]', { hasText: '5 responses, newest first' }).waitFor();
    const lines = drawer.locator('[data-test=survey-responses-table] .el-table__body tr');
    await waitUntil('the responses listed', async () => (await lines.count()) === 5 || undefined, 5000);
    expect(await drawer.locator('[data-test=response-answer]').allInnerTexts()).to.deep.equal(['满意 (5 points)', '满意 (5 points)', '一般 (3 points)', '—', '—']);
    expect(await drawer.locator('[data-test=response-status]').allInnerTexts()).to.deep.equal(['Answered', 'Answered', 'Answered', 'No answer', 'Hung up during the survey']);
    expect(await lines.first().innerText()).to.contain('13800138001').and.contain('Alice');
    await settled(page);
    await screenshot(page, 'surveys-responses-en');
    await lines.first().locator('[data-test=response-call]').click();
    await page.waitForURL((u) => u.pathname === '/calls' && u.searchParams.get('open') === calls.satisfied);
    const answer = page.locator(`[data-test=call-drawer][data-id="${calls.satisfied}"] [data-test=call-survey-answer]`);
    await answer.waitFor();
    expect(await answer.innerText()).to.equal('满意 (5 points)');
    await settled(page);
    await screenshot(page, 'surveys-call-drawer-en');

    // Grouped by agent, from the address.
    await page.goto(`${hotline.url}/reports?view=satisfaction&groupBy=agent`);
    const agentRow = view.locator('[data-test=sat-table] .el-table__body tr').filter({ hasText: 'Alice' });
    await agentRow.waitFor();
    expect(await agentRow.locator('[data-col=csat]').innerText()).to.equal('66.7%');
    expect(await view.locator('[data-test=sat-table] th').first().innerText()).to.equal('Agent');

    // The Surveys tab and the survey's form in English.
    await page.goto(`${hotline.url}/admin?tab=surveys`);
    const surveyRow = page.locator('[data-test=surveys-table] .el-table__row').filter({ has: page.locator(`[data-survey="${SURVEY}"]`) });
    await surveyRow.waitFor();
    expect(await surveyRow.locator('[data-test=survey-queues]').innerText()).to.equal('support');
    await settled(page);
    await screenshot(page, 'surveys-admin-en');
    await surveyRow.locator('[data-test=edit-survey]').click();
    const form = page.locator('[data-test=survey-form]');
    await form.waitFor();
    expect(await form.locator('input[name=survey-name]').count(), 'the name is not changed').to.equal(0);
    expect(await form.locator('[data-test=survey-option] input[name=option-label]').first().inputValue()).to.equal('满意');
    await settled(page);
    await screenshot(page, 'surveys-form-en');
    // A library prompt that does not exist: the server's refusal (400 survey_prompt_missing) under that prompt; nothing changed.
    await form.locator('[data-test=node-thanksPrompt-kind]').click();
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Prompt from the library' }).click();
    await form.locator('input[name=node-thanksPrompt]').fill('no-such-prompt');
    await form.locator('[data-test=save-survey]').click();
    await form.locator('.el-form-item__error', { hasText: 'This does not exist: prompt no-such-prompt.' }).waitFor();
    expect((await surveys())[0]!.thanksPrompt).to.deep.equal({ text: '感谢您的评价，再见。' });
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });

    // A name taken: the server's refusal (409 survey_exists) under the name.
    await page.locator('[data-test=new-survey]').click();
    await form.locator('input[name=survey-name]').fill(SURVEY);
    await form.locator('[data-preset=en5]').click();
    expect(await form.locator('[data-test=survey-option]').count()).to.equal(5);
    await form.locator('[data-test=save-survey]').click();
    await form.locator('.el-form-item__error', { hasText: `A survey named ${SURVEY} already exists.` }).waitFor();
    expect((await surveys()).length).to.equal(1);
  });

  it('zh-CN: the report in Chinese; the drawer says a caller hung up during the survey, and shows no survey line for a call not surveyed', async () => {
    const page = await signedIn('zh-CN', '/reports?view=satisfaction');
    const view = page.locator('[data-test=satisfaction-view]');
    await view.locator('[data-test=sat-table] .el-table__body tr').filter({ hasText: 'support' }).waitFor();
    expect(await view.locator('[data-test=sat-definitions]').innerText()).to.contain('参评率 = 作答通话 ÷ 参评通话。');
    expect(await view.locator('[data-test=sat-table] .el-table__footer').innerText()).to.contain('合计');
    await settled(page);
    await screenshot(page, 'surveys-report-zh-CN');

    await page.goto(`${hotline.url}/calls?open=${calls.hungUp}`);
    const answer = page.locator(`[data-test=call-drawer][data-id="${calls.hungUp}"] [data-test=call-survey-answer]`);
    await answer.waitFor();
    expect(await answer.innerText()).to.equal('调查中挂机');
    await settled(page);
    await screenshot(page, 'surveys-call-drawer-zh-CN');

    await page.goto(`${hotline.url}/calls?open=${calls.notSurveyed}`);
    const drawer = page.locator(`[data-test=call-drawer][data-id="${calls.notSurveyed}"]`);
    await drawer.locator('[data-test=call-started-at]').waitFor();
    // The lookup answered (null) before the drawer is judged: ask the API the page asks.
    expect((await api(hotline.url, 'GET', `/api/surveys/response-of-call?callId=${calls.notSurveyed}`)).body).to.deep.equal({ response: null });
    expect(await drawer.locator('[data-test=call-survey]').count()).to.equal(0);
  });
});
