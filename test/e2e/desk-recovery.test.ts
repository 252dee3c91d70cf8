// The desktop keeps the call through what happens to the page and to Hotline, with a hot standby
// running (two nodes, one MariaDB, one Asterisk; the page reaches Hotline through one address that
// moves to the standby, as keepalived's virtual IP does):
// - a reload during a call shows the call from the server (caller, talk timer, the pop) and hangs
//   it up through Asterisk — the browser's SIP session is gone, the call is not;
// - kill -9 of the active node: the page reconnects to the standby, its state and the live feed
//   go on, and the call in progress is not cut (the same Asterisk bridge, media still flowing).
import { expect } from 'chai';
import { api } from '../support/api.js';
import { appText, missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pageMediaStats, pbxChannels, QUEUE, SERVICE, setupDeskLab, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** "01:15" / "1:02:05" → seconds. */
const seconds = (text: string) => (text.match(/(\d+:)?\d+:\d+/)?.[0] ?? '').split(':').reduce((acc, p) => acc * 60 + Number(p), 0);

describe('the desktop keeps the call: reload, and kill -9 of the active node (hot standby, real Asterisk)', function () {
  this.timeout(240_000);
  let db: TestDb;
  const nodes: Record<'a' | 'b', HotlineProcess | undefined> = { a: undefined, b: undefined };
  let proxy: TcpProxy;
  let base: string;
  let agent: LabAgent;
  let desk: ConsolePage | undefined;
  let call: SippCall | undefined;

  const ha = (name: string) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const agentChannels = () => pbxChannels().filter((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`));

  /** A caller through the menu into the queue, answered on the page; resolves with the bridge. */
  async function answeredCall(caller: string) {
    const { page } = desk!;
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 90), waitBeforeDigitsMs: 500, hangupAfterMs: 120_000 });
    await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    await page.locator('[data-test=answer]').click();
    await waitForState(page, 'on_call');
    return waitForBridged(agent.endpoint, caller);
  }

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    nodes.a = await startHotline(ha('desk-a'), { waitForPbx: true });
    await waitUntil('node a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(ha('desk-b'), { waitForPbx: false });
    await waitUntil('node b standby', async () => (await role(nodes.b!)) === 'standby');
    proxy = await startTcpProxy(nodes.a.port);
    base = `http://127.0.0.1:${proxy.port}`;
    await setupDeskLab(nodes.a.url, 0, false);
    agent = await createDeskAgent(nodes.a.url, '陈静', 'e2e-recover');
    for (const [name, phone, title] of [['孙丽', '13900139001', '宽带断线'], ['Zhou Wei', '13900139002', 'Invoice question']] as const) {
      const c = await api(nodes.a.url, 'POST', '/api/customers', { name, phones: [phone], company: '远航物流' });
      expect(c.status, JSON.stringify(c.body)).to.equal(201);
      expect((await api(nodes.a.url, 'POST', '/api/tickets', { title, customerId: c.body.id })).status).to.equal(201);
    }
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    await desk?.close();
    desk = undefined;
    hangupAll();
  });
  after(async () => {
    await proxy?.close();
    await stopAllHotlines();
    await db?.drop();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: a reload during a call shows the server's call (caller, timer, pop) and hangs it up through Asterisk`, async () => {
      desk = await openDesk(base, agent, locale);
      const { page, errors } = desk;
      const caller = '13900139001';
      const before = await answeredCall(caller);
      const answeredAt = Date.now();

      // Waits for the document, not for the load event: on a loaded box the page's late resources
      // once took the 'load' past 30 s; what the agent sees is checked element by element below.
      await page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
      await page.locator('[data-test=phone-status][data-status=registered]').waitFor({ timeout: 30_000 });
      // The call as the server has it: this page's phone has no session for it.
      const shown = page.locator('[data-test=server-call]');
      await shown.waitFor({ timeout: 10_000 });
      expect(await shown.locator('[data-test=caller-number]').innerText()).to.equal(caller);
      expect(await shown.locator('[data-test=ring-queue]').innerText()).to.include(QUEUE);
      await page.locator('[data-test=customer-name-shown]').filter({ hasText: '孙丽' }).waitFor({ timeout: 5000 });
      expect(await appText(page)).to.include('宽带断线').and.include('远航物流');
      expect(await page.locator('[data-test=ivr-path]').innerText()).to.match(/m → q/);
      await waitForState(page, 'on_call');
      // The talk timer counts from the answer (not from the reload), and runs.
      const t1 = seconds(await shown.locator('[data-test=talk-timer]').innerText());
      expect(t1).to.be.at.least(Math.floor((Date.now() - answeredAt) / 1000) - 2);
      await waitUntil('the talk timer to run', async () => seconds(await shown.locator('[data-test=talk-timer]').innerText()) > t1, 3000);
      // The reload cut nothing: the same bridge in Asterisk.
      const after = await waitForBridged(agent.endpoint, caller);
      expect(after.agent.bridge).to.equal(before.agent.bridge);
      await screenshot(page, `desk-reloaded-call-${locale}`);

      await page.locator('[data-test=softphone] [data-test=hangup]').click();
      await waitUntil('Asterisk to hang up both legs', () => agentChannels().length === 0 && !pbxChannels().some((c) => c.callerId === caller), 10_000);
      await call!.waitFor('PBX_BYE', 10_000);
      await waitUntil('the page to show no call', async () => (await page.locator('[data-call-state]').count()) === 0, 10_000);
      await waitForState(page, 'available');
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('kill -9 of the active node: the page reconnects to the standby, state and feed go on, the call is not cut', async () => {
    desk = await openDesk(base, agent, 'en');
    const { page, errors } = desk;
    const caller = '13900139002';
    const bridged = await answeredCall(caller);
    await page.locator('[data-test=customer-name-shown]').filter({ hasText: 'Zhou Wei' }).waitFor({ timeout: 5000 });
    await page.locator('[data-test=feed-status][data-status=live]').waitFor();

    await nodes.a!.stop('SIGKILL');
    proxy.retarget(nodes.b!.port); // the virtual IP moves
    await page.locator('[data-test=reconnecting]').waitFor({ timeout: 5000 });
    await waitUntil('node b active', async () => (await role(nodes.b!)) === 'active', 15_000);
    await page.locator('[data-test=feed-status][data-status=live]').waitFor({ timeout: 20_000 });
    await waitUntil('the banner to go', async () => (await page.locator('[data-test=reconnecting]').count()) === 0, 5000);

    // The call goes on: the same bridge, media still flowing both ways, the page still on it.
    const now = await waitForBridged(agent.endpoint, caller);
    expect(now.agent.bridge).to.equal(bridged.agent.bridge);
    const s1 = await pageMediaStats(page);
    await waitUntil('RTP still flowing both ways after the failover', async () => {
      const s2 = await pageMediaStats(page);
      return s2.packetsReceived > s1.packetsReceived + 25 && s2.packetsSent > s1.packetsSent + 25;
    }, 10_000, 250);
    expect(await page.locator('[data-test=softphone] [data-call-state=connected]').count()).to.equal(1);
    await waitForState(page, 'on_call');
    await screenshot(page, 'desk-after-failover-en');

    // The feed goes on from the new active node: the hang-up, then a pause typed on the CLI.
    await page.locator('[data-test=hangup]').click();
    await waitUntil('both legs gone', () => agentChannels().length === 0 && !pbxChannels().some((c) => c.callerId === caller), 10_000);
    await waitForState(page, 'available', 10_000);
    cli(`queue pause member PJSIP/${agent.endpoint} queue ${QUEUE} reason lunch`);
    await page.locator('[data-test=agent-state][data-state=break]').filter({ hasText: 'Lunch' }).waitFor({ timeout: 5000 });
    await page.locator('[data-test=ready]').click();
    await waitForState(page, 'available');
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
