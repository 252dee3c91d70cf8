// Compose one pcap of RFC 2833/4733 telephone-event packets for a whole digit string,
// for sipp's `play_pcap_audio`. Synthesized from scratch (not the shipped per-digit
// captures): one SSRC, RTP sequence numbers rising by one per packet across all digits,
// each event's RTP timestamp past the previous event's end plus a gap. Replaying the shipped
// captures one after another makes Asterisk drop repeated or "earlier" digits (PBX-LAB.md).
//
// Layout of each record: Ethernet II / IPv4 (checksum computed) / UDP (checksum 0: sipp
// recomputes it when it rewrites the ports) / RTP (PT 101) / telephone-event (4 bytes).
import { ipv4Checksum, pcapHeader, pcapRecord, rtpFrame } from './rtp-pcap.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DtmfPcapOptions {
  /** Tone length of each digit in ms (default 160). */
  toneMs?: number;
  /** Silence between the end of one digit and the start of the next in ms (default 240). */
  gapMs?: number;
  /** RTP payload type of telephone-event (default 101, as the scenarios offer). */
  payloadType?: number;
  /** Volume field, 0..63 meaning -dBm0 (default 10). */
  volume?: number;
}

/** One RTP telephone-event packet read back from a pcap (see parseDtmfPcap). */
export interface DtmfRtpPacket {
  /** Capture time in microseconds since the epoch. */
  timeUs: number;
  payloadType: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  event: number;
  end: boolean;
  volume: number;
  duration: number;
  srcPort: number;
  dstPort: number;
}

const PACKET_MS = 20; // one update every 20 ms, as phones do
const SAMPLES_PER_MS = 8; // telephone-event/8000
const END_REPEATS = 3; // the end packet is sent three times (RFC 4733 2.5.1.4)
const SSRC = 0x484f544c; // "HOTL"
const FIRST_SEQ = 1000;
const FIRST_TS = 16000;
const BASE_TIME_S = 1_700_000_000; // fixed, so the same digits give the same bytes

const EVENT_CODES: Record<string, number> = {
  '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15,
};

/** RFC 4733 event code of a DTMF character (0-9, *, #, A-D). */
export function dtmfEventCode(ch: string): number {
  if (/^[0-9]$/.test(ch)) return Number(ch);
  const code = EVENT_CODES[ch.toUpperCase()];
  if (code === undefined) throw new Error(`not a DTMF digit: ${JSON.stringify(ch)}`);
  return code;
}

/** The DTMF character of an RFC 4733 event code. */
export function dtmfChar(event: number): string {
  if (event >= 0 && event <= 9) return String(event);
  const hit = Object.entries(EVENT_CODES).find(([, c]) => c === event);
  if (!hit) throw new Error(`not a DTMF event code: ${event}`);
  return hit[0];
}

/** One telephone-event packet (RFC 4733) of the capture's stream. */
function frame(seq: number, ts: number, event: number, end: boolean, marker: boolean, volume: number, duration: number, payloadType: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt8(event, 0);
  payload.writeUInt8((end ? 0x80 : 0) | (volume & 0x3f), 1);
  payload.writeUInt16BE(Math.min(duration, 0xffff), 2);
  return rtpFrame({ payloadType, marker, seq, timestamp: ts, ssrc: SSRC, payload });
}

/** The pcap bytes for a digit string. */
export function buildDtmfPcap(digits: string, opts: DtmfPcapOptions = {}): Buffer {
  if (digits.length === 0) throw new Error('dtmfPcap: no digits');
  const toneMs = opts.toneMs ?? 160;
  const gapMs = opts.gapMs ?? 240;
  const payloadType = opts.payloadType ?? 101;
  const volume = opts.volume ?? 10;
  if (toneMs < PACKET_MS || toneMs > 8000) throw new Error(`dtmfPcap: toneMs ${toneMs} out of 20..8000`);
  if (gapMs < 0) throw new Error(`dtmfPcap: gapMs ${gapMs} < 0`);

  const records: Buffer[] = [pcapHeader()];
  let seq = FIRST_SEQ;
  let ts = FIRST_TS;
  let timeUs = 0;
  const push = (f: Buffer): void => {
    records.push(...pcapRecord(BASE_TIME_S * 1e6 + timeUs, f));
  };

  for (const ch of digits) {
    const event = dtmfEventCode(ch);
    const updates = Math.floor(toneMs / PACKET_MS);
    const total = toneMs * SAMPLES_PER_MS;
    for (let i = 0; i < updates - 1; i++) {
      push(frame(seq, ts, event, false, i === 0, volume, (i + 1) * PACKET_MS * SAMPLES_PER_MS, payloadType));
      seq++;
      timeUs += PACKET_MS * 1000;
    }
    for (let r = 0; r < END_REPEATS; r++) {
      push(frame(seq, ts, event, true, updates === 1 && r === 0, volume, total, payloadType));
      seq++;
      if (r < END_REPEATS - 1) timeUs += PACKET_MS * 1000;
    }
    // next event starts after this tone and the gap (in RTP time and in wall time)
    ts += total + gapMs * SAMPLES_PER_MS;
    timeUs += (gapMs + PACKET_MS) * 1000;
  }
  return Buffer.concat(records);
}

