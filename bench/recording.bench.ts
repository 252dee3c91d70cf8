// npm run bench:recording — what storing and analysing recordings costs, without Asterisk:
// WAVs of the shape MixMonitor writes (8 kHz 16-bit mono; caller and agent taking turns with
// pauses, the mixed file their sum) go through the same RecordingStore (Ogg Vorbis by sox, AES-GCM
// sealing, SHA-256) and the same signal analysis as a real call. Prints CPU seconds per minute of
// call (Node and sox together) and disk per hour of calls. Keyword spotting (pocketsphinx per leg,
// one keyword list on both legs) runs on spoken legs (espeak-ng sentences in turns, as the keyword
// tests use) of the same length, through the same RecordingSignals as a real call; its CPU counts
// pocketsphinx_continuous (a waited-for child). With BENCH_RECORDING_CALLS_AT_ONCE=N (needs the lab
// Asterisk, run under flock -o /tmp/hotline-pbx.lock): N recorded calls at once through Asterisk,
// every file checked (bench/recording-at-once.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../app/recording/key-ring.js';
import { RecordingStore, spoolNames } from '../app/recording/recording.store.js';
import { analyse } from '../app/recording/signals.js';
import { RecordingSignals } from '../app/recording/recording.signals.js';
import type { RecordingKeyword } from '../app/recording/keyword.entities.js';
import type { Recording } from '../app/recording/recording.entities.js';
import type { StoredRecording } from '../app/recording/recording.store.js';
import { createLogger } from '../app/logger.js';
import { speech8k } from '../test/support/speech-audio.js';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 5);
const RATE = 8000;
/** Calls whose legs go through keyword spotting (pocketsphinx is slow: about real time / N). */
const KWS_CALLS = Number(process.env.BENCH_KWS_CALLS ?? 1);

