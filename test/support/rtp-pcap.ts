// The pieces every capture for sipp's play_pcap_audio is made of (dtmf-pcap.ts, caller-audio.ts,
// bench/soak-media.ts): a little-endian microsecond pcap of Ethernet/IPv4/UDP/RTP frames on
// 127.0.0.1 (UDP checksum 0: sipp rewrites addresses and ports and plays the RTP), and G.711 μ-law.

/** The pcap global header: microsecond timestamps, little endian, Ethernet (DLT_EN10MB). */
export function pcapHeader(): Buffer {
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16); // snaplen
  g.writeUInt32LE(1, 20); // DLT_EN10MB
  return g;
}

/** One pcap record (its 16-byte header, then the frame) at `timeUs` microseconds since the epoch. */
export function pcapRecord(timeUs: number, frame: Buffer): Buffer[] {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(Math.floor(timeUs / 1e6), 0);
  h.writeUInt32LE(timeUs % 1e6, 4);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  return [h, frame];
}

/** The IPv4 header checksum (0 over a header whose checksum is right). */
export function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** An Ethernet/IPv4/UDP frame (127.0.0.1:40000 -> :10000) carrying one RTP packet; the IP id is the RTP sequence. */
export function rtpFrame(p: RtpPacket): Buffer {
  const rtpLen = 12 + p.payload.length;
  const b = Buffer.alloc(14 + 20 + 8 + rtpLen);
  // Ethernet II: dst MAC, src MAC (locally administered), type IPv4
  Buffer.from([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]).copy(b, 0);
  b.writeUInt16BE(0x0800, 12);
  const ip = 14;
  b.writeUInt8(0x45, ip); // version 4, IHL 5
  b.writeUInt8(0xb8, ip + 1); // DSCP EF, as voice
  b.writeUInt16BE(20 + 8 + rtpLen, ip + 2);
  b.writeUInt16BE(p.seq & 0xffff, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6); // don't fragment
  b.writeUInt8(64, ip + 8); // TTL
  b.writeUInt8(17, ip + 9); // UDP
  b.writeUInt32BE(0x7f000001, ip + 12);
  b.writeUInt32BE(0x7f000001, ip + 16);
  b.writeUInt16BE(ipv4Checksum(b.subarray(ip, ip + 20)), ip + 10);
  const udp = ip + 20;
  b.writeUInt16BE(40000, udp);
  b.writeUInt16BE(10000, udp + 2);
  b.writeUInt16BE(8 + rtpLen, udp + 4);
  const rtp = udp + 8;
  b.writeUInt8(0x80, rtp); // V=2
  b.writeUInt8((p.marker ? 0x80 : 0) | (p.payloadType & 0x7f), rtp + 1);
  b.writeUInt16BE(p.seq & 0xffff, rtp + 2);
  b.writeUInt32BE(p.timestamp >>> 0, rtp + 4);
  b.writeUInt32BE(p.ssrc >>> 0, rtp + 8);
  p.payload.copy(b, rtp + 12);
  return b;
}

/** G.711 μ-law of a 16-bit linear sample. */
export function muLaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
