// BENCH_RECORDING_CALLS_AT_ONCE=100 npm run bench:recording (needs the lab Asterisk; run it under
// flock -o /tmp/hotline-pbx.lock): N recorded calls at once through the real Asterisk, every file
// checked. Set-up, cheaper than N agents behind a queue but with the same recording path: each
// call is two SIP legs bridged by Asterisk — AMI Originate rings lab-agent5 (a SIPp UAS on
// 127.0.0.1:5095 playing 440 Hz: "the caller") and, once it answers, runs the dialplan's
// hotline-bench-record: the queue hand-off's own hotline-record subroutine sets MixMonitor (b r()
// t(), done-marker command) on the caller's channel, then Dial()s lab-agent6 (a SIPp UAS on :5096
// playing 600 Hz: "the agent"), hanging up HOLD seconds after the answer. With
// BENCH_RECORDING_AFTER_ANSWER=1, MixMonitor is asked for over AMI once the call is up instead
// (AmiRecordingControl, as on-demand recordings start). When all done markers are there, Hotline's
// RecordingStore stores every spool set (sox Ogg, seal, SHA-256). Checked per call: the three
// sealed files exist, open with the key, and decode to audio within 0.5 s of the bridge time
// (HOLD s: Dial's S() timer). Measured: Asterisk's CPU (its
// /proc/<pid>/stat) over the calls, the time and CPU to store all, load average.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldOf, type AmiMessage } from '../app/pbx/ami/index.js';
import { AmiRecordingControl } from '../app/pbx/recording-control.js';
import { KeyRing } from '../app/recording/key-ring.js';
import { RecordingStore, spoolNames } from '../app/recording/recording.store.js';
import { openRange, readHeader } from '../app/recording/sealed-file.js';
import { AmiWatch } from '../test/support/ami-watch.js';
import { ensurePbx, PBX_DIR, waitUntil } from '../test/support/pbx.js';
import { patternPcap, startTalkingAgent } from '../test/support/recording-lab.js';

const HOLD = Number(process.env.BENCH_AT_ONCE_SECONDS ?? 20);
const TOLERANCE_S = 0.5;
const AFTER_ANSWER = process.env.BENCH_RECORDING_AFTER_ANSWER === '1';

function cpuTicks(stat: string): { own: number; children: number } {
  const f = stat.split(') ')[1]!.split(' ');
  return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}
const selfCpu = (): number => { const t = cpuTicks(readFileSync('/proc/self/stat', 'utf8')); return (t.own + t.children) / 100; };

function asteriskPid(): number {
  const out = execFileSync('ss', ['-ulnpH', 'sport = :5060'], { encoding: 'utf8' });
  const m = /asterisk",pid=(\d+)/.exec(out);
  if (!m) throw new Error('no Asterisk on UDP 5060');
  return Number(m[1]);
}

async function decodedSeconds(file: string, ring: KeyRing, scratch: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(300);
    await fh.read(head, 0, head.length, 0);
    const h = readHeader(head);
    const parts: Buffer[] = [];
    for await (const p of openRange(fh, h, ring.byId(h.keyId), 0, h.audioBytes - 1)) parts.push(p);
    const ogg = join(scratch, 'check.ogg');
    writeFileSync(ogg, Buffer.concat(parts));
    return Number(execFileSync('soxi', ['-D', ogg], { encoding: 'utf8' }).trim());
  } finally {
    await fh.close();
  }
}

