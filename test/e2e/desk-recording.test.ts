// The agent desktop's recording button with a real call: a queue that records every call, a
// SIPp caller, the agent's WebRTC phone in Chromium. Once answered the softphone shows the
// recording; the agent pauses it (the customer reads a card number) and resumes it; the stored
// recording carries the paused span. Screenshot of the paused state in en and zh-CN.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from '../support/api.js';
import { screenshot, type ConsolePage } from '../support/browser.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, DISPOSITIONS, openDesk, QUEUE, SERVICE, setupDeskLab, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

const SPOOL_NAME = `hotline-rec-e2e-${process.pid}`;

describe('agent desktop: pause and resume the recording of a real call', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let agent: LabAgent;
  let desk: ConsolePage | undefined;
  let call: SippCall | undefined;
  let work: string;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    work = mkdtempSync(join(tmpdir(), 'hotline-rec-e2e-'));
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    mkdirSync(spool, { recursive: true });
    chmodSync(spool, 0o777);
    hotline = await startHotline({ ...db.env, HOTLINE_RECORDINGS_DIR: join(work, 'store'), HOTLINE_RECORDINGS_SPOOL_DIR: spool, HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: `/var/spool/asterisk/monitor/${SPOOL_NAME}`, HOTLINE_RECORDINGS_KEY_FILE: join(work, 'keys') });
    await setupDeskLab(hotline.url, 0, false);
    const put = await api(hotline.url, 'PUT', `/api/acd/queues/${QUEUE}`, { skills: { desk: 1 }, wrapupSeconds: 0, ringSeconds: 30, dispositions: { required: false, codes: DISPOSITIONS }, recording: { mode: 'all' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    agent = await createDeskAgent(hotline.url, 'Rec Agent', 'e2e-rec');
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    await desk?.close();
    desk = undefined;
    hangupAll();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
    rmSync(join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`${locale}: the softphone shows the recording; pause and resume; the stored recording has the paused span`, async () => {
      desk = await openDesk(hotline.url, agent, locale);
      const { page, errors } = desk;
      const caller = locale === 'en' ? '13900139001' : '13900139002';
      call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 60), waitBeforeDigitsMs: 500, hangupAfterMs: 90_000 });
      await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
      await page.locator('[data-test=answer]').click();
      await waitForState(page, 'on_call');
      const box = page.locator('[data-test=recording]');
      await box.and(page.locator('[data-recording=recording][data-paused=false]')).waitFor({ timeout: 10_000 });
      expect(await box.innerText()).to.include(locale === 'en' ? 'Recording' : '录音中');
      await page.waitForTimeout(1500);
      await page.locator('[data-test=recording-pause]').click();
      await box.and(page.locator('[data-paused=true]')).waitFor({ timeout: 5000 });
      expect(await box.innerText()).to.include(locale === 'en' ? 'Recording paused' : '录音已暂停');
      await screenshot(page, `desk-recording-paused-${locale}`);
      await page.waitForTimeout(2000);
      await page.locator('[data-test=recording-resume]').click();
      await box.and(page.locator('[data-paused=false]')).waitFor({ timeout: 5000 });
      await page.waitForTimeout(1500);
      await page.locator('[data-test=hangup]').click();
      await call.done;
      const rec = await waitUntil('the recording to be stored', async () => {
        const r = (await api(hotline.url, 'GET', `/api/recordings?number=${caller}`)).body.items?.[0];
        return r?.status === 'stored' ? r : undefined;
      }, 30_000, 250);
      expect(rec.pauses).to.have.length(1);
      expect(rec.pauses[0].to - rec.pauses[0].from).to.be.within(1.5, 4);
      expect(rec.agentId).to.equal(agent.id);
      expect(errors, 'no page errors').to.deep.equal([]);
    });
  }
});
