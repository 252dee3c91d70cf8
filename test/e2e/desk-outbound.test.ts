// Calling a customer from the desktop through the browser phone (click-to-dial): the dialled
// number's customer card pops (outgoing) before anything rings, Asterisk rings the agent's WebRTC
// phone, which answers by itself (the agent asked for this call), then dials the customer (a SIPp
// phone that answers); the WebRTC leg is bridged with the customer's channel. Then the agent
// calls the customer back from the card's phone number. A voicemail the customer left (a SIPp
// caller speaking into the IVR's voicemail node) comes live onto the desk's voicemail box, is
// played in the page (heard by the agent), called back through the same phone, marked done with a
// note, and reopened.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { startPhone, type Agents } from '../support/agents.js';
import { api, publishFlow } from '../support/api.js';
import { appText, missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pageMediaStats, pbxChannels, setupDeskLab, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { patternPcap } from '../support/recording-lab.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';

const PHONE_PORT = 5098;
const NUMBER = '13900139005';

describe('click-to-dial from the desktop through the browser phone, with the outbound pop (real Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let customerPhone: Agents;
  let agent: LabAgent;
  let desk: ConsolePage;

  before(async () => {
    ensurePbx();
    hangupAll();
    customerPhone = await startPhone(PHONE_PORT, 'answer');
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${PHONE_PORT}` });
    ami = await new AmiWatch().start();
    await setupDeskLab(hotline.url, 0, false);
    agent = await createDeskAgent(hotline.url, '吴芳', 'e2e-dialer');
    const c = await api(hotline.url, 'POST', '/api/customers', { name: '郑凯', phones: [NUMBER], vipLevel: 1, company: '东方电器' });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    expect((await api(hotline.url, 'POST', '/api/tickets', { title: '安装预约', customerId: c.body.id })).status).to.equal(201);
    desk = await openDesk(hotline.url, agent, 'zh-CN');
  });
  afterEach(() => hangupAll());
  after(async () => {
    await desk?.close();
    await ami?.stop();
    await stopAllHotlines();
    customerPhone?.stop();
    await db?.drop();
  });

  /** The call placed: the page on it as an outgoing call, Asterisk bridging the WebRTC leg with the customer. */
  async function placed(mark: number) {
    const { page } = desk;
    await page.locator('[data-test=softphone] [data-call-state=connected]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-test=answer]').count(), 'the agent did not have to answer their own call').to.equal(0);
    // The customer's leg (dialled through HOTLINE_OUTBOUND_DIAL) shares the WebRTC leg's bridge.
    await waitUntil('the WebRTC leg bridged with the customer\'s channel', () => {
      const chans = pbxChannels();
      const mine = chans.find((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`) && c.bridge);
      return mine && mine.callerId === NUMBER && chans.some((c) => c.name.startsWith('PJSIP/callers-') && c.bridge === mine.bridge && c.state === 'Up');
    }, 15_000);
    const dial = ami.events.slice(mark).find((e) => fieldOf(e, 'Event') === 'UserEvent' && fieldOf(e, 'UserEvent') === 'HotlineOutbound' && fieldOf(e, 'Number') === NUMBER);
    expect(dial, 'dialled through hotline-agent-dial').to.not.equal(undefined);
    const stats = await waitUntil('the browser sending RTP', async () => {
      const s = await pageMediaStats(page);
      return s.packetsSent > 25 ? s : undefined;
    }, 10_000, 250);
    expect(stats.packetsSent).to.be.above(25);
  }

  async function hangUp() {
    await desk.page.locator('[data-test=softphone] [data-test=hangup]').click();
    await waitUntil('both legs gone', () => !pbxChannels().some((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`) || c.callerId === NUMBER), 10_000);
    await waitUntil('the page to show no call', async () => (await desk.page.locator('[data-call-state]').count()) === 0, 10_000);
  }

  it('from the dial pad: the customer card pops (outgoing) before the call, the phone answers by itself, the customer is bridged', async () => {
    const { page, errors } = desk;
    const mark = ami.events.length;
    await page.locator('input[data-test=dial-number], [data-test=dial-number] input').fill(NUMBER);
    await page.locator('[data-test=dial]').click();
    await page.locator('[data-test=customer-name-shown]').filter({ hasText: '郑凯' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-test=screen-pop]').innerText()).to.include('呼出').and.include(NUMBER);
    expect(await appText(page)).to.include('安装预约').and.include('东方电器');
    await placed(mark);
    await screenshot(page, 'desk-outbound-zh-CN');
    await hangUp();
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('from the customer card: Call on the phone number places the same call', async () => {
    const { page } = desk;
    const mark = ami.events.length;
    const btn = page.locator(`[data-test=card-dial][data-number="${NUMBER}"]`);
    await waitUntil('the card\'s Call button to be enabled', async () => btn.isEnabled(), 10_000);
    await btn.click();
    await placed(mark);
    await hangUp();
  });

  it('a voicemail the customer left comes live onto the desk: played (heard by me), called back through the phone, done with a note, reopened', async () => {
    const { page, errors } = desk;
    await publishFlow(hotline.url, 'vm-desk', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'sales', maxSeconds: 30 } } }, ['6111']);
    const talk = patternPcap('vm-desk-440', [{ ms: 10_000, hz: 440 }], { ssrc: 0x564d4455 });
    assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '6111', caller: NUMBER, dtmfFile: talk, waitBeforeDigitsMs: 0, hangupAfterMs: 4500 }));
    await page.locator('.hl-vm-notice').filter({ hasText: 'sales' }).waitFor({ timeout: 20_000 });
    const box = page.locator('[data-test=voicemail-box]');
    const row = box.locator('li[data-voicemail]', { hasText: '郑凯' });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('new');
    expect(await row.innerText()).to.include(NUMBER).and.include('新留言').and.include('信箱 sales');
    const id = (await row.getAttribute('data-voicemail'))!;

    // Play: the recording in the page, as long as the caller spoke; the message is now heard, by me.
    await row.locator('[data-test=vm-play]').click();
    const seconds = await waitUntil('the recording loaded in the page', async () => {
      const dur = await row.locator('audio').evaluate((a: HTMLAudioElement) => a.duration).catch(() => NaN);
      return Number.isFinite(dur) && dur > 0 ? dur : undefined;
    }, 10_000);
    expect(seconds, 'seconds of audio').to.be.within(2, 6);
    await row.locator('[data-test=vm-heard]').waitFor();
    expect((await api(hotline.url, 'GET', `/api/voicemails/${id}`)).body).to.include({ status: 'heard', heardBy: agent.username });

    // Call back: the same click-to-dial call, bridged with the customer's phone.
    const mark = ami.events.length;
    const back = row.locator('[data-test=vm-call-back]');
    await waitUntil('Call back enabled', async () => back.isEnabled(), 10_000);
    await back.click();
    await placed(mark);
    await screenshot(page, 'desk-voicemail-zh-CN');
    await hangUp();

    // Done with a note: off the list to call back; in the Done list with the note; Reopen brings it back.
    const note = '已回电，预约周五上门';
    await row.locator('[data-test=vm-done]').click();
    await row.locator('input[name=note]').fill(note);
    await row.locator('[data-test=vm-done-save]').click();
    await row.waitFor({ state: 'detached' });
    expect((await api(hotline.url, 'GET', `/api/voicemails/${id}`)).body).to.include({ status: 'done', doneBy: agent.username, note });
    await box.locator('[data-test=vm-view-done]').click();
    const closed = box.locator(`li[data-voicemail="${id}"]`);
    await closed.locator('[data-test=vm-done-by]', { hasText: note }).waitFor();
    await closed.locator('[data-test=vm-reopen]').click();
    await closed.waitFor({ state: 'detached' });
    await box.locator('[data-test=vm-view-open]').click();
    await box.locator(`li[data-voicemail="${id}"][data-status=heard]`).waitFor();
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
