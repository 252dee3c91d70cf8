// Known speech for keyword tests: English sentences spoken by espeak-ng (a Klatt voice, which the
// pocketsphinx en-us model recognises; espeak's default voice it does not), as 8 kHz PCM that went
// through μ-law like a phone call, and as RTP captures (PCMU) for sipp's play_pcap_audio.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { muLaw, pcapHeader, pcapRecord, rtpFrame } from './rtp-pcap.js';

export const VOICE = 'en-us+klatt2';
export const WORDS_PER_MINUTE = 150;

/** 8 kHz 16-bit samples of `text`, passed through μ-law (as a PCMU call carries it). */
export function speech8k(text: string): Int16Array {
  const dir = join(tmpdir(), 'hotline-speech');
  mkdirSync(dir, { recursive: true });
  const wav = join(dir, `say-${process.pid}.wav`);
  execFileSync('espeak-ng', ['-v', VOICE, '-s', String(WORDS_PER_MINUTE), '-w', wav, text]);
  const raw = execFileSync('sox', [wav, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'wav', '-', 'vol', '0.8'], { maxBuffer: 64 << 20 });
  const pcm = execFileSync('sox', ['-t', 'wav', '-', '-e', 'signed-integer', '-b', '16', '-t', 'raw', '-'], { input: raw, maxBuffer: 64 << 20 });
  return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2)).slice();
}

/** A stretch of audio: `text` spoken, or `ms` of silence. */
export type SpeechSegment = { text: string } | { ms: number };

/** The segments one after another, 8 kHz samples; and where each spoken one starts and ends (seconds). */
export function speechTrack(segments: SpeechSegment[]): { samples: Int16Array; spans: Array<{ text: string; from: number; to: number }> } {
  const parts: Int16Array[] = [];
  const spans: Array<{ text: string; from: number; to: number }> = [];
  let at = 0;
  for (const s of segments) {
    const p = 'text' in s ? speech8k(s.text) : new Int16Array(Math.round(s.ms * 8));
    if ('text' in s) spans.push({ text: s.text, from: at / 8000, to: (at + p.length) / 8000 });
    parts.push(p);
    at += p.length;
  }
  const samples = new Int16Array(at);
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  return { samples, spans };
}

/** An RTP capture (PCMU, 20 ms frames) of `samples` for sipp; written to tmpdir/hotline-recording/<name>.pcap. */
export function samplesPcap(name: string, samples: Int16Array, opts: { ssrc: number; seq?: number }): string {
  const records: Buffer[] = [pcapHeader()];
  let seq = opts.seq ?? 1000;
  let ts = 160_000;
  let timeUs = 1_700_000_000 * 1e6;
  for (let f = 0; f * 160 < samples.length; f++) {
    const payload = Buffer.alloc(160, 0xff); // μ-law silence past the end
    for (let k = 0; k < 160 && f * 160 + k < samples.length; k++) payload[k] = muLaw(samples[f * 160 + k]!);
    records.push(...pcapRecord(timeUs, rtpFrame({ payloadType: 0, marker: f === 0, seq: seq++, timestamp: ts, ssrc: opts.ssrc, payload })));
    ts += 160;
    timeUs += 20_000;
  }
  const dir = join(tmpdir(), 'hotline-recording');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.pcap`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(records));
  renameSync(tmp, file);
  return file;
}
