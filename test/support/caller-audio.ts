// A caller that presses keys and then talks: one pcap for sipp's play_pcap_audio with the RFC 2833
// digits of buildDtmfPcap followed by `seconds` of a 440 Hz tone as PCMU (payload 0, 20 ms
// frames, same SSRC, sequence and RTP clock going on), so the agent's phone receives real audio.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDtmfPcap, dtmfPcapDir, parseDtmfPcap } from './dtmf-pcap.js';
import { muLaw, pcapHeader, pcapRecord, rtpFrame } from './rtp-pcap.js';

/** The pcap bytes: `digits` (may be empty: audio only, after `leadMs` of silence) then the tone. */
export function buildCallerPcap(digits: string, seconds: number, leadMs = 0): Buffer {
  const dtmf = digits ? buildDtmfPcap(digits) : null;
  const packets = dtmf ? parseDtmfPcap(dtmf) : [];
  const last = packets.at(-1);
  const records: Buffer[] = [];
  records.push(dtmf ?? pcapHeader());
  const ssrc = last?.ssrc ?? 0x484f544c;
  let seq = (last?.seq ?? 999) + 1;
  let ts = (last ? last.timestamp + last.duration : 16000) + 8 * 200;
  let timeUs = (last?.timeUs ?? 1_700_000_000 * 1e6) + (last ? 200_000 : leadMs * 1000);
  let phase = 0;
  for (let i = 0; i < (seconds * 1000) / 20; i++) {
    const payload = Buffer.alloc(160);
    for (let k = 0; k < 160; k++) {
      payload[k] = muLaw(Math.sin(phase) * 6000);
      phase += (2 * Math.PI * 440) / 8000;
    }
    records.push(...pcapRecord(timeUs, rtpFrame({ payloadType: 0, marker: i === 0, seq: seq++, timestamp: ts, ssrc, payload })));
    ts += 160;
    timeUs += 20_000;
  }
  return Buffer.concat(records);
}

/** Path of a cached pcap of buildCallerPcap (os.tmpdir()/hotline-dtmf/talk-<digits>-<s>.pcap). */
export function callerPcap(digits: string, seconds: number): string {
  const dir = dtmfPcapDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `talk-${digits.replace(/\*/g, 's').replace(/#/g, 'p') || 'none'}-${seconds}.pcap`);
  // write-then-rename: a parallel test process never reads a half-written file
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, buildCallerPcap(digits, seconds));
  renameSync(tmp, file);
  return file;
}
