// The agent desk and the satisfaction survey, with a real call: a SIPp caller presses 1 in the
// menu and waits in the queue; the agent answers on the page's WebRTC phone and hangs up from the
// page; the caller stays on the line, hears the survey's question (synthesized Chinese) and
// presses 1 (满意). The agent's page tells them at once, and "My day" lists the rating with the
// day's satisfaction. Screenshot in zh-CN (test-artifacts/screenshots/desk-survey-rated-zh-CN.png).
import { expect } from 'chai';
import { api } from '../support/api.js';
import { missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, QUEUE, SERVICE, setupDeskLab, waitForState, type LabAgent } from '../support/desk-lab.js';
import { dtmfPcap } from '../support/dtmf-pcap.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

describe('agent desk: the caller rates the call after the agent hangs up (real call, WebRTC phone)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let agent: LabAgent;
  let desk: ConsolePage | undefined;
  let call: SippCall | undefined;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env });
    await setupDeskLab(hotline.url, 0, false);
    const survey = await api(hotline.url, 'POST', '/api/surveys', {
      name: 'desk-csat',
      language: 'zh',
      question: { text: '满意请按1，不满意请按2' },
      options: [{ key: '1', label: '满意', score: 5, satisfied: true }, { key: '2', label: '不满意', score: 1, satisfied: false }],
      timeoutSeconds: 12,
      retries: 0,
    });
    expect(survey.status, JSON.stringify(survey.body)).to.equal(201);
    const q = await api(hotline.url, 'GET', `/api/acd/queues/${QUEUE}`);
    const put = await api(hotline.url, 'PUT', `/api/acd/queues/${QUEUE}`, { ...q.body.settings, survey: 'desk-csat' });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    agent = await createDeskAgent(hotline.url, '赵敏', 'e2e-zhaomin');
  });
  after(async () => {
    if (call) await call.stop();
    await desk?.close();
    hangupAll();
    await stopAllHotlines();
    await db?.drop();
  });

  it('zh-CN: answer, hang up from the page; the caller presses 1 and the desk shows 满意 with the day\'s satisfaction', async () => {
    desk = await openDesk(hotline.url, agent, 'zh-CN');
    const { page, errors } = desk;
    const caller = '13700137001';
    // 1 for the menu at once; the second 1 about 14 s later, for the survey (the agent has hung up by then).
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: dtmfPcap('11', { gapMs: 14_000 }), waitBeforeDigitsMs: 500, recvTimeoutMs: 60_000 });
    await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    await page.locator('[data-test=answer]').click();
    await waitForState(page, 'on_call');
    await page.locator('[data-test=call-timer]').waitFor();
    await page.locator('[data-test=hangup]').click();
    // The caller is not cut off: the survey asks, the key is saved, then Hotline ends the call.
    const notice = page.locator('.hl-survey-notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).to.include('满意').and.include('5');
    const r = await call.done;
    expect(r.events.PBX_BYE, 'Hotline ended the call after the answer').to.equal(1);
    call = undefined;
    await page.getByRole('tab', { name: /满意度/ }).click();
    await waitUntil('the rating in My day', async () => (await page.locator('[data-test=my-ratings] li').count()) === 1, 10_000);
    expect(await page.locator('[data-test=my-ratings]').innerText()).to.include('满意').and.include(QUEUE);
    expect(await page.locator('[data-test=my-csat]').innerText()).to.include('100%');
    await screenshot(page, 'desk-survey-rated-zh-CN');
    // What the supervisor's report sees of the same answer.
    const from = new Date(Date.now() - 600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const responses = await api(hotline.url, 'GET', `/api/surveys/responses?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(responses.body.items[0]).to.deep.include({ callerNumber: caller, status: 'answered', agentId: agent.id, agentName: '赵敏', label: '满意' });
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
