// Recording queue calls with the real Asterisk: a SIPp caller (440 Hz) reaches a lab agent phone
// that talks back (600 Hz) through the IVR and a queue that records every call. MixMonitor's three
// files (mixed, caller, agent) are moved into Hotline's store, compressed and sealed; the API
// plays them to the supervisor with Range, refuses an agent of another queue, audits the listen.
// Then: a key rotation (old recordings still play) and pause/resume from the agent's button.
import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { agentAction, createAgent, createQueue, queueFlow, userToken, waitForAgentState, type TestAgent } from '../support/acd.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { entropy, fetchBytes, patternPcap, soxDuration, soxFrequency, soxRmsDb, startTalkingAgent } from '../support/recording-lab.js';
import { poke, SCENARIO_DIR, startCall } from '../support/sipp.js';

const SLOT = 7; // the recorded agent's phone: 127.0.0.1:5097
const SPOOL_NAME = `hotline-rec-test-${process.pid}`;

describe('recording queue calls: three files, played with Range to whom may hear them, sealed at rest, paused on demand', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let agent: TestAgent;
  let agentUser: { id: string; token: string };
  let otherUser: { id: string; token: string };
  let sup: { id: string; token: string };
  let phone: { stop(): void };
  let work: string;
  let store: string;
  let callerPcapFile: string;
  /** The first call's recording id (played again after the key rotation). */
  let firstRecording: string;
  let firstMixed: Buffer;
  let pausedRecording: string;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb'); // two nodes share it in the retention test
    work = mkdtempSync(join(tmpdir(), 'hotline-rec-'));
    store = join(work, 'store');
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    mkdirSync(spool, { recursive: true });
    chmodSync(spool, 0o777); // Asterisk (its own user in the chroot) writes here; Hotline reads and removes
    hotline = await startHotline({
      ...db.env,
      HOTLINE_RECORDINGS_DIR: store,
      HOTLINE_RECORDINGS_SPOOL_DIR: spool,
      HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: `/var/spool/asterisk/monitor/${SPOOL_NAME}`,
      HOTLINE_RECORDINGS_KEY_FILE: join(work, 'recordings.keys'),
    });
    ami = await new AmiWatch().start();
    await createQueue(hotline.url, 'recq', { skills: { rec: 1 }, recording: { mode: 'all', retentionDays: 30, flags: { maxTalkOverSeconds: 2, maxLongestSilenceSeconds: 8 } } });
    await createQueue(hotline.url, 'otherq', { skills: { other: 1 } });
    agentUser = await userToken(hotline.url, 'rec-agent', 'agent');
    otherUser = await userToken(hotline.url, 'other-agent', 'agent');
    sup = await userToken(hotline.url, 'rec-sup', 'supervisor');
    agent = await createAgent(hotline.url, 'recagent', SLOT, { rec: 5 }, { userId: agentUser.id });
    await createAgent(hotline.url, 'otheragent', SLOT + 1, { other: 5 }, { userId: otherUser.id });
    await queueFlow(hotline.url, 'to-recq', 'recq', '7601');
    // The agent's phone says 600 Hz, the caller 440 Hz, both for longer than any call here.
    phone = await startTalkingAgent(5090 + SLOT, patternPcap('agent-600', [{ ms: 60_000, hz: 600 }], { ssrc: 0x41474e54 }));
    callerPcapFile = patternPcap('caller-440', [{ ms: 60_000, hz: 440 }], { ssrc: 0x434c4c52 });
    await agentAction(hotline.url, agent, 'login');
    await waitForAgentState(hotline.url, agent, 'available');
  });
  afterEach(() => hangupAll());
  after(async () => {
    phone?.stop();
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
    rmSync(join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** One call into recq; `during(uniqueid)` runs while it is connected; the caller hangs up after it. Returns the bridge and the stored recording. */
  async function recordedCall(caller: string, during: (connectedAt: number) => Promise<void>): Promise<{ bridgeSeconds: number; rec: any; uniqueid: string }> {
    const call = await startCall({ scenario: 'uac-dtmf', service: '7601', caller, dtmfFile: callerPcapFile, waitBeforeDigitsMs: 0, hangupAfterMs: 90_000 });
    let connect: AmiMessage;
    try {
      connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);
      await during(ami.receivedAt.get(connect)!);
    } finally {
      await call.hangup();
    }
    const uniqueid = fieldOf(connect, 'Uniqueid')!;
    const hangup = await ami.waitFor('Hangup', { Uniqueid: uniqueid }, 15_000);
    await call.done;
    const bridgeSeconds = (ami.receivedAt.get(hangup)! - ami.receivedAt.get(connect)!) / 1000;
    const rec = await waitUntil('the recording to be stored', async () => {
      const res = await api(hotline.url, 'GET', `/api/recordings?number=${caller}`);
      const r = res.body.items?.[0];
      if (r?.status === 'failed') throw new Error(`the recording failed: ${r.error}`);
      return r?.status === 'stored' ? r : undefined;
    }, 30_000, 250);
    return { bridgeSeconds, rec, uniqueid };
  }

  async function legFile(id: string, leg: string, token = sup.token): Promise<{ path: string; bytes: Buffer }> {
    const res = await fetchBytes(`${hotline.url}/api/recordings/${id}/audio?leg=${leg}`, token);
    expect(res.status, `playing the ${leg} leg`).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('audio/ogg');
    const path = join(work, `${id}-${leg}.ogg`);
    writeFileSync(path, res.body);
    return { path, bytes: res.body };
  }

  it('Must-show 1: three files within 0.5 s of the bridge, a metadata row linked to the call record, Range for the supervisor, 403 for another queue\'s agent, the listen audited', async () => {
    const caller = `55571${String(process.pid % 1000).padStart(3, '0')}01`;
    const { bridgeSeconds, rec } = await recordedCall(caller, () => new Promise((r) => setTimeout(r, 8000)));
    expect(bridgeSeconds).to.be.within(7.5, 12);

    // the metadata row: call record, agent, queue, customer, legs with checksums of the files on disk
    const calls = await api(hotline.url, 'GET', `/api/calls?caller=${caller}`);
    expect(calls.body.items).to.have.length(1);
    expect(rec.callId).to.equal(calls.body.items[0].id);
    expect(rec.agentId).to.equal(agent.id);
    expect(rec.queue).to.equal('recq');
    expect(rec.customerNumber).to.equal(caller);
    expect(rec.legs.map((l: any) => l.leg)).to.deep.equal(['mixed', 'caller', 'agent']);
    expect(new Date(rec.purgeAfter).getTime() - new Date(rec.endedAt).getTime()).to.be.closeTo(30 * 86_400_000, 60_000);

    // the spool is emptied: the files live in Hotline's store only
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    expect(readdir(spool).filter((f) => f.startsWith(rec.id))).to.deep.equal([]);
    const onDisk = readdir(store, true).filter((f) => f.includes(rec.id));
    expect(onDisk, 'three sealed files in the store').to.have.length(3);
    for (const l of rec.legs) {
      const f = onDisk.find((p) => p.endsWith(`${rec.id}-${l.leg}.ogg.sealed`))!;
      expect(createHash('sha256').update(readFileSync(f)).digest('hex'), `${l.leg}: checksum of the stored file`).to.equal(l.sha256);
    }

    // the three files, as the supervisor hears them: durations of the bridge; the caller's leg is 440 Hz, the agent's 600 Hz
    for (const leg of ['mixed', 'caller', 'agent']) {
      const { path } = await legFile(rec.id, leg);
      const seconds = soxDuration(path);
      expect(Math.abs(seconds - bridgeSeconds), `${leg}: ${seconds} s of audio for a bridge of ${bridgeSeconds} s`).to.be.at.most(0.5);
      expect(Math.abs(rec.legs.find((l: any) => l.leg === leg).durationMs / 1000 - seconds)).to.be.below(0.1);
      expect(soxRmsDb(path, 1, seconds - 1), `${leg} is not silent`).to.be.above(-30);
      if (leg !== 'mixed') expect(soxFrequency(path, 1, seconds - 1)).to.be.closeTo(leg === 'caller' ? 440 : 600, 25);
    }

    // Range: 206 with exactly the bytes asked for
    const whole = await legFile(rec.id, 'mixed');
    firstRecording = rec.id;
    firstMixed = whole.bytes;
    const part = await fetchBytes(`${hotline.url}/api/recordings/${rec.id}/audio?leg=mixed`, sup.token, { Range: 'bytes=1000-1999' });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal(`bytes 1000-1999/${whole.bytes.length}`);
    expect(part.body.equals(whole.bytes.subarray(1000, 2000))).to.equal(true);
    const tail = await fetchBytes(`${hotline.url}/api/recordings/${rec.id}/audio?leg=mixed`, sup.token, { Range: `bytes=${whole.bytes.length - 70_000}-` });
    expect(tail.status).to.equal(206);
    expect(tail.body.equals(whole.bytes.subarray(whole.bytes.length - 70_000))).to.equal(true);
    const outside = await fetchBytes(`${hotline.url}/api/recordings/${rec.id}/audio?leg=mixed`, sup.token, { Range: `bytes=${whole.bytes.length + 10}-` });
    expect(outside.status).to.equal(416);

    // who may hear it: the agent of the call yes, an agent of another queue no (and not in their search)
    expect((await fetchBytes(`${hotline.url}/api/recordings/${rec.id}/audio`, agentUser.token)).status).to.equal(200);
    const denied = await fetchBytes(`${hotline.url}/api/recordings/${rec.id}/audio`, otherUser.token);
    expect(denied.status).to.equal(403);
    expect(JSON.parse(denied.body.toString()).error.code).to.equal('recording_forbidden');
    expect((await api(hotline.url, 'GET', `/api/recordings/${rec.id}`, undefined, otherUser.token)).status).to.equal(403);
    expect((await api(hotline.url, 'GET', `/api/recordings?number=${caller}`, undefined, otherUser.token)).body.items).to.deep.equal([]);
    expect((await api(hotline.url, 'GET', `/api/recordings?number=${caller}`, undefined, agentUser.token)).body.items).to.have.length(1);

    // the listens are audited (a seek inside the file is not a new listen); the refused one is not a listen
    const audit = await api(hotline.url, 'GET', `/api/audit?action=recording.listen&target=recording:${rec.id}`);
    const actors = audit.body.items.map((e: any) => e.actor);
    expect(actors.filter((a: string) => a === 'rec-sup').length, 'supervisor listens: 4 full plays + the Range from byte 0 ... none for mid-file seeks').to.equal(4);
    expect(actors).to.include('rec-agent');
    expect(actors).not.to.include('other-agent');
    expect(audit.body.items[0].detail).to.include({ leg: 'mixed', queue: 'recq' });
  });

  it('the recording is armed in Asterisk before the queue rings anyone; a caller who hangs up unanswered leaves no recording and no spool file', async () => {
    // Nobody to answer: the agent on break. The caller waits in recq, then hangs up.
    await agentAction(hotline.url, agent, 'break', 'lunch');
    await waitForAgentState(hotline.url, agent, 'break');
    const caller = `55571${String(process.pid % 1000).padStart(3, '0')}09`;
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    try {
      const call = await startCall({ scenario: 'uac-dtmf', service: '7601', caller, dtmfFile: callerPcapFile, waitBeforeDigitsMs: 0, hangupAfterMs: 6000 });
      const join0 = await ami.waitFor('QueueCallerJoin', { CallerIDNum: caller }, 20_000);
      const uniqueid = fieldOf(join0, 'Uniqueid')!;
      // Armed: a row for recq, and MixMonitor on the caller's channel already (before any answer).
      const [armed] = await db.query<{ id: string; status: string; queue: string }>('SELECT id, status, queue FROM recordings WHERE uniqueid = ?', [uniqueid]);
      expect(armed, 'a recording armed as the caller was handed to the queue').to.include({ status: 'armed', queue: 'recq' });
      const mixMonitor = await ami.action('Getvar', { Channel: fieldOf(join0, 'Channel')!, Variable: 'MIXMONITOR_FILENAME' });
      expect(fieldOf(mixMonitor, 'Value'), 'MixMonitor set on the waiting caller').to.include(armed!.id);
      await call.done;
      // Hung up unanswered: the row and Asterisk's (empty) files go, nothing is listed.
      let seen = '';
      await waitUntil('the armed recording to be discarded', async () => {
        const rows = await db.query<{ status: string }>('SELECT status FROM recordings WHERE id = ?', [armed!.id]);
        seen = `row ${rows[0]?.status ?? 'gone'}; spool: ${readdir(spool).filter((f) => f.startsWith(armed!.id)).join(' ') || 'empty'}`;
        return rows.length === 0 ? true : undefined;
      }, 20_000, 250).catch((err: Error) => {
        throw new Error(`${err.message}: ${seen}`);
      });
      await waitUntil('the spool to be cleared', () => (readdir(spool).some((f) => f.startsWith(armed!.id)) ? undefined : true), 10_000, 250);
      expect((await api(hotline.url, 'GET', `/api/recordings?number=${caller}`)).body.items).to.deep.equal([]);
    } finally {
      await agentAction(hotline.url, agent, 'ready');
      await waitForAgentState(hotline.url, agent, 'available');
    }
  });

  it('Must-show 4: the file on disk is not audio (no RIFF/Ogg header, high entropy); after a key rotation new files use the new key and old ones still play', async () => {
    expect(firstRecording, 'the first test stored a recording').to.be.a('string');
    const before = (await api(hotline.url, 'GET', `/api/recordings/${firstRecording}`)).body;
    for (const f of readdir(store, true).filter((p) => p.includes(firstRecording))) {
      const b = readFileSync(f);
      expect(b.subarray(0, 4).toString('latin1')).not.to.be.oneOf(['RIFF', 'OggS']);
      expect(b.includes(Buffer.from('OggS')), `${f} holds no Ogg page`).to.equal(false);
      expect(b.includes(Buffer.from('vorbis')), `${f} holds no codec header`).to.equal(false);
      expect(entropy(b.subarray(40)), `${f}: bits per byte`).to.be.above(7.9);
    }
    expect(before.legs[0].keyId).to.equal('k1');
    const rotated = await api(hotline.url, 'POST', '/api/recordings/keys/rotate');
    expect(rotated.status).to.equal(200);
    expect(rotated.body.keyId).to.equal('k2');
    expect((await api(hotline.url, 'POST', '/api/recordings/keys/rotate', undefined, sup.token)).status, 'only an admin rotates').to.equal(403);
    // the old recording still plays, byte for byte as before
    const again = await fetchBytes(`${hotline.url}/api/recordings/${firstRecording}/audio?leg=mixed`, sup.token);
    expect(again.status).to.equal(200);
    expect(again.body.equals(firstMixed)).to.equal(true);
    // downloads as .wav and .mp3 are decoded from the sealed file (and audited)
    const wav = await fetchBytes(`${hotline.url}/api/recordings/${firstRecording}/audio?leg=caller&format=wav`, sup.token);
    expect(wav.status).to.equal(200);
    expect(wav.body.subarray(0, 4).toString()).to.equal('RIFF');
    const mp3 = await fetchBytes(`${hotline.url}/api/recordings/${firstRecording}/audio?leg=caller&format=mp3`, sup.token);
    expect(mp3.status).to.equal(200);
    expect(mp3.headers.get('content-type')).to.equal('audio/mpeg');
    const downloads = await api(hotline.url, 'GET', `/api/audit?action=recording.download&target=recording:${firstRecording}`);
    expect(downloads.body.items.map((e: any) => e.detail.format).sort()).to.deep.equal(['mp3', 'wav']);
  });

  it('Must-show 3: pause and resume from the agent\'s button: the paused span is silent in every file and marked on the call\'s timeline', async () => {
    const caller = `55571${String(process.pid % 1000).padStart(3, '0')}02`;
    const button = (action: string) => api(hotline.url, 'POST', `/api/acd/agents/${agent.id}/recording`, { action }, agentUser.token);
    const { rec } = await recordedCall(caller, async () => {
      await waitUntil('the recording to run', async () => (await api(hotline.url, 'GET', `/api/acd/agents/${agent.id}/recording`, undefined, agentUser.token)).body.recording?.status === 'recording', 5000);
      await new Promise((r) => setTimeout(r, 3000));
      const p = await button('pause');
      expect(p.status, JSON.stringify(p.body)).to.equal(200);
      expect(p.body.recording.paused).to.equal(true);
      expect((await button('pause')).body.recording.paused, 'pausing twice changes nothing').to.equal(true);
      await new Promise((r) => setTimeout(r, 4000));
      const q = await button('resume');
      expect(q.body.recording.paused).to.equal(false);
      await new Promise((r) => setTimeout(r, 3000));
    });
    pausedRecording = rec.id;
    expect(rec.legs[0].keyId, 'recorded after the rotation: the new key').to.equal('k2');
    expect(rec.pauses).to.have.length(1);
    const { from, to } = rec.pauses[0];
    expect(from).to.be.within(2.5, 4.5);
    expect(to - from).to.be.within(3.5, 4.6);
    for (const leg of ['mixed', 'caller', 'agent']) {
      const { path } = await legFile(rec.id, leg);
      expect(soxRmsDb(path, from + 0.3, to - 0.3), `${leg}: the paused span`).to.be.below(-60);
      expect(soxRmsDb(path, 0.5, from - 0.3), `${leg}: before the pause`).to.be.above(-30);
      expect(soxRmsDb(path, to + 0.3, to + 2), `${leg}: after the pause`).to.be.above(-30);
    }
    const timeline = (await api(hotline.url, 'GET', `/api/calls/${rec.callId}`)).body.events;
    const marks = timeline.filter((e: any) => e.type.startsWith('recording.'));
    // (recq's thresholds flag this call too: both sides talk the whole time)
    expect(marks.map((e: any) => e.type)).to.deep.equal(['recording.started', 'recording.paused', 'recording.resumed', 'recording.stored', 'recording.flagged']);
    expect(marks[1].detail.offsetSeconds).to.equal(from);
    expect(marks[2].detail.offsetSeconds).to.equal(to);
    // no call: the button says so
    const none = await button('pause');
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('no_live_recording');
  });

  it('Must-show 5: the nightly purge runs exactly once with two nodes: the recording past its retention goes, the one under legal hold stays; both audited', async () => {
    expect(firstRecording && pausedRecording, 'the tests above stored two recordings').to.be.a('string');
    const held = (await api(hotline.url, 'GET', `/api/recordings/${firstRecording}`)).body;
    // a legal hold on the first call (bad input changes nothing)
    expect((await api(hotline.url, 'POST', '/api/recordings/holds', { kind: 'call', target: 'x; drop', reason: 'r' })).status).to.equal(400);
    expect((await api(hotline.url, 'POST', '/api/recordings/holds', { kind: 'call', target: held.callId, reason: 'lawsuit 2026-17' }, sup.token)).status, 'admins place holds').to.equal(403);
    const hold = await api(hotline.url, 'POST', '/api/recordings/holds', { kind: 'call', target: held.callId, reason: 'lawsuit 2026-17' });
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    expect((await api(hotline.url, 'POST', '/api/recordings/holds', { kind: 'call', target: held.callId, reason: 'again' })).status).to.equal(409);
    expect((await api(hotline.url, 'GET', '/api/recordings/holds')).body.items).to.have.length(1);
    // thirty days later: both are past recq's retention
    await db.exec('UPDATE recordings SET purge_after = UTC_TIMESTAMP(3) - INTERVAL 1 HOUR WHERE id IN (?, ?)', [firstRecording, pausedRecording]);
    // a second node on the same database (no Asterisk of its own), so two schedulers race for the job
    const node2 = await startHotline({ ...db.env, HOTLINE_NODE_NAME: 'hotline-2', HOTLINE_OWN_PBX: 'false', HOTLINE_RECORDINGS_DIR: store, HOTLINE_RECORDINGS_KEY_FILE: join(work, 'recordings.keys') }, { waitForPbx: false });
    const jobs = await db.query<{ job_key: string; status: string }>("SELECT job_key, status FROM scheduled_jobs WHERE kind = 'recording.purge'");
    expect(jobs, 'one job for the next night, however many nodes scheduled it').to.have.length(1);
    const tonight = jobs[0]!.job_key;
    // night falls
    await db.exec("UPDATE scheduled_jobs SET due_at = UTC_TIMESTAMP(3) WHERE kind = 'recording.purge' AND job_key = ?", [tonight]);
    const purged = await waitUntil('the purge', async () => {
      const a = await api(hotline.url, 'GET', '/api/audit?action=recording.purge');
      return a.body.items.length ? a.body.items : undefined;
    }, 20_000, 250);
    await new Promise((r) => setTimeout(r, 3000)); // both nodes tick every second: time for a second run, were there one
    const purges = (await api(hotline.url, 'GET', '/api/audit?action=recording.purge')).body.items;
    expect(purges.map((e: any) => e.target), 'purged once').to.deep.equal([`recording:${pausedRecording}`]);
    expect(purged[0].actor).to.equal('system:retention');
    const kept = (await api(hotline.url, 'GET', '/api/audit?action=recording.purge.held')).body.items;
    expect(kept.map((e: any) => e.target), 'the held one, audited once').to.deep.equal([`recording:${firstRecording}`]);
    expect((await api(hotline.url, 'GET', `/api/audit?action=recording.hold&target=call:${held.callId}`)).body.items).to.have.length(1);
    const after = await db.query<{ job_key: string; status: string; claimed_by: string }>("SELECT job_key, status, claimed_by FROM scheduled_jobs WHERE kind = 'recording.purge' ORDER BY job_key");
    expect(after.find((j) => j.job_key === tonight)?.status).to.equal('done');
    expect(after.filter((j) => j.status === 'pending').map((j) => j.job_key), 'the next night is scheduled').to.have.length(1);
    expect(after.find((j) => j.status === 'pending')!.job_key > tonight).to.equal(true);
    // the purged recording: row kept as purged, files gone, 410; the held one plays
    const gone = (await api(hotline.url, 'GET', `/api/recordings/${pausedRecording}`)).body;
    expect(gone.status).to.equal('purged');
    expect(readdir(store, true).filter((p) => p.includes(pausedRecording))).to.deep.equal([]);
    expect((await fetchBytes(`${hotline.url}/api/recordings/${pausedRecording}/audio`, sup.token)).status).to.equal(410);
    expect((await fetchBytes(`${node2.url}/api/recordings/${firstRecording}/audio`, sup.token)).status, 'the held one still plays (from either node)').to.equal(200);
    await node2.stop();
  });

  it('Must-show 2: signals of a known pattern (caller 0–10 s, silence 10–20 s, agent 20–30 s, both 30–33 s) within ±0.5 s, and the queue\'s thresholds flag the call', async () => {
    // the agent's phone now says nothing for 20 s, then 600 Hz for 13 s, then nothing
    phone.stop();
    phone = await startTalkingAgent(5090 + SLOT, patternPcap('agent-pattern', [{ ms: 20_000, hz: null }, { ms: 13_000, hz: 600 }, { ms: 30_000, hz: null }], { ssrc: 0x41474e55 }));
    const caller = `55571${String(process.pid % 1000).padStart(3, '0')}03`;
    const call = await startCall({
      scenario: join(SCENARIO_DIR, 'uac-poke-audio.xml'), service: '7601', caller, recvTimeoutMs: 120_000,
      keys: {
        filler: patternPcap('caller-filler', [{ ms: 60_000, hz: null }], { ssrc: 0x46494c4c, seq: 1000 }),
        pattern: patternPcap('caller-pattern', [{ ms: 10_000, hz: 440 }, { ms: 20_000, hz: null }, { ms: 3000, hz: 440 }, { ms: 30_000, hz: null }], { ssrc: 0x50415454, seq: 20_000 }),
      },
    });
    let bridge = 0;
    try {
      const callId = await call.waitFor('ANSWERED', 20_000);
      const connect = await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 30_000);
      await poke(call.sipPort, [callId]); // the caller starts its pattern as the agent answers
      const started = ami.receivedAt.get(connect)!;
      await new Promise((r) => setTimeout(r, started + 33_000 - Date.now()));
      await call.hangup();
      const hangup = await ami.waitFor('Hangup', { Uniqueid: fieldOf(connect, 'Uniqueid')! }, 15_000);
      bridge = (ami.receivedAt.get(hangup)! - started) / 1000;
    } finally {
      await call.stop();
    }
    const rec = await waitUntil('the recording to be stored and analysed', async () => {
      const r = (await api(hotline.url, 'GET', `/api/recordings?number=${caller}`)).body.items?.[0];
      return r?.signals ? r : undefined;
    }, 30_000, 250);
    const s = rec.signals;
    const tail = s.durationSeconds - 33; // the call lasted a little past the pattern: silence at its end
    expect(Math.abs(s.durationSeconds - bridge)).to.be.at.most(0.5);
    expect(s.callerTalkSeconds, 'caller 0–10 s and 30–33 s').to.be.closeTo(13, 0.5);
    expect(s.agentTalkSeconds, 'agent 20–33 s').to.be.closeTo(13, 0.5);
    expect(s.talkOverSeconds, 'both 30–33 s').to.be.closeTo(3, 0.5);
    expect(s.longestSilenceSeconds, 'nobody 10–20 s').to.be.closeTo(10, 0.5);
    expect(s.silenceSeconds, 'nobody 10–20 s, and after 33 s').to.be.closeTo(10 + tail, 0.5);
    expect(s.callerTalkRatio).to.be.closeTo(13 / s.durationSeconds, 0.02);
    expect(s.agentTalkRatio).to.be.closeTo(13 / s.durationSeconds, 0.02);
    expect(s.callerTalk[0][0]).to.be.closeTo(0, 0.5);
    expect(s.agentTalk[0][0]).to.be.closeTo(20, 0.5);
    expect(rec.flags.sort(), 'talk-over 3 s > 2 s, longest silence 10 s > 8 s').to.deep.equal(['long_silence', 'talk_over']);
    expect((await api(hotline.url, 'GET', '/api/recordings?flag=talk_over')).body.items.map((r: any) => r.id)).to.include(rec.id);
    // The call's timeline events are written in batches: the flag reaches it within moments of the recording.
    const flagged = await waitUntil('the flag on the call\'s timeline', async () => (await api(hotline.url, 'GET', `/api/calls/${rec.callId}`)).body.events.find((e: any) => e.type === 'recording.flagged'), 5000, 100);
    expect(flagged.detail.flags.sort()).to.deep.equal(['long_silence', 'talk_over']);
  });

  it('QA and Must-show 8: a card scored with a critical item failed is 0, the agent disputes, the supervisor resolves, the report shows it; bad cards, unknown items and calls without a recording get 4xx and store nothing', async () => {
    const count = async () => (await db.query<{ n: number }>('SELECT (SELECT COUNT(*) FROM qa_scorecards) + (SELECT COUNT(*) FROM qa_evaluations) AS n'))[0]!.n;
    const card = {
      name: 'Service call', queue: 'recq',
      sections: [
        { title: 'Opening', weight: 30, items: [{ id: 'greeting', text: 'Greets with name and company', type: 'yesno', weight: 100 }] },
        { title: 'Compliance', weight: 70, items: [{ id: 'verify', text: 'Verifies identity', type: 'yesno', weight: 60, critical: true }, { id: 'tone', text: 'Tone', type: 'scale', max: 5, weight: 40, allowNa: true }] },
      ],
    };
    const before = Number(await count());
    // bad cards: weights that do not add up, duplicate items, a scale without max
    const badWeights = await api(hotline.url, 'POST', '/api/qa/scorecards', { ...card, sections: [{ ...card.sections[0], weight: 40 }, card.sections[1]] }, sup.token);
    expect(badWeights.status).to.equal(400);
    expect(JSON.stringify(badWeights.body)).to.include('add up to 110, not 100');
    const badItems = await api(hotline.url, 'POST', '/api/qa/scorecards', { ...card, sections: [card.sections[0], { ...card.sections[1], items: [{ ...card.sections[1]!.items[0], weight: 50 }, { ...card.sections[1]!.items[1], weight: 40 }] }] }, sup.token);
    expect(badItems.status).to.equal(400);
    expect((await api(hotline.url, 'POST', '/api/qa/scorecards', card, agentUser.token)).status, 'agents do not write cards').to.equal(403);
    const created = await api(hotline.url, 'POST', '/api/qa/scorecards', card, sup.token);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const cardId = created.body.id;
    const good = { recordingId: firstRecording, scorecardId: cardId, answers: { greeting: 1, verify: 0, tone: 4 }, comments: [{ at: 5.5, text: 'identity not checked here' }, { at: 1.2, text: 'good greeting' }] };
    const afterCard = Number(await count());
    expect(afterCard).to.equal(before + 1);
    // bad evaluations: an unknown item, a missing one, N/A where not allowed, a value over max, a call without a recording
    for (const [body, status, code] of [
      [{ ...good, answers: { ...good.answers, smile: 1 } }, 400, 'invalid_evaluation'],
      [{ ...good, answers: { greeting: 1, verify: 1 } }, 400, 'invalid_evaluation'],
      [{ ...good, answers: { ...good.answers, verify: 'na' } }, 400, 'invalid_evaluation'],
      [{ ...good, answers: { ...good.answers, tone: 7 } }, 400, 'invalid_evaluation'],
      [{ ...good, recordingId: undefined, callId: '00000000-0000-4000-8000-000000000000' }, 422, 'no_recording'],
      [{ ...good, recordingId: pausedRecording }, 422, 'no_recording'], // purged by the retention test
      [{ ...good, callId: '00000000-0000-4000-8000-000000000000' }, 400, 'validation_failed'],
    ] as const) {
      const res = await api(hotline.url, 'POST', '/api/qa/evaluations', body, sup.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
    }
    expect(Number(await count()), 'nothing stored by refused input').to.equal(afterCard);
    expect((await api(hotline.url, 'POST', '/api/qa/evaluations', good, otherUser.token)).status, 'agents do not evaluate').to.equal(403);

    // the evaluation: the critical item failed zeroes the card; comments in time order
    const ev = await api(hotline.url, 'POST', '/api/qa/evaluations', good, sup.token);
    expect(ev.status, JSON.stringify(ev.body)).to.equal(201);
    expect(ev.body.score).to.equal(0);
    expect(ev.body.criticalFailed).to.deep.equal(['verify']);
    expect(ev.body.comments.map((c: any) => c.at)).to.deep.equal([1.2, 5.5]);
    expect(ev.body.agentId).to.equal(agent.id);
    // the agent sees it and disputes; another agent cannot see it; the supervisor resolves
    expect((await api(hotline.url, 'GET', '/api/qa/evaluations', undefined, agentUser.token)).body.items.map((e: any) => e.id)).to.deep.equal([ev.body.id]);
    expect((await api(hotline.url, 'GET', '/api/qa/evaluations', undefined, otherUser.token)).body.items).to.deep.equal([]);
    expect((await api(hotline.url, 'POST', `/api/qa/evaluations/${ev.body.id}/dispute`, { comment: 'not mine' }, otherUser.token)).status).to.equal(403);
    const disputed = await api(hotline.url, 'POST', `/api/qa/evaluations/${ev.body.id}/dispute`, { comment: 'I verified at 0:20, listen again' }, agentUser.token);
    expect(disputed.body.status).to.equal('disputed');
    expect((await api(hotline.url, 'POST', `/api/qa/evaluations/${ev.body.id}/acknowledge`, undefined, agentUser.token)).status, 'disputed already').to.equal(409);
    const resolved = await api(hotline.url, 'POST', `/api/qa/evaluations/${ev.body.id}/resolve`, { comment: 'Listened again: no verification. Score stands.' }, sup.token);
    expect(resolved.body).to.include({ status: 'resolved', resolvedBy: 'rec-sup' });
    // the report
    const byAgent = (await api(hotline.url, 'GET', '/api/qa/report?by=agent', undefined, sup.token)).body.rows;
    expect(byAgent).to.deep.equal([{ key: agent.id, evaluations: 1, average: 0 }]);
    const byItem = (await api(hotline.url, 'GET', '/api/qa/report?by=item', undefined, sup.token)).body.rows;
    expect(byItem.find((r: any) => r.key === 'tone')).to.deep.equal({ key: 'tone', evaluations: 1, average: 4 });
  });
});

function readdir(dir: string, recursive = false): string[] {
  if (!existsSync(dir)) return [];
  if (!recursive) return readdirSync(dir);
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => join(dir, p));
}
