// Must-show 8: the supervisor listens, whispers and barges in from the wallboard through the
// browser phone. A SIPp caller (which echoes back every RTP packet it receives: what it sends
// is what it hears) talks to the agent's WebRTC phone in Chromium; the agent's microphone is
// muted, the supervisor's fake microphone beeps. Asterisk runs ChanSpy on the agent's channel
// from the supervisor's channel, with the mode's options. What each side hears is measured:
//   the agent — its browser's received audio energy (WebRTC totalAudioEnergy);
//   the caller — a MixMonitor of what the caller's channel sends (its echo), `sox stats` RMS.
// listen: neither hears the supervisor; whisper: only the agent; barge: both (the control).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { openDesk, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';
import { agentRow, createSupervisor, createWallboardAgent, openBoard, setupWallboardLab, WB_SERVICE, type LabSupervisor } from '../support/wallboard-lab.js';

const MONITOR_DIR = '/var/spool/asterisk/monitor';

/** Channels with their application and its data (core show channels concise). */
function channelsWithData(): Array<{ name: string; app: string; data: string }> {
  return cli('core show channels concise')
    .split('\n')
    .filter((l) => l.includes('!'))
    .map((l) => {
      const f = l.split('!');
      return { name: f[0]!, app: f[5]!, data: f[6]! };
    });
}

/** RMS level (dB) of a recording, by sox. */
function rmsDb(file: string): number {
  // sox prints its stats on stderr.
  const r = spawnSync('sox', [file, '-n', 'stats'], { encoding: 'utf8', timeout: 10_000 });
  const m = /RMS lev dB\s+(-?[\d.]+|-inf)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`no RMS level in sox stats of ${file}: ${r.stderr}`);
  return m[1] === '-inf' ? -200 : Number(m[1]);
}