/** Read back the telephone-event packets of a pcap written by buildDtmfPcap (or sipp's). */
export function parseDtmfPcap(buf: Buffer): DtmfRtpPacket[] {
  if (buf.length < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap');
  if (buf.readUInt32LE(20) !== 1) throw new Error('pcap link type is not Ethernet');
  const out: DtmfRtpPacket[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = buf.readUInt32LE(off);
    const usec = buf.readUInt32LE(off + 4);
    const incl = buf.readUInt32LE(off + 8);
    const f = buf.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    if (f.length < 14 + 20 || f.readUInt16BE(12) !== 0x0800) continue;
    const ip = 14;
    const ihl = (f.readUInt8(ip) & 0x0f) * 4;
    if (f.readUInt8(ip + 9) !== 17) continue;
    if (ipv4Checksum(f.subarray(ip, ip + ihl)) !== 0) throw new Error('bad IPv4 header checksum');
    if (f.readUInt16BE(ip + 2) !== f.length - ip) throw new Error('IPv4 total length does not match the frame');
    const udp = ip + ihl;
    const rtp = udp + 8;
    if (f.readUInt16BE(udp + 4) !== f.length - udp) throw new Error('UDP length does not match the frame');
    if (f.length < rtp + 16) continue;
    out.push({
      timeUs: sec * 1e6 + usec,
      srcPort: f.readUInt16BE(udp),
      dstPort: f.readUInt16BE(udp + 2),
      payloadType: f.readUInt8(rtp + 1) & 0x7f,
      marker: (f.readUInt8(rtp + 1) & 0x80) !== 0,
      seq: f.readUInt16BE(rtp + 2),
      timestamp: f.readUInt32BE(rtp + 4),
      ssrc: f.readUInt32BE(rtp + 8),
      event: f.readUInt8(rtp + 12),
      end: (f.readUInt8(rtp + 13) & 0x80) !== 0,
      volume: f.readUInt8(rtp + 13) & 0x3f,
      duration: f.readUInt16BE(rtp + 14),
    });
  }
  return out;
}

/** File name part for a digit string: '*' -> 's', '#' -> 'p' (letters A-D stay upper case). */
function fileStem(digits: string, opts: DtmfPcapOptions): string {
  const d = [...digits].map((ch) => dtmfChar(dtmfEventCode(ch))).join('').replace(/\*/g, 's').replace(/#/g, 'p');
  const extra = [opts.toneMs, opts.gapMs, opts.payloadType, opts.volume];
  return extra.some((v) => v !== undefined) ? `${d}-${extra.map((v) => v ?? '').join('-')}` : d;
}

/** Directory of the cached captures: os.tmpdir()/hotline-dtmf. */
export function dtmfPcapDir(): string {
  return join(tmpdir(), 'hotline-dtmf');
}

/**
 * Path of a pcap that plays `digits` (0-9, *, #, A-D) as RFC 2833 events, built on first
 * use and cached as os.tmpdir()/hotline-dtmf/<digits>.pcap ('*' written 's', '#' written 'p').
 */
export function dtmfPcap(digits: string, opts: DtmfPcapOptions = {}): string {
  const bytes = buildDtmfPcap(digits, opts);
  const dir = dtmfPcapDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${fileStem(digits, opts)}.pcap`);
  if (existsSync(file) && readFileSync(file).equals(bytes)) return file;
  // write-then-rename: parallel test processes never see a half-written file
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}
