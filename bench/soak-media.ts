// Audio for the soak's SIPp phones (bench/soak.bench.ts): one pcap per role for sipp's
// play_pcap_audio, so every leg sends RTP the whole call as a real phone does (PJSIP's
// rtp_timeout reaps only the ones that go silent). A caller's capture is a PCMU tone with the
// menu digit as RFC 2833 events at `digitAtMs`, in ONE RTP stream (one SSRC, sequence numbers
// and timestamps rising across audio and events), so Asterisk neither drops the digit as an old
// packet nor locks onto another source. An agent's capture is the tone alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtmfEventCode } from '../test/support/dtmf-pcap.js';
import { muLaw, pcapHeader, pcapRecord, rtpFrame } from '../test/support/rtp-pcap.js';

const PACKET_MS = 20;
const SAMPLES = 160; // 20 ms of 8 kHz
const EVENT_PT = 101;
const PCMU_PT = 0;

export interface VoiceOptions {
  seconds: number;
  /** Tone frequency (Hz): callers and agents differ, so a recording tells them apart. */
  hz: number;
  /** The digit pressed (RFC 2833, 160 ms) at this offset from the start. */
  digit?: { key: string; atMs: number };
}

/** The pcap bytes: `seconds` of 20 ms PCMU packets, the digit's events in place of audio. */
export function buildVoicePcap(o: VoiceOptions): Buffer {
  const out: Buffer[] = [pcapHeader()];
  const ssrc = 0x534f414b ^ o.hz; // "SOAK"
  const packets = Math.round((o.seconds * 1000) / PACKET_MS);
  const digitFrom = o.digit ? Math.round(o.digit.atMs / PACKET_MS) : -1;
  const digitPackets = 8; // 160 ms
  let seq = 1000;
  for (let i = 0; i < packets; i++) {
    const ts = 8000 + i * SAMPLES;
    let f: Buffer;
    if (o.digit && i >= digitFrom && i < digitFrom + digitPackets + 2) {
      // one event: updates every 20 ms, then the end packet three times; all with the event's start timestamp
      const k = i - digitFrom;
      const end = k >= digitPackets - 1;
      const ev = Buffer.alloc(4);
      ev.writeUInt8(dtmfEventCode(o.digit.key), 0);
      ev.writeUInt8((end ? 0x80 : 0) | 10, 1);
      ev.writeUInt16BE(Math.min(k + 1, digitPackets) * SAMPLES, 2);
      f = rtpFrame({ payloadType: EVENT_PT, marker: k === 0, seq, timestamp: 8000 + digitFrom * SAMPLES, ssrc, payload: ev });
    } else {
      const pcm = Buffer.alloc(SAMPLES);
      for (let s = 0; s < SAMPLES; s++) pcm[s] = muLaw(6000 * Math.sin((2 * Math.PI * o.hz * (i * SAMPLES + s)) / 8000));
      f = rtpFrame({ payloadType: PCMU_PT, marker: i === 0 || i === digitFrom + digitPackets + 2, seq, timestamp: ts, ssrc, payload: pcm });
    }
    seq++;
    out.push(...pcapRecord(1_700_000_000 * 1e6 + i * PACKET_MS * 1000, f));
  }
  return Buffer.concat(out);
}

/** Writes the capture under os.tmpdir()/hotline-soak and returns its path. */
export function voicePcap(name: string, o: VoiceOptions): string {
  const dir = join(tmpdir(), 'hotline-soak');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, buildVoicePcap(o));
  return file;
}