describe('Must-show 8: supervisor listen / whisper / barge from the wallboard (ChanSpy, browser phones, SIPp caller)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let base: string;
  let ami: AmiWatch;
  let agent: LabAgent;
  let sup: LabSupervisor;
  let desk: ConsolePage | undefined;
  let board: ConsolePage | undefined;
  let call: SippCall | undefined;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    hotline = await startHotline({ ...db.env });
    base = hotline.url;
    ami = await new AmiWatch().start();
    await setupWallboardLab(base);
    agent = await createWallboardAgent(base, '张伟', 'e2e-mon-zw');
    sup = await createSupervisor(base, 'e2e-mon-sup', '赵主管');
  });
  after(async () => {
    if (call) await call.stop();
    await desk?.close();
    await board?.close();
    hangupAll();
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
  });

  it('listen: nobody hears the supervisor; whisper: only the agent; barge: both — on ChanSpy channels and in the audio', async () => {
    desk = await openDesk(base, agent, 'zh-CN');
    board = await openBoard(base, sup, 'zh-CN');
    const page = board.page;
    const caller = '13800005678';
    call = await startCall({ scenario: 'uac-wait-bye', service: WB_SERVICE, caller, hangupAfterMs: 150_000, extraArgs: ['-rtp_echo'] });
    await desk.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    await desk.page.locator('[data-test=answer]').click();
    await waitForState(desk.page, 'on_call');
    const bridged = await waitForBridged(agent.endpoint, caller);
    // The agent says nothing: whatever the caller or the agent hears from now on is the supervisor.
    await desk.page.evaluate('window.__hotlinePhone.setMuted(true)');
    const row = agentRow(page, agent.id);
    await row.and(page.locator('[data-state=on_call]')).waitFor();

    const agentEnergy = async () => (await desk!.page.evaluate('window.__hotlinePhone.stats()') as { audioEnergy: number; packetsReceived: number });
    const spyOf = async (mode: string, options: string) => {
      await page.locator(`[data-test=monitor-bar][data-mode=${mode}][data-pending="0"]`).waitFor({ timeout: 15_000 }).catch(async (err: Error) => {
        const bar = await page.locator('[data-test=monitor-bar]').evaluate((e) => e.outerHTML).catch(() => 'no bar');
        const calls = await page.evaluate('JSON.stringify(window.__hotlinePhone.state)').catch((e: Error) => e.message);
        throw new Error(`${err.message}\nbar: ${bar}\nphone: ${calls}\nchannels: ${JSON.stringify(channelsWithData())}\nerrors: ${board!.errors.join('; ')}`);
      });
      const spy = await waitUntil(`the supervisor's ChanSpy channel (${mode})`, () => channelsWithData().find((c) => c.name.startsWith(`PJSIP/${sup.endpoint}-`) && c.app === 'ChanSpy' && c.data === `PJSIP/${agent.endpoint}-,${options}`), 15_000);
      await ami.waitFor('ChanSpyStart', { SpyerChannel: spy.name, SpyeeChannel: bridged.agent.name }, 10_000);
      return spy;
    };
    const measure = async (mode: string) => {
      const rx = `${MONITOR_DIR}/wb-${mode}-${Date.now()}-rx.wav`;
      const e0 = await agentEnergy();
      await ami.action('MixMonitor', { Channel: bridged.caller.name, File: `${MONITOR_DIR}/wb-${mode}-${Date.now()}-mix.wav`, Options: `r(${rx})` });
      // The measurement window: 3 s of audio (the fake microphone beeps about once a second).
      await new Promise((r) => setTimeout(r, 3000));
      await ami.action('StopMixMonitor', { Channel: bridged.caller.name });
      const e1 = await agentEnergy();
      const host = `${PBX_DIR}${rx}`;
      await waitUntil(`recording ${rx}`, () => existsSync(host) && statSync(host).size > 8000, 5000);
      const result = { agentHeard: e1.audioEnergy - e0.audioEnergy, agentPackets: e1.packetsReceived - e0.packetsReceived, callerHeardDb: rmsDb(host) };
      console.log(`      ${mode}: agent received audio energy +${result.agentHeard.toFixed(4)} (${result.agentPackets} packets); the caller heard ${result.callerHeardDb} dB RMS`);
      return result;
    };

    await row.locator('[data-test=agent-listen]').click();
    const listenSpy = await spyOf('listen', 'qES');
    await screenshot(page, 'wallboard-listen-zh-CN');
    const listen = await measure('listen');

    await page.locator('[data-test=monitor-switch-whisper]').click();
    const whisperSpy = await spyOf('whisper', 'qESw');
    expect(whisperSpy.name).to.not.equal(listenSpy.name);
    await waitUntil('the listen channel to end', () => !channelsWithData().some((c) => c.name === listenSpy.name) || undefined, 10_000);
    const whisper = await measure('whisper');

    await page.locator('[data-test=monitor-switch-barge]').click();
    await spyOf('barge', 'qESB');
    const barge = await measure('barge');

    // Listen: the agent hears nothing (as silent as the muted call), the caller hears silence.
    expect(listen.agentPackets, 'the agent receives RTP all along').to.be.above(50);
    expect(listen.agentHeard).to.be.below(0.001);
    expect(listen.callerHeardDb).to.be.below(-60);
    // Whisper: the agent hears the supervisor, the caller still hears silence.
    expect(whisper.agentHeard).to.be.above(0.01);
    expect(whisper.callerHeardDb).to.be.below(-60);
    // Barge: both do (the same measurement can tell a heard supervisor).
    expect(barge.agentHeard).to.be.above(0.01);
    expect(barge.callerHeardDb).to.be.above(-50);

    await page.locator('[data-test=monitor-stop]').click().catch((err: Error) => {
      throw new Error(`${err.message}; page errors: ${board!.errors.join('; ')}; desk errors: ${desk!.errors.join('; ')}`);
    });
    await page.locator('[data-test=monitor-bar]').waitFor({ state: 'detached' });
    await waitUntil('no spy channel', () => !channelsWithData().some((c) => c.app === 'ChanSpy') || undefined, 10_000);
    expect(channelsWithData().some((c) => c.name === bridged.caller.name), 'the call goes on').to.equal(true);
    const audit = await api(base, 'GET', `/api/audit?action=supervisor.action&actor=${sup.username}&limit=10`);
    expect((audit.body.items as Array<{ target: string; detail: any }>).map((i) => `${i.target} ${i.detail.body?.mode ?? ''}`.trim())).to.deep.equal([
      'DELETE /api/wallboard/monitor',
      `POST /api/wallboard/agents/${agent.id}/monitor barge`,
      `POST /api/wallboard/agents/${agent.id}/monitor whisper`,
      `POST /api/wallboard/agents/${agent.id}/monitor listen`,
    ]);
    expect(ami.events.some((e) => fieldOf(e, 'Event') === 'ChanSpyStop')).to.equal(true);
    expect(await missingKeys(page)).to.deep.equal([]);
    expect(board.errors).to.deep.equal([]);
  });
});
