// The WAV files MixMonitor writes (RIFF, 16-bit PCM, mono): duration, and loudness over time.
import { SealedFileError } from './sealed-file.js';

export interface Pcm {
  sampleRate: number;
  samples: Int16Array;
}

export class WavError extends SealedFileError {}

/** The PCM of a 16-bit mono WAV (the data chunk runs to the end when its size was never written). */
export function readWav(b: Buffer): Pcm {
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new WavError('not a WAV file');
  let o = 12;
  let rate = 0;
  let bits = 0;
  let channels = 0;
  while (o + 8 <= b.length) {
    const id = b.toString('ascii', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(o + 10);
      rate = b.readUInt32LE(o + 12);
      bits = b.readUInt16LE(o + 22);
    } else if (id === 'data') {
      if (bits !== 16 || channels !== 1) throw new WavError(`expected 16-bit mono PCM, got ${bits}-bit ${channels} channel(s)`);
      const start = o + 8;
      const end = size && start + size <= b.length ? start + size : b.length;
      const len = Math.floor((end - start) / 2);
      const samples = new Int16Array(len);
      for (let i = 0; i < len; i++) samples[i] = b.readInt16LE(start + i * 2);
      return { sampleRate: rate, samples };
    }
    o += 8 + size + (size % 2);
  }
  throw new WavError('WAV file without a data chunk');
}

export const durationMs = (p: Pcm): number => Math.round((p.samples.length / p.sampleRate) * 1000);

/** Loudness (dBFS, RMS) of consecutive windows of `windowMs`. */
export function levels(p: Pcm, windowMs = 50): number[] {
  const n = Math.max(1, Math.round((p.sampleRate * windowMs) / 1000));
  const out: number[] = [];
  for (let at = 0; at + n <= p.samples.length; at += n) {
    let sum = 0;
    for (let i = at; i < at + n; i++) sum += p.samples[i]! * p.samples[i]!;
    const rms = Math.sqrt(sum / n) / 32768;
    out.push(rms > 0 ? 20 * Math.log10(rms) : -120);
  }
  return out;
}

/**
 * A WAV file's length in seconds from its header alone (the `fmt ` byte rate and the `data`
 * size): `head` is the file's first bytes (a few hundred suffice), `totalBytes` its whole size
 * when known, used when the data size was never written (0 or 0xFFFFFFFF, a file cut short).
 * Rounded to a tenth of a second.
 */
export function wavSeconds(head: Buffer, totalBytes?: number): number {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') throw new WavError('not a WAV file');
  let o = 12;
  let byteRate = 0;
  while (o + 8 <= head.length) {
    const id = head.toString('ascii', o, o + 4);
    const size = head.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      if (o + 20 > head.length) break;
      byteRate = head.readUInt32LE(o + 16);
    } else if (id === 'data') {
      if (!byteRate) throw new WavError('WAV file without a byte rate before its data');
      const start = o + 8;
      const unknown = size === 0 || size === 0xffffffff;
      const bytes = unknown || (totalBytes !== undefined && start + size > totalBytes) ? Math.max(0, (totalBytes ?? head.length) - start) : size;
      return Math.round((bytes / byteRate) * 10) / 10;
    }
    o += 8 + size + (size % 2);
  }
  throw new WavError('no data chunk in the WAV header');
}
