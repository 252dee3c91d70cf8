// Must-show 7 (issue 15): keyword spotting on a real recorded queue call. The agent's lab phone
// (SIPp) says "I want to cancel my account" (espeak-ng, after 2 s of silence) while the caller
// (SIPp) says something else; the queue records every call and the admin listens for "cancel my
// account" on the agent's leg. After the call the recording names the phrase, the agent's leg and
// its second, carries the `keyword` flag, and the call's timeline says so. A second call in which
// the agent says something else is not flagged.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, waitForAgentState, type TestAgent } from '../support/acd.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { startTalkingAgent } from '../support/recording-lab.js';
import { startCall } from '../support/sipp.js';
import { samplesPcap, speechTrack } from '../support/speech-audio.js';

const SLOT = 7; // the agent's phone: 127.0.0.1:5097
const SPOOL_NAME = `hotline-kws-test-${process.pid}`;
const LEAD_SECONDS = 2; // the agent's phone is silent this long after answering, then speaks

describe('Must-show 7: an English phrase spoken on the agent\'s leg is found by the recogniser and flags the call', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let agent: TestAgent;
  let phone: { stop(): void } | undefined;
  let work: string;
  let callerPcap: string;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    work = mkdtempSync(join(tmpdir(), 'hotline-kws-'));
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    mkdirSync(spool, { recursive: true });
    chmodSync(spool, 0o777); // Asterisk (its own user in the chroot) writes here; Hotline reads and removes
    hotline = await startHotline({
      ...db.env,
      HOTLINE_RECORDINGS_DIR: join(work, 'store'),
      HOTLINE_RECORDINGS_SPOOL_DIR: spool,
      HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: `/var/spool/asterisk/monitor/${SPOOL_NAME}`,
      HOTLINE_RECORDINGS_KEY_FILE: join(work, 'recordings.keys'),
    });
    ami = await new AmiWatch().start();
    await createQueue(hotline.url, 'kwq', { skills: { kw: 1 }, recording: { mode: 'all', retentionDays: 30 } });
    agent = await createAgent(hotline.url, 'kwagent', SLOT, { kw: 5 });
    await queueFlow(hotline.url, 'to-kwq', 'kwq', '7607');
    const kw = await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: 'cancel my account', queue: 'kwq', leg: 'agent' });
    expect(kw.status, JSON.stringify(kw.body)).to.equal(201);
    // the caller talks too, about something else
    callerPcap = samplesPcap('kws-caller', speechTrack([{ ms: 500 }, { text: 'My internet connection is very slow since yesterday' }, { ms: 30_000 }]).samples, { ssrc: 0x4b575343 });
    await agentAction(hotline.url, agent, 'login');
    await waitForAgentState(hotline.url, agent, 'available');
  });
  afterEach(function () {
    hangupAll();
    // What Hotline said about the recording (a recogniser that failed leaves `keywords` null, logged as an error).
    if (this.currentTest?.state === 'failed') for (const l of hotline.logLines().filter((x) => x.level >= 40)) console.log(JSON.stringify(l));
  });
  after(async () => {
    phone?.stop();
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
    rmSync(join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** One call into kwq with the agent's phone saying `agentSays` after LEAD_SECONDS; connected for `seconds`. The stored recording and the span (s) of the sentence in the agent's audio. */
  async function callWithAgentSaying(caller: string, agentSays: string, seconds: number): Promise<{ rec: any; said: { from: number; to: number } }> {
    phone?.stop();
    const track = speechTrack([{ ms: LEAD_SECONDS * 1000 }, { text: agentSays }, { ms: 30_000 }]);
    phone = await startTalkingAgent(5090 + SLOT, samplesPcap(`kws-agent-${caller}`, track.samples, { ssrc: 0x4b575341 }));
    await waitForAgentState(hotline.url, agent, 'available');
    const call = await startCall({ scenario: 'uac-dtmf', service: '7607', caller, dtmfFile: callerPcap, waitBeforeDigitsMs: 0, hangupAfterMs: 60_000 });
    let connect: AmiMessage;
    try {
      connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);
      await new Promise((r) => setTimeout(r, seconds * 1000));
    } finally {
      await call.hangup();
    }
    await ami.waitFor('Hangup', { Uniqueid: fieldOf(connect, 'Uniqueid')! }, 15_000);
    await call.done;
    const rec = await waitUntil('the recording to be stored and analysed', async () => {
      const r = (await api(hotline.url, 'GET', `/api/recordings?number=${caller}`)).body.items?.[0];
      if (r?.status === 'failed') throw new Error(`the recording failed: ${r.error}`);
      return r?.status === 'stored' ? r : undefined;
    }, 30_000, 250);
    return { rec, said: track.spans[0]! };
  }

  it('the phrase on the agent\'s leg: found at its second, the call flagged `keyword`, the timeline says which phrase', async () => {
    const caller = `55579${String(process.pid % 1000).padStart(3, '0')}01`;
    const { rec, said } = await callWithAgentSaying(caller, 'I want to cancel my account', 7);
    expect(rec.keywords, 'the recording was searched').to.be.an('array');
    expect(rec.keywords.map((k: any) => `${k.phrase}@${k.leg}`), JSON.stringify(rec.keywords)).to.deep.equal(['cancel my account@agent']);
    const hit = rec.keywords[0];
    // "cancel" comes after "I want to" in the sentence the phone starts at 2 s after answering; the
    // recording starts as the agent answers (MixMonitor, within a fraction of a second)
    expect(hit.from, `said ${said.from}–${said.to} s on the phone, found ${hit.from}–${hit.to} s in the recording`).to.be.within(said.from - 0.3, said.from + 1.2);
    expect(hit.to).to.be.within(hit.from + 0.4, said.to + 0.5);
    expect(rec.flags).to.deep.equal(['keyword']);
    expect((await api(hotline.url, 'GET', '/api/recordings?flag=keyword')).body.items.map((r: any) => r.id)).to.deep.equal([rec.id]);
    // read at once: the call's page shows what the recording's row says (timeline batches included)
    const timeline = (await api(hotline.url, 'GET', `/api/calls/${rec.callId}`)).body.events;
    const flagged = timeline.find((e: any) => e.type === 'recording.flagged');
    expect(flagged?.detail, JSON.stringify(timeline.map((e: any) => e.type))).to.deep.include({ recordingId: rec.id, flags: ['keyword'] });
    expect(flagged.detail.keywords).to.deep.equal([{ phrase: 'cancel my account', leg: 'agent', at: hit.from }]);
  });

  it('a call in which the agent says something else: searched, nothing found, not flagged', async () => {
    const caller = `55579${String(process.pid % 1000).padStart(3, '0')}02`;
    const { rec } = await callWithAgentSaying(caller, 'Thank you for calling, how can I help you today', 7);
    expect(rec.keywords, 'searched, nothing found').to.deep.equal([]);
    expect(rec.flags).to.deep.equal([]);
    expect((await api(hotline.url, 'GET', '/api/recordings?flag=keyword')).body.items.map((r: any) => r.id)).not.to.include(rec.id);
    expect((await api(hotline.url, 'GET', '/api/recordings?flagged=false')).body.items.map((r: any) => r.id)).to.include(rec.id);
  });
});
