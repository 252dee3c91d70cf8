// Keyword spotting on one leg of a recording with pocketsphinx (Debian's `pocketsphinx` and
// `pocketsphinx-en-us`, 0.8+5prealpha): `pocketsphinx_continuous -kws` over a WAV of the leg.
// The en-us model is a 16 kHz wideband model; telephone audio (8 kHz) upsampled by a proper
// filter leaves 4–8 kHz empty, and the model then hears nothing useful (measured: no phrase
// found at any threshold). Inserting zeros between samples (no filter) mirrors the 0–4 kHz
// band into 4–8 kHz; on that the model finds the phrases (see docs/recording.md for figures).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pcm } from './wav.js';

const run = promisify(execFile);

export const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const MODEL = { hmm: `${MODEL_DIR}/en-us`, dict: `${MODEL_DIR}/cmudict-en-us.dict` };
/** pocketsphinx's p(phrase)/p(alternatives) threshold when a keyword names none. */
export const DEFAULT_THRESHOLD = 1e-30;

export interface SpotPhrase {
  phrase: string;
  threshold: number;
}

export interface Spotted {
  phrase: string;
  /** Seconds from the start of the leg. */
  from: number;
  to: number;
  /** pocketsphinx's posterior (0–1). */
  confidence: number;
}

/** 16 kHz PCM for the wideband model: 8 kHz is upsampled by inserting zeros (the spectrum's image fills 4–8 kHz). */
export function toWideband(p: Pcm): Pcm {
  if (p.sampleRate === 16000) return p;
  if (p.sampleRate !== 8000) throw new Error(`keyword spotting takes 8 or 16 kHz audio, not ${p.sampleRate} Hz`);
  const out = new Int16Array(p.samples.length * 2);
  for (let i = 0; i < p.samples.length; i++) out[i * 2] = p.samples[i]!;
  return { sampleRate: 16000, samples: out };
}

/** A 16-bit mono WAV of `p`. */
export function wavOf(p: Pcm): Buffer {
  const data = Buffer.from(p.samples.buffer, p.samples.byteOffset, p.samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(p.sampleRate, 24);
  h.writeUInt32LE(p.sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** The keyphrase file: one phrase a line with its threshold (`cancel my account /1e-30/`). */
export function kwsFile(phrases: SpotPhrase[]): string {
  return phrases.map((p) => `${p.phrase} /${p.threshold.toExponential()}/\n`).join('');
}

/** Detections in pocketsphinx_continuous's `-time yes` output: `phrase  start end posterior` lines. */
export function parseDetections(out: string, phrases: SpotPhrase[]): Spotted[] {
  const known = new Set(phrases.map((p) => p.phrase));
  const hits: Spotted[] = [];
  for (const line of out.split('\n')) {
    const m = /^(.+?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+(?:\.\d+)?)\s*$/.exec(line.trim());
    if (!m || !known.has(m[1]!)) continue;
    hits.push({ phrase: m[1]!, from: Number(m[2]), to: Number(m[3]), confidence: Number(m[4]) });
  }
  return hits.sort((a, b) => a.from - b.from);
}

/** Spots `phrases` (lower-case words of the model's dictionary) in `pcm`. */
export async function spotKeywords(pcm: Pcm, phrases: SpotPhrase[], opts: { timeoutMs?: number } = {}): Promise<Spotted[]> {
  if (!phrases.length || !pcm.samples.length) return [];
  const dir = await mkdtemp(join(tmpdir(), 'hotline-kws-'));
  try {
    const wav = join(dir, 'leg.wav');
    const kws = join(dir, 'phrases.txt');
    await writeFile(wav, wavOf(toWideband(pcm)), { mode: 0o600 });
    await writeFile(kws, kwsFile(phrases), { mode: 0o600 });
    const seconds = pcm.samples.length / pcm.sampleRate;
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', wav, '-hmm', MODEL.hmm, '-dict', MODEL.dict, '-kws', kws, '-time', 'yes', '-logfn', '/dev/null'], {
      timeout: opts.timeoutMs ?? Math.max(60_000, seconds * 1000),
      maxBuffer: 16 * 1024 * 1024,
    });
    return parseDetections(stdout, phrases);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
