// Playing a stored recording: the sealed file is decrypted while it is sent, only the chunks a
// Range asks for. wav / mp3 downloads are decoded by sox from the decrypted Ogg.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'express';
import { AppError } from '../errors.js';
import type { KeyRing } from './key-ring.js';
import type { RecordingLeg } from './recording.entities.js';
import { HEADER_MAX, openRange, readHeader } from './sealed-file.js';

export class RangeNotSatisfiableError extends AppError {
  constructor(size: number) {
    super(416, 'range_not_satisfiable', `the range asks for bytes outside the recording's ${size} bytes`);
  }
}

/** The one byte range of a Range header ([start, end] inclusive), null for none; multiple ranges: the first. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) throw new RangeNotSatisfiableError(size);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw new RangeNotSatisfiableError(size);
  return { start, end };
}

export class RecordingPlayer {
  constructor(
    private readonly dir: string,
    private readonly keys: KeyRing,
  ) {}

  /** Streams the leg's Ogg audio (206 with a Range). Returns the range served. */
  async stream(leg: RecordingLeg, rangeHeader: string | undefined, res: Response, name: string): Promise<{ start: number; end: number; partial: boolean }> {
    const fh = await open(join(this.dir, leg.file), 'r');
    try {
      const head = Buffer.alloc(HEADER_MAX);
      const { bytesRead } = await fh.read(head, 0, HEADER_MAX, 0);
      const h = readHeader(head.subarray(0, bytesRead));
      const key = this.keys.byId(h.keyId);
      const range = parseRange(rangeHeader, h.audioBytes);
      if (rangeHeader && !range) res.setHeader('Content-Range', `bytes */${h.audioBytes}`);
      const start = range?.start ?? 0;
      const end = range?.end ?? h.audioBytes - 1;
      res.status(range ? 206 : 200);
      res.setHeader('Content-Type', 'audio/ogg');
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Disposition', `inline; filename="${name}.ogg"`);
      res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
      if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${h.audioBytes}`);
      if (h.audioBytes > 0) for await (const part of openRange(fh, h, key, start, end)) if (!res.write(part)) await new Promise((r) => res.once('drain', r));
      res.end();
      return { start, end, partial: !!range };
    } finally {
      await fh.close();
    }
  }

  /** The whole decrypted Ogg audio of a leg. */
  async audio(leg: RecordingLeg): Promise<Buffer> {
    const fh = await open(join(this.dir, leg.file), 'r');
    try {
      const head = Buffer.alloc(HEADER_MAX);
      const { bytesRead } = await fh.read(head, 0, HEADER_MAX, 0);
      const h = readHeader(head.subarray(0, bytesRead));
      const parts: Buffer[] = [];
      if (h.audioBytes > 0) for await (const p of openRange(fh, h, this.keys.byId(h.keyId), 0, h.audioBytes - 1)) parts.push(p);
      return Buffer.concat(parts);
    } finally {
      await fh.close();
    }
  }

  /** A download converted by sox (wav: 16-bit PCM; mp3). */
  async download(leg: RecordingLeg, format: 'wav' | 'mp3', res: Response, name: string): Promise<void> {
    const ogg = await this.audio(leg);
    const out: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const sox = spawn('sox', ['-t', 'ogg', '-', '-t', format, ...(format === 'wav' ? ['-b', '16'] : []), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let err = '';
      sox.stdout.on('data', (d: Buffer) => out.push(d));
      sox.stderr.on('data', (d: Buffer) => (err += d.toString()));
      sox.on('error', reject);
      sox.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sox could not convert the recording to ${format}: ${err.slice(0, 200)}`))));
      sox.stdin.end(ogg);
    });
    const body = Buffer.concat(out);
    res.status(200).setHeader('Content-Type', format === 'wav' ? 'audio/wav' : 'audio/mpeg');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  }
}