export async function callsAtOnce(n: number): Promise<void> {
  ensurePbx();
  const name = `hotline-rec-bench-${process.pid}`;
  const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', name);
  const seen = `/var/spool/asterisk/monitor/${name}`;
  mkdirSync(spool, { recursive: true });
  chmodSync(spool, 0o777);
  const work = mkdtempSync(join(tmpdir(), 'hotline-rec-once-'));
  const ring = new KeyRing(join(work, 'keys'));
  const store = new RecordingStore(join(work, 'store'), spool, ring);
  const long = (HOLD + 30) * 1000;
  const caller = await startTalkingAgent(5095, patternPcap('bench-once-caller', [{ ms: long, hz: 440 }], { ssrc: 0x43414c4c }));
  const agent = await startTalkingAgent(5096, patternPcap('bench-once-agent', [{ ms: long, hz: 600 }], { ssrc: 0x4147454e }));
  const ami = await new AmiWatch().start();
  const control = new AmiRecordingControl({ action: (a: string, f: Record<string, string>) => ami.action(a, f) } as never, () => true);
  const ids = Array.from({ length: n }, (_, i) => `rb${process.pid}-${i}`);
  // AMI events of our calls, indexed as they arrive (a scan of every event per poll would load this process and delay the receipt times)
  const index = new Map<string, AmiMessage>();
  let cursor = 0;
  const mine = new Set(ids);
  const indexNew = (): void => {
    for (; cursor < ami.events.length; cursor++) {
      const e = ami.events[cursor]!;
      const id = fieldOf(e, 'Uniqueid');
      if (!id || !mine.has(id)) continue;
      const key = `${fieldOf(e, 'Event')}${fieldOf(e, 'Event') === 'Newstate' ? `:${fieldOf(e, 'ChannelStateDesc')}` : ''}|${id}`;
      if (!index.has(key)) index.set(key, e);
    }
  };
  const ev = (event: string, id: string): AmiMessage | undefined => index.get(`${event}|${id}`);
  /** When MixMonitor was asked for, per call (Hotline asks once the agent answered, as here). */
  const askedAt = new Map<string, number>();
  const failed: string[] = [];
  const pid = asteriskPid();
  const astStat = () => cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')).own / 100;
  const load0 = loadavg();
  const a0 = astStat();
  const t0 = Date.now();
  let maxLoad = 0;
  const sampler = setInterval(() => { maxLoad = Math.max(maxLoad, loadavg()[0]!); }, 1000);
  try {
    // ring all callers within a few seconds (20 a second)
    if (AFTER_ANSWER) {
      // The old way (BENCH_RECORDING_AFTER_ANSWER=1): MixMonitor asked for over AMI once the call is up, as Hotline
      // still does for on-demand recordings; under this burst it starts up to a second late.
      const recorder = setInterval(() => {
        indexNew();
        for (const id of ids) {
          if (askedAt.has(id)) continue;
          const up = ev('Newstate:Up', id);
          if (!up) continue;
          askedAt.set(id, Date.now());
          const names = spoolNames(id);
          control.start(fieldOf(up, 'Channel')!, { mixed: `${seen}/${names.mixed}`, received: `${seen}/${names.caller}`, transmitted: `${seen}/${names.agent}`, doneMarker: `${seen}/${names.done}` })
            .catch((err: Error) => failed.push(`${id}: MixMonitor failed: ${err.message}`));
        }
      }, 20);
      for (let i = 0; i < n; i++) {
        await ami.action('Originate', { Channel: 'PJSIP/lab-agent5', ChannelId: ids[i]!, OtherChannelId: `${ids[i]}-b`, Application: 'Dial', Data: `PJSIP/lab-agent6,30,S(${HOLD})`, Async: 'true', CallerID: `bench <${1000 + i}>` });
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        await waitUntil('every caller answered and recorded', () => askedAt.size === n || null, 60_000, 200);
      } finally {
        clearInterval(recorder);
      }
    } else {
      // As queue calls are recorded: the dialplan's hotline-record sets MixMonitor (only while bridged) before the agent is dialed.
      for (let i = 0; i < n; i++) {
        await ami.action('Originate', { Channel: 'PJSIP/lab-agent5', ChannelId: ids[i]!, OtherChannelId: `${ids[i]}-b`, Context: 'hotline-bench-record', Exten: 's', Priority: '1', Variable: `HOTLINE_REC_KEY=${ids[i]},HOTLINE_REC_DIR=${seen},BENCH_HOLD=${HOLD}`, Async: 'true', CallerID: `bench <${1000 + i}>` });
        await new Promise((r) => setTimeout(r, 50));
      }
      await waitUntil('every caller answered', () => (indexNew(), ids.every((id) => ev('Newstate:Up', id))) || null, 60_000, 200);
    }
    const allBridged = Date.now();
    const bridged = ids.filter((id) => ev('BridgeEnter', id)).length;
    await waitUntil('every call hung up', () => (indexNew(), ids.every((id) => ev('Hangup', id))) || null, (HOLD + 60) * 1000, 500);
    const callsCpu = astStat() - a0;
    const callsWall = (Date.now() - t0) / 1000;
    await waitUntil('every done marker', () => ids.every((id) => existsSync(join(spool, spoolNames(id).done))) || null, 60_000, 200);
    const s0 = Date.now();
    const c0 = selfCpu();
    const stored = new Map<string, Awaited<ReturnType<RecordingStore['store']>>>();
    for (const id of ids) stored.set(id, await store.store(id, new Date()));
    const storeWall = (Date.now() - s0) / 1000;
    const storeCpu = selfCpu() - c0;
    clearInterval(sampler);
    // every file complete?
    // The bridge lasts HOLD s: Dial's S() hangs up HOLD s after the answer (Asterisk's own timer;
    // receipt times of AMI events in this process lag by seconds under this load, so they are not the reference).
    indexNew();
    let complete = 0;
    let whole = 0;
    const bad: string[] = [...failed];
    let shortest = Infinity;
    let longest = 0;
    // The audio that reached Asterisk while bridged (dialplan path: the caller's channel's RTP packets, 20 ms each).
    let arrived = 0;
    let heldAll = 0;
    let fewest = Infinity;
    let most = 0;
    const rtpShort: string[] = [];
    for (const id of ids) {
      if (!ev('BridgeEnter', id)) { bad.push(`${id}: never bridged`); continue; }
      const rtp = ev('UserEvent', id);
      const rx = rtp ? Number(fieldOf(rtp, 'Rx')) : NaN;
      const tx = rtp ? Number(fieldOf(rtp, 'Tx')) : NaN;
      const secs: number[] = [];
      for (const leg of stored.get(id)!.legs) {
        const file = join(store.dir, leg.file);
        if (!existsSync(file)) { bad.push(`${id} ${leg.leg}: missing`); continue; }
        const d = await decodedSeconds(file, ring, work);
        secs.push(d);
        shortest = Math.min(shortest, d);
        longest = Math.max(longest, d);
        if (Math.abs(d - HOLD) <= TOLERANCE_S) complete++;
        else bad.push(`${id} ${leg.leg}: ${d.toFixed(2)} s of the ${HOLD} s bridge${Number.isFinite(rx) ? ` (RTP while bridged: ${(rx * 0.02).toFixed(2)} s in, ${(tx * 0.02).toFixed(2)} s out)` : ''}`);
        if (Number.isFinite(rx)) {
          const got = (leg.leg === 'caller' ? rx : leg.leg === 'agent' ? tx : Math.max(rx, tx)) * 0.02;
          arrived++;
          if (d >= got - TOLERANCE_S) heldAll++;
          else rtpShort.push(`${id} ${leg.leg}: ${d.toFixed(2)} s for ${got.toFixed(2)} s of RTP`);
        }
      }
      if (Number.isFinite(rx)) {
        fewest = Math.min(fewest, rx, tx);
        most = Math.max(most, rx, tx);
      }
      if (secs.length === 3 && Math.max(...secs) - Math.min(...secs) <= 0.1) whole++;
    }
    // the most calls bridged at the same moment (AMI BridgeEnter/BridgeLeave of the callers)
    const marks = ids.flatMap((id) => {
      const a = ev('BridgeEnter', id);
      const b = ev('BridgeLeave', id);
      return a && b ? [[ami.receivedAt.get(a)!, 1], [ami.receivedAt.get(b)!, -1]] : [];
    }).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    let now = 0;
    let together = 0;
    for (const [, d] of marks) together = Math.max(together, (now += d!));
    const minutes = (n * HOLD) / 60;
    const row = (k: string, v: string) => console.log(`| ${k} | ${v} |`);
    console.log(`\nrecording: ${n} calls at once through Asterisk (${HOLD} s each, MixMonitor per leg ${AFTER_ANSWER ? 'asked for over AMI after the answer (BENCH_RECORDING_AFTER_ANSWER=1)' : 'set by the dialplan before the agent is dialed, as queue calls are recorded'})\n`);
    console.log('| figure | value |\n|---|---|');
    row('calls bridged at the same moment (most)', `${together} (${bridged} of ${n} bridged; all up ${((allBridged - t0) / 1000).toFixed(1)} s after the first ring)`);
    row('files complete (exist, sealed, open with the key, within 0.5 s of the bridge)', `${complete} of ${n * 3}`);
    row('calls whose three files open and agree in length (within 0.1 s)', `${whole} of ${n}`);
    row('decoded length of the files, shortest / longest', `${shortest.toFixed(2)} s / ${longest.toFixed(2)} s`);
    if (arrived) {
      row(`RTP packets the caller's channel received / sent while bridged, fewest / most (a ${HOLD} s bridge carries ${HOLD * 50})`, `${fewest} / ${most}`);
      row('files holding all the audio that reached Asterisk while bridged (at least the RTP packets × 20 ms − 0.5 s)', `${heldAll} of ${arrived}`);
    }
    row('Asterisk CPU over the calls', `${callsCpu.toFixed(1)} s in ${callsWall.toFixed(1)} s (${((callsCpu / minutes)).toFixed(2)} s per minute of call)`);
    row(`time to store all ${n} (one after another)`, `${storeWall.toFixed(1)} s (CPU ${storeCpu.toFixed(1)} s, ${(storeCpu / minutes).toFixed(3)} s per minute of call)`);
    row('load average (1 min) before / highest during', `${load0[0]!.toFixed(2)} / ${maxLoad.toFixed(2)}`);
    if (bad.length) console.log(`\nshorter than the bridge:\n${bad.slice(0, 20).join('\n')}`);
    if (rtpShort.length) console.log(`\nshorter than the audio that arrived:\n${rtpShort.slice(0, 20).join('\n')}`);
  } finally {
    clearInterval(sampler);
    await ami.action('Hangup', { Channel: '/^PJSIP\\/lab-agent[56]-/' }).catch(() => undefined);
    caller.stop();
    agent.stop();
    await ami.stop();
    rmSync(spool, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
