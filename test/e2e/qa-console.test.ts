// Quality inspection in the console, with a real recorded queue call: a SIPp caller (440 Hz all
// along) reaches a lab agent phone that talks back in bursts (600 Hz, 3 s on, 2 s off) through a
// queue that records every call and flags more than 2 s of talk-over — this call's audio has
// several. The supervisor finds it on the recordings page by its flag, plays it (the <audio>
// element advances, the API answered 206), scores it with a critical item failed (score 0) and
// comments at two times of the call (a marker seeks); a refused submit shows the server's reason.
// The agent sees the evaluation and disputes it; the supervisor resolves it; the QA report counts
// it. All in English; then the same pages in Chinese, translated (no missing key). Screenshots.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { agentAction, createAgent, createQueue, queueFlow, userToken, waitForAgentState } from '../support/acd.js';
import { api } from '../support/api.js';
import { appText, missingKeys, openConsole, screenshot as shoot, signIn, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { patternPcap, startTalkingAgent } from '../support/recording-lab.js';
import { startCall } from '../support/sipp.js';

const SLOT = 7; // the agent's lab phone: 127.0.0.1:5097
const SPOOL_NAME = `hotline-qa-e2e-${process.pid}`;
const PASSWORD = 'Kiwi-Orange-Secret-9'; // userToken's
const CALLER = `55572${String(process.pid % 1000).padStart(3, '0')}01`;
const CARD = {
  name: 'Service quality',
  queue: 'qaq',
  sections: [
    { title: 'Opening', weight: 40, items: [
      { id: 'greet', text: 'Greets the customer by the standard script', type: 'yesno', weight: 50 },
      { id: 'verify', text: 'Verifies the caller\'s identity', type: 'yesno', weight: 50, critical: true },
    ] },
    { title: 'Resolution', weight: 60, items: [
      { id: 'solve', text: 'Solves the customer\'s issue', type: 'scale', max: 5, weight: 70 },
      { id: 'follow', text: 'Offers a follow-up', type: 'yesno', weight: 30, allowNa: true },
    ] },
  ],
};

describe('QA console: a flagged recorded call scored, disputed, resolved and reported', function () {
  this.timeout(150_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let phone: { stop(): void } | undefined;
  let work: string;
  let rec: any;
  const pages: ConsolePage[] = [];
  const agentUser = { username: 'qa-agent', id: '' };
  const supUser = { username: 'qa-sup', id: '' };

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    work = mkdtempSync(join(tmpdir(), 'hotline-qa-e2e-'));
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    mkdirSync(spool, { recursive: true });
    chmodSync(spool, 0o777);
    hotline = await startHotline({ ...db.env, HOTLINE_RECORDINGS_DIR: join(work, 'store'), HOTLINE_RECORDINGS_SPOOL_DIR: spool, HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: `/var/spool/asterisk/monitor/${SPOOL_NAME}`, HOTLINE_RECORDINGS_KEY_FILE: join(work, 'keys') });
    await createQueue(hotline.url, 'qaq', { skills: { qa: 1 }, recording: { mode: 'all', flags: { maxTalkOverSeconds: 2 } } });
    agentUser.id = (await userToken(hotline.url, agentUser.username, 'agent')).id;
    supUser.id = (await userToken(hotline.url, supUser.username, 'supervisor')).id;
    const agent = await createAgent(hotline.url, 'qaagent', SLOT, { qa: 5 }, { userId: agentUser.id });
    await queueFlow(hotline.url, 'to-qaq', 'qaq', '7611');
    const card = await api(hotline.url, 'POST', '/api/qa/scorecards', CARD);
    expect(card.status, JSON.stringify(card.body)).to.equal(201);
    // The agent talks in bursts over a caller who never stops: talk-over well past 2 s.
    phone = await startTalkingAgent(5090 + SLOT, patternPcap('qa-agent-bursts', Array.from({ length: 12 }, (_, i) => ({ ms: i % 2 ? 2000 : 3000, hz: i % 2 ? null : 600 })), { ssrc: 0x51414147 }));
    await agentAction(hotline.url, agent, 'login');
    await waitForAgentState(hotline.url, agent, 'available');

    const call = await startCall({ scenario: 'uac-dtmf', service: '7611', caller: CALLER, dtmfFile: patternPcap('qa-caller-440', [{ ms: 60_000, hz: 440 }], { ssrc: 0x51414143 }), waitBeforeDigitsMs: 0, hangupAfterMs: 60_000 });
    try {
      await waitUntil('the call to be recorded', async () => (await api(hotline.url, 'GET', `/api/recordings?number=${CALLER}`)).body.items?.[0]?.status === 'recording' || undefined, 30_000, 200);
      await new Promise((r) => setTimeout(r, 9000));
    } finally {
      await call.hangup();
    }
    await call.done;
    rec = await waitUntil('the recording to be stored and flagged', async () => {
      const r = (await api(hotline.url, 'GET', `/api/recordings?number=${CALLER}`)).body.items?.[0];
      if (r?.status === 'failed') throw new Error(`the recording failed: ${r.error}`);
      return r?.status === 'stored' && r.signals ? r : undefined;
    }, 30_000, 250);
    expect(rec.flags, JSON.stringify(rec.signals)).to.include('talk_over');
  });
  afterEach(() => hangupAll());
  after(async () => {
    for (const p of pages.splice(0)) await p.close();
    phone?.stop();
    await stopAllHotlines();
    await db?.drop();
    rmSync(join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function open(locale: 'en' | 'zh-CN', username: string, path: string): Promise<ConsolePage> {
    const p = await openConsole(locale);
    pages.push(p);
    await signIn(p.page, hotline.url, username, PASSWORD, path);
    return p;
  }
  /** A screenshot of the settled page (tags and tab bars fade and slide in). */
  async function screenshot(page: Page, name: string): Promise<void> {
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });
    await shoot(page, name);
  }
  const audioTime = (page: Page) => page.locator('[data-test=audio]').evaluate((a: HTMLAudioElement) => a.currentTime);

  it('en: find by flag, play (206), score with a failed critical item (0) and timed comments; the agent disputes; the supervisor resolves; the report counts it', async () => {
    const sup = await open('en', supUser.username, '/recordings');
    const { page } = sup;
    const streamed: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/api/recordings/${rec.id}/stream`)) streamed.push(r.status());
    });
    // Search by flag: the flagged call is listed with its flag, duration and no score yet.
    await page.locator('[data-test=filter-flag]').click();
    await page.getByRole('option', { name: 'Talk-over' }).click();
    await page.locator('[data-test=search]').click();
    const row = page.locator('[data-test=recordings] .el-table__row', { hasText: CALLER });
    await row.waitFor();
    expect(await page.locator('[data-test=recordings] .el-table__row').count()).to.equal(1);
    const rowText = await row.innerText();
    expect(rowText).to.include('Talk-over').and.include('qaagent').and.include('qaq');
    expect(rowText).to.match(/00:(0[89]|1\d)/); // the ~9 s call

    // Open and play: the element advances and the API answered with partial content.
    await row.locator('[data-test=open-recording]').click();
    await page.locator(`[data-test=recording-detail][data-id="${rec.id}"]`).waitFor();
    await page.locator('[data-test=timeline]').focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (document.querySelector('[data-test=audio]') as HTMLAudioElement).currentTime > 1.5, undefined, { timeout: 15_000 });
    expect(streamed, 'stream responses').to.include(206);

    // A comment at the current time, then 5 s later (keyboard seek) another.
    await page.locator('[data-test=audio]').evaluate((a: HTMLAudioElement) => a.pause());
    const t1 = await audioTime(page);
    await page.locator('input[data-test=comment-text], [data-test=comment-text] input').fill('Did not verify the caller\'s identity');
    await page.keyboard.press('Enter');
    await page.locator('[data-test=timeline]').focus();
    await page.keyboard.press('ArrowRight');
    const t2 = await audioTime(page);
    expect(t2 - t1).to.be.closeTo(5, 0.6);
    await page.locator('input[data-test=comment-text], [data-test=comment-text] input').fill('Talks over the customer');
    await page.locator('[data-test=add-comment]').click();
    await page.locator('[data-test=marker]').nth(1).waitFor();
    await page.locator('[data-test=marker]').first().click();
    expect(await audioTime(page)).to.be.closeTo(t1, 0.3);

    // Three of four items answered: the server refuses, the page says why.
    const answer = (item: string, label: string) => page.locator(`[data-item=${item}]`).getByText(label, { exact: true }).click();
    await answer('greet', 'Yes');
    await answer('verify', 'No');
    await answer('solve', '4');
    await page.locator('[data-test=submit-evaluation]').click();
    const refused = await page.locator('[data-test=evaluation-error]').innerText();
    expect(refused).to.include('The evaluation does not fit the scorecard').and.include('follow');
    await answer('follow', 'N/A');
    await page.locator('textarea[data-test=summary], [data-test=summary] textarea').fill('Friendly, but skipped the identity check.');
    await page.locator('[data-test=submit-evaluation]').click();
    const result = page.locator('[data-test=evaluation-result]');
    await result.waitFor();
    expect(await result.getAttribute('data-score')).to.equal('0');
    expect(await result.innerText()).to.include('Critical item failed').and.include('Verifies the caller\'s identity');
    const saved = (await api(hotline.url, 'GET', `/api/qa/evaluations?recordingId=${rec.id}`)).body.items;
    expect(saved).to.have.length(1);
    expect(saved[0].comments.map((c: { text: string }) => c.text)).to.deep.equal(['Did not verify the caller\'s identity', 'Talks over the customer']);
    expect(saved[0].comments[0].at).to.be.closeTo(t1, 0.2);
    expect((await row.innerText()).split(/\t|\n/).map((c) => c.trim()), 'the list shows the score').to.include('0');
    await screenshot(page, 'qa-recording-scored-en');

    // The agent reads it (score, comments at times) and disputes it.
    const agent = await open('en', agentUser.username, '/qa');
    const mine = agent.page.locator('[data-test=evaluation]');
    await mine.waitFor();
    expect(await mine.getAttribute('data-score')).to.equal('0');
    const mineText = await mine.innerText();
    expect(mineText).to.include('Awaiting agent').and.include('Did not verify the caller\'s identity').and.include('Talks over the customer');
    expect(await agent.page.locator('.hl-nav').innerText()).to.include('My evaluations').and.not.include('Recordings');
    await agent.page.locator('[data-test=dispute]').click();
    await agent.page.locator('textarea[data-test=dispute-text], [data-test=dispute-text] textarea').fill('I asked for the ID number at the start; the customer refused.');
    await agent.page.locator('[data-test=dispute-send]').click();
    await agent.page.locator('[data-test=evaluation][data-status=disputed]').waitFor();
    await screenshot(agent.page, 'qa-agent-disputed-en');

    // The supervisor resolves the dispute.
    await page.goto(`${hotline.url}/qa`);
    const disputed = page.locator('[data-test=evaluation][data-status=disputed]');
    await disputed.waitFor();
    expect(await disputed.innerText()).to.include('I asked for the ID number');
    await page.locator('textarea[data-test=resolve-text], [data-test=resolve-text] textarea').fill('Checked the recording: the identity question was not asked. Score stands.');
    await page.locator('[data-test=resolve-send]').click();
    await page.locator('[data-test=no-evaluations]').waitFor();
    expect((await api(hotline.url, 'GET', `/api/qa/evaluations/${saved[0].id}`)).body.status).to.equal('resolved');

    // The QA report: one evaluation for the agent, average 0.
    await page.getByRole('tab', { name: 'QA report' }).click();
    const reportRow = page.locator('[data-test=qa-report] .el-table__row', { hasText: 'qaagent' });
    await reportRow.waitFor();
    expect((await reportRow.innerText()).split(/\t|\n/).map((c) => c.trim()).filter(Boolean)).to.deep.equal(['qaagent', '1', '0']);
    await screenshot(page, 'qa-report-en');
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(await missingKeys(agent.page)).to.deep.equal([]);
    expect([...sup.errors, ...agent.errors]).to.deep.equal([]);
  });

  it('zh-CN: the recordings page, the evaluation, the agent\'s page and the report are translated', async () => {
    const sup = await open('zh-CN', supUser.username, `/recordings?open=${rec.id}`);
    await sup.page.locator('[data-test=evaluation][data-status=resolved]').waitFor();
    const text = await appText(sup.page);
    expect(text).to.include('录音质检').and.include('抢话').and.include('已处理').and.include('为本通话评分').and.include('致命项');
    await screenshot(sup.page, 'qa-recording-zh-CN');
    await sup.page.goto(`${hotline.url}/qa?tab=report`);
    await sup.page.locator('[data-test=qa-report] .el-table__row').first().waitFor();
    expect(await appText(sup.page)).to.include('质检报表').and.include('平均分');
    await screenshot(sup.page, 'qa-report-zh-CN');
    const agent = await open('zh-CN', agentUser.username, '/qa');
    await agent.page.locator('[data-test=evaluation]').waitFor();
    expect(await appText(agent.page)).to.include('我的质检').and.include('坐席申诉').and.include('的处理意见');
    await screenshot(agent.page, 'qa-agent-zh-CN');
    expect(await missingKeys(sup.page)).to.deep.equal([]);
    expect(await missingKeys(agent.page)).to.deep.equal([]);
    expect([...sup.errors, ...agent.errors]).to.deep.equal([]);
  });
});
