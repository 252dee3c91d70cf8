// An agent who closes the browser tab in the middle of a call: the browser phone's audio stops,
// and Asterisk hangs the leg up after HOTLINE_AGENT_RTP_TIMEOUT_SECONDS (PJSIP rtp_timeout on the
// agents' WebRTC endpoints, 5 s here) — the caller is not left connected to nobody; Hotline ends
// the agent's call (no longer on a call) and the caller hears the hang-up.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pbxChannels, SERVICE, setupDeskLab, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

describe('the agent closes the tab during a call (real Asterisk, Chromium)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let agent: LabAgent;
  let call: SippCall | undefined;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    hotline = await startHotline({ ...db.env, HOTLINE_AGENT_RTP_TIMEOUT_SECONDS: '5' });
    await setupDeskLab(hotline.url, 0, false);
    agent = await createDeskAgent(hotline.url, '林晓', 'e2e-tabclose');
  });
  after(async () => {
    if (call) await call.stop();
    hangupAll();
    await stopAllHotlines();
    await db?.drop();
  });

  it('the caller is hung up a few seconds after the tab closed, and the agent is no longer on a call', async () => {
    expect(cli(`pjsip show endpoint ${agent.endpoint}`)).to.match(/rtp_timeout\s*:\s*5\b/);
    const desk = await openDesk(hotline.url, agent, 'zh-CN');
    const caller = '13900139077';
    // The caller keeps talking (audio both ways) and would stay 120 s.
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 90), waitBeforeDigitsMs: 500, hangupAfterMs: 120_000 });
    await desk.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    await desk.page.locator('[data-test=answer]').click();
    await waitForState(desk.page, 'on_call');
    await waitForBridged(agent.endpoint, caller);

    const closedAt = Date.now();
    await desk.close();
    const res = await call.done;
    const afterMs = Date.now() - closedAt;
    expect(res.events.PBX_BYE, `the caller was hung up by Asterisk (sipp ${JSON.stringify(res.events)})`).to.equal(1);
    expect(afterMs, 'hung up after the timeout, not at once and not never').to.be.within(4000, 20_000);
    expect(pbxChannels().filter((c) => c.name.startsWith(`PJSIP/${agent.endpoint}-`)), 'no agent channel left').to.deep.equal([]);
    await waitUntil('the agent to be off the call in Hotline', async () => {
      const a = (await api(hotline.url, 'GET', `/api/acd/agents/${agent.id}`)).body as { state: string };
      return a.state !== 'on_call' ? a : undefined;
    }, 15_000);
  });
});
