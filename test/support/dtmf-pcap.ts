// Compose one pcap of RFC 2833/4733 telephone-event packets for a whole digit string,
// for sipp's `play_pcap_audio`. Synthesized from scratch (not the shipped per-digit
// captures): one SSRC, RTP sequence numbers rising by one per packet across all digits,
// each event's RTP timestamp past the previous event's end plus a gap. Replaying the shipped
// captures one after another makes Asterisk drop repeated or "earlier" digits (PBX-LAB.md).
//
// Layout of each record: Ethernet II / IPv4 (checksum computed) / UDP (checksum 0: sipp
// recomputes it when it rewrites the ports) / RTP (PT 101) / telephone-event (4 bytes).
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
const SRC_PORT = 40000;
const DST_PORT = 10000;
const RTP_EVENT_LEN = 12 + 4;
const FRAME_LEN = 14 + 20 + 8 + RTP_EVENT_LEN;

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

function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function frame(seq: number, ts: number, event: number, end: boolean, marker: boolean,
  volume: number, duration: number, payloadType: number, ipId: number): Buffer {
  const b = Buffer.alloc(FRAME_LEN);
  // Ethernet II: dst MAC, src MAC (locally administered), type IPv4
  Buffer.from([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]).copy(b, 0);
  b.writeUInt16BE(0x0800, 12);
  // IPv4
  const ip = 14;
  b.writeUInt8(0x45, ip); // version 4, IHL 5
  b.writeUInt8(0xb8, ip + 1); // DSCP EF, as voice
  b.writeUInt16BE(20 + 8 + RTP_EVENT_LEN, ip + 2);
  b.writeUInt16BE(ipId & 0xffff, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6); // don't fragment
  b.writeUInt8(64, ip + 8); // TTL
  b.writeUInt8(17, ip + 9); // UDP
  b.writeUInt32BE(0x7f000001, ip + 12);
  b.writeUInt32BE(0x7f000001, ip + 16);
  b.writeUInt16BE(ipv4Checksum(b.subarray(ip, ip + 20)), ip + 10);
  // UDP, checksum left 0
  const udp = ip + 20;
  b.writeUInt16BE(SRC_PORT, udp);
  b.writeUInt16BE(DST_PORT, udp + 2);
  b.writeUInt16BE(8 + RTP_EVENT_LEN, udp + 4);
  // RTP
  const rtp = udp + 8;
  b.writeUInt8(0x80, rtp); // V=2
  b.writeUInt8((marker ? 0x80 : 0) | (payloadType & 0x7f), rtp + 1);
  b.writeUInt16BE(seq & 0xffff, rtp + 2);
  b.writeUInt32BE(ts >>> 0, rtp + 4);
  b.writeUInt32BE(SSRC, rtp + 8);
  // telephone-event
  b.writeUInt8(event, rtp + 12);
  b.writeUInt8((end ? 0x80 : 0) | (volume & 0x3f), rtp + 13);
  b.writeUInt16BE(Math.min(duration, 0xffff), rtp + 14);
  return b;
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

  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0); // microsecond pcap, little endian
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeInt32LE(0, 8);
  global.writeUInt32LE(0, 12);
  global.writeUInt32LE(65535, 16); // snaplen
  global.writeUInt32LE(1, 20); // DLT_EN10MB

  const records: Buffer[] = [global];
  let seq = FIRST_SEQ;
  let ts = FIRST_TS;
  let timeUs = 0;
  const push = (f: Buffer): void => {
    const h = Buffer.alloc(16);
    const abs = BASE_TIME_S * 1e6 + timeUs;
    h.writeUInt32LE(Math.floor(abs / 1e6), 0);
    h.writeUInt32LE(abs % 1e6, 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    records.push(h, f);
  };

  for (const ch of digits) {
    const event = dtmfEventCode(ch);
    const updates = Math.floor(toneMs / PACKET_MS);
    const total = toneMs * SAMPLES_PER_MS;
    for (let i = 0; i < updates - 1; i++) {
      push(frame(seq, ts, event, false, i === 0, volume, (i + 1) * PACKET_MS * SAMPLES_PER_MS, payloadType, seq));
      seq++;
      timeUs += PACKET_MS * 1000;
    }
    for (let r = 0; r < END_REPEATS; r++) {
      push(frame(seq, ts, event, true, updates === 1 && r === 0, volume, total, payloadType, seq));
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
