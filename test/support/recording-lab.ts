// Known audio for recording tests: RTP captures of tones and silence (PCMU, 20 ms frames) for
// sipp's play_pcap_audio, a lab agent phone that answers and plays one, and reading what the
// API streams back (durations and loudness through sox).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { muLaw, pcapHeader, pcapRecord, rtpFrame } from './rtp-pcap.js';
import { SCENARIO_DIR, SIPP_NO_WATCHDOG_EXIT } from './sipp.js';

/** A stretch of the capture: a tone of `hz` (null: silence, still sent as RTP) for `ms`. */
export interface Segment {
  ms: number;
  hz: number | null;
}

export function buildPatternPcap(segments: Segment[], opts: { ssrc?: number; seq?: number; amplitude?: number } = {}): Buffer {
  const records: Buffer[] = [pcapHeader()];
  const ssrc = opts.ssrc ?? 0x52454331;
  let seq = opts.seq ?? 1000;
  let ts = 160_000;
  let timeUs = 1_700_000_000 * 1e6;
  let phase = 0;
  let first = true;
  for (const s of segments) {
    for (let f = 0; f < s.ms / 20; f++) {
      const payload = Buffer.alloc(160);
      for (let k = 0; k < 160; k++) {
        payload[k] = muLaw(s.hz ? Math.sin(phase) * (opts.amplitude ?? 6000) : 0);
        if (s.hz) phase += (2 * Math.PI * s.hz) / 8000;
      }
      records.push(...pcapRecord(timeUs, rtpFrame({ payloadType: 0, marker: first, seq: seq++, timestamp: ts, ssrc, payload })));
      first = false;
      ts += 160;
      timeUs += 20_000;
    }
  }
  return Buffer.concat(records);
}

/** Writes the pattern's capture to a file (tmpdir/hotline-recording/<name>.pcap) and returns its path. */
export function patternPcap(name: string, segments: Segment[], opts: { ssrc?: number; seq?: number } = {}): string {
  const dir = join(tmpdir(), 'hotline-recording');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.pcap`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, buildPatternPcap(segments, opts));
  renameSync(tmp, file);
  return file;
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => (s.close(), resolve(false)));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A lab agent phone on 127.0.0.1:`port` that answers every call and plays `pcap` into it. */
export async function startTalkingAgent(port: number, pcap: string): Promise<{ stop(): void }> {
  if (!(await udpFree(port))) throw new Error(`agent port ${port} is taken (a sipp UAS left running?)`);
  const child = spawn('sipp', ['-sf', join(SCENARIO_DIR, 'uas-audio.xml'), '-key', 'pcap', pcap, '-i', '127.0.0.1', '-p', String(port), '-mp', String(30000 + (port % 100) * 4), '-nostdin', ...SIPP_NO_WATCHDOG_EXIT, '-trace_err', '-error_file', `/tmp/hotline-uas-audio-${port}.err`], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while ((await udpFree(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return {
    stop() {
      child.kill('SIGKILL');
    },
  };
}

/** Seconds of audio in a file sox reads (soxi -D). */
export function soxDuration(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
}

/** Loudness (dBFS RMS) of a file between `from` and `to` seconds (sox stats). */
export function soxRmsDb(file: string, from: number, to: number): number {
  // sox prints its stats on stderr
  const r = spawnSync('sox', [file, '-n', 'trim', String(from), `=${to}`, 'stats'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox stats of ${file} failed: ${r.stderr}`);
  return parseRms(r.stderr);
}

function parseRms(text: string): number {
  const m = /RMS lev dB\s+(-?[\d.]+|-inf)/.exec(text);
  if (!m) throw new Error(`sox stats without an RMS level:\n${text}`);
  return m[1] === '-inf' ? -150 : Number(m[1]);
}

/** The rough frequency (Hz) of a file's audio between `from` and `to` seconds (sox stat). */
export function soxFrequency(file: string, from: number, to: number): number {
  const r = spawnSync('sox', [file, '-n', 'trim', String(from), `=${to}`, 'stat'], { encoding: 'utf8' });
  const m = /Rough\s+frequency:\s+(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`sox stat without a frequency:\n${r.stderr}`);
  return Number(m[1]);
}

export interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** GET with a bearer token, the body as bytes (audio). */
export async function fetchBytes(url: string, token: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Shannon entropy of bytes, bits per byte (8: indistinguishable from random). */
export function entropy(b: Buffer): number {
  const counts = new Array<number>(256).fill(0);
  for (const x of b) counts[x]!++;
  return counts.reduce((h, c) => (c ? h - (c / b.length) * Math.log2(c / b.length) : h), 0);
}
