// The browser phone's controls, asserted where a user would notice them: mute stops the
// microphone's sound going out (the sender's audio energy stands still while RTP keeps flowing,
// and grows again on unmute); the keypad's digits reach Asterisk as RFC 4733 DTMF on the agent's
// channel; the keyboard shortcuts answer (Alt+A), hang up (Alt+H), take a break (Alt+B) and
// make the agent Ready (Alt+R), each seen in Asterisk and in the server's state.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pageMediaStats, pbxChannels, QUEUE, SERVICE, setupDeskLab, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

describe('browser phone: mute, keypad and keyboard shortcuts (real Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let agent: LabAgent;
  let desk: ConsolePage;
  let call: SippCall | undefined;
  let n = 0;

  const agentChannel = () => pbxChannels().find((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`))?.name;

  /** A caller (who talks) rings the page; answered by `answer` (a click or a shortcut). */
  async function ringing(): Promise<string> {
    const caller = `1371113${String(7000 + ++n)}`;
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 60), waitBeforeDigitsMs: 500, hangupAfterMs: 90_000 });
    await desk.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    return caller;
  }

  /** Waits while `packets` more RTP packets leave the page; resolves with the stats before and after. */
  async function whileSending(packets: number) {
    const before = await pageMediaStats(desk.page);
    const after = await waitUntil(`${packets} more RTP packets sent`, async () => {
      const s = await pageMediaStats(desk.page);
      return s.packetsSent >= before.packetsSent + packets ? s : undefined;
    }, 10_000, 100);
    return { before, after };
  }

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env });
    ami = await new AmiWatch().start();
    await setupDeskLab(hotline.url, 0, false);
    agent = await createDeskAgent(hotline.url, '冯雪', 'e2e-keys');
    desk = await openDesk(hotline.url, agent, 'en');
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    hangupAll();
    await waitUntil('the page to have no call', async () => (await desk.page.locator('[data-call-state]').count()) === 0, 10_000);
  });
  after(async () => {
    await desk?.close();
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
  });

  it('mute: the microphone\'s sound stops going out while RTP keeps flowing; unmute brings it back', async () => {
    const { page } = desk;
    const caller = await ringing();
    await page.locator('[data-test=answer]').click();
    await waitForBridged(agent.endpoint, caller);
    // Unmuted, the (fake) microphone's sound goes out.
    const live = await whileSending(100);
    expect(live.after.audioEnergySent, 'sound sent before mute').to.be.above(live.before.audioEnergySent);

    await page.locator('[data-test=mute]').click();
    await page.locator('[data-test=softphone]').getByText('muted').waitFor();
    await whileSending(25); // the frames encoded before the click
    const muted = await whileSending(100);
    // Unmuted the energy grew by ~0.5 over 100 packets; muted it stands (float noise ~1e-11).
    const liveDelta = live.after.audioEnergySent - live.before.audioEnergySent;
    expect(muted.after.audioEnergySent - muted.before.audioEnergySent, 'no sound sent while muted').to.be.below(liveDelta / 1000);
    await screenshot(page, 'desk-muted-en');

    await page.locator('[data-test=mute]').click();
    await waitUntil('the muted mark to go', async () => (await page.locator('[data-test=softphone]').getByText('muted').count()) === 0, 5000);
    const back = await whileSending(100);
    expect(back.after.audioEnergySent, 'sound sent again after unmute').to.be.above(back.before.audioEnergySent);
  });

  it('keypad: each digit clicked reaches Asterisk as DTMF on the agent\'s channel', async () => {
    const { page } = desk;
    const caller = await ringing();
    await page.locator('[data-test=answer]').click();
    await waitForBridged(agent.endpoint, caller);
    const chan = agentChannel()!;
    await page.locator('[data-test=keypad]').click();
    for (const digit of ['4', '2', '#']) {
      await page.locator(`[data-test="key-${digit}"]`).click();
      await ami.waitFor('DTMFEnd', { Channel: chan, Digit: digit, Direction: 'Received' }, 5000);
    }
    const got = ami.events.filter((e) => fieldOf(e, 'Event') === 'DTMFEnd' && fieldOf(e, 'Channel') === chan && fieldOf(e, 'Direction') === 'Received').map((e) => fieldOf(e, 'Digit'));
    expect(got).to.deep.equal(['4', '2', '#']);
  });

  it('shortcuts: Alt+A answers, Alt+H hangs up, Alt+B takes a break, Alt+R makes the agent Ready', async () => {
    const { page } = desk;
    const caller = await ringing();
    await page.keyboard.press('Alt+A');
    await waitForBridged(agent.endpoint, caller);
    await waitForState(page, 'on_call');
    await page.keyboard.press('Alt+H');
    await waitUntil('both legs gone', () => !agentChannel() && !pbxChannels().some((c) => c.callerId === caller), 10_000);
    await call!.waitFor('PBX_BYE', 10_000);
    await waitForState(page, 'available');

    await page.keyboard.press('Alt+B');
    await page.locator('[data-test=agent-state][data-state=break]').filter({ hasText: 'Lunch' }).waitFor({ timeout: 5000 });
    expect(cli(`queue show ${QUEUE}`)).to.match(new RegExp(`PJSIP/${agent.endpoint}.*paused`, 'i'));
    await page.keyboard.press('Alt+R');
    await waitForState(page, 'available');
    expect(cli(`queue show ${QUEUE}`)).to.not.match(new RegExp(`PJSIP/${agent.endpoint}.*paused`, 'i'));
    expect(await missingKeys(page)).to.deep.equal([]);
  });
});