function wav(samples: Int16Array): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + samples.length * 2, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(samples.length * 2, 40);
  return Buffer.concat([h, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

/** Speech-like: noise bursts shaped by a syllable envelope, in turns of 3–8 s with pauses. */
function legs(seconds: number, seed: number): { caller: Int16Array; agent: Int16Array; mixed: Int16Array } {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const n = seconds * RATE;
  const caller = new Int16Array(n);
  const agent = new Int16Array(n);
  let t = 0;
  let who = 0;
  while (t < n) {
    const turn = Math.floor((3 + rnd() * 5) * RATE);
    const leg = who ? agent : caller;
    for (let i = t; i < Math.min(n, t + turn); i++) {
      const env = Math.max(0, Math.sin((2 * Math.PI * 4 * i) / RATE));
      leg[i] = Math.round((rnd() * 2 - 1) * 8000 * env);
    }
    t += turn + Math.floor(rnd() * RATE);
    who ^= 1;
  }
  const mixed = new Int16Array(n);
  for (let i = 0; i < n; i++) mixed[i] = Math.max(-32768, Math.min(32767, caller[i]! + agent[i]!));
  return { caller, agent, mixed };
}

const SENTENCES = [
  'Thank you for calling, how can I help you today',
  'I have a question about my last bill',
  'Let me look at your account for a moment please',
  'I want to cancel my account',
  'I understand, may I ask why you want to leave',
  'The price went up again this month',
  'I can offer you a discount for the next year',
  'Can I speak to a manager',
  'Is there anything else I can help you with',
];

/** Spoken legs: sentences in turns (caller, agent, …) with pauses of 0.5–1.5 s, `seconds` long. */
function speechLegs(seconds: number, seed: number): { caller: Int16Array; agent: Int16Array } {
  const said = SENTENCES.map((t) => speech8k(t));
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const n = seconds * RATE;
  const caller = new Int16Array(n);
  const agent = new Int16Array(n);
  let t = 0;
  let who = 0;
  for (let k = 0; t < n; k++) {
    const s = said[k % said.length]!;
    (who ? agent : caller).set(s.subarray(0, Math.min(s.length, n - t)), t);
    t += s.length + Math.floor((0.5 + rnd()) * RATE);
    who ^= 1;
  }
  return { caller, agent };
}

/** CPU seconds of this process and its waited-for children (sox) so far. */
function cpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = 100; // USER_HZ
  // fields after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
  return (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / ticks;
}

const work = mkdtempSync(join(tmpdir(), 'hotline-rec-bench-'));
const spool = join(work, 'spool');
const store = new RecordingStore(join(work, 'store'), spool, new KeyRing(join(work, 'keys')));
// one keyword list, every phrase on both legs (as an admin would configure it)
const keywords: RecordingKeyword[] = ['cancel my account', 'speak to a manager', 'discount'].map((phrase, i) => ({
  id: `kw-${i}`, phrase, queue: null, leg: 'both', threshold: '1e-30', createdBy: 'bench', createdAt: new Date(),
}));
const signals = new RecordingSignals(async () => null, async () => keywords, createLogger({ level: 'silent', secrets: [] }));
let kwsCpu = 0;
let kwsMinutes = 0;
let kwsHits = 0;
let storeCpu = 0;
let analyseCpu = 0;
let storedBytes = 0;
let wavBytes = 0;
const { mkdirSync } = await import('node:fs');
mkdirSync(spool, { recursive: true });
for (let c = 0; c < CALLS; c++) {
  const id = `bench-${c}`;
  const l = legs(MINUTES * 60, c + 1);
  const names = spoolNames(id);
  for (const leg of ['mixed', 'caller', 'agent'] as const) {
    const b = wav(l[leg]);
    wavBytes += b.length;
    writeFileSync(join(spool, names[leg]), b);
  }
  const c0 = cpuSeconds();
  const stored = await store.store(id, new Date());
  const c1 = cpuSeconds();
  const s = analyse(stored.pcm.caller, stored.pcm.agent);
  const c2 = cpuSeconds();
  if (s.callerTalkSeconds <= 0 || s.agentTalkSeconds <= 0) throw new Error('the analysis found no talk in speech-like audio');
  storeCpu += c1 - c0;
  analyseCpu += c2 - c1;
  storedBytes += stored.legs.reduce((sum, x) => sum + x.storedBytes, 0);
  await store.clearSpool(id);
  if (c < KWS_CALLS) {
    const sp = speechLegs(MINUTES * 60, c + 1);
    const pcm = { caller: { sampleRate: RATE, samples: sp.caller }, agent: { sampleRate: RATE, samples: sp.agent } };
    const k0 = cpuSeconds();
    const a = await signals.analyse({ id, queue: 'bench', flags: '' } as Recording, { pcm } as unknown as StoredRecording);
    const k1 = cpuSeconds();
    if (a.columns.keywords === null) throw new Error('keyword spotting failed (is pocketsphinx installed?)');
    if (!a.keywords.some((h) => h.phrase === 'cancel my account')) throw new Error('keyword spotting did not find a phrase that was spoken');
    kwsCpu += k1 - k0;
    kwsMinutes += MINUTES;
    kwsHits += a.keywords.length;
  }
}
const minutes = MINUTES * CALLS;
const row = (k: string, v: string) => console.log(`| ${k} | ${v} |`);
console.log(`\nrecording: ${CALLS} calls of ${MINUTES} min (three files each: mixed, caller, agent)\n`);
console.log('| figure | value |\n|---|---|');
row('CPU to store (sox Ogg + seal + SHA-256), per minute of call', `${(storeCpu / minutes).toFixed(3)} s`);
row('CPU to analyse signals, per minute of call', `${(analyseCpu / minutes).toFixed(3)} s`);
if (kwsMinutes) row(`CPU to spot keywords (pocketsphinx, 3 phrases on both legs), per minute of call`, `${(kwsCpu / kwsMinutes).toFixed(2)} s`);
row('disk per hour of calls (3 sealed Ogg files)', `${((storedBytes / minutes) * 60 / 1e6).toFixed(1)} MB`);
row('the same as WAV (MixMonitor spool)', `${((wavBytes / minutes) * 60 / 1e6).toFixed(1)} MB`);
if (kwsMinutes) console.log(`\n(keyword spotting on ${KWS_CALLS} call(s) of spoken legs: ${kwsHits} hits; BENCH_KWS_CALLS changes it)`);
rmSync(work, { recursive: true, force: true });
const atOnce = Number(process.env.BENCH_RECORDING_CALLS_AT_ONCE ?? 0);
if (atOnce > 0) {
  const { callsAtOnce } = await import('./recording-at-once.js');
  await callsAtOnce(atOnce);
}
