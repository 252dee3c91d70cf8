import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDtmfPcap, dtmfChar, dtmfEventCode, dtmfPcap, dtmfPcapDir, parseDtmfPcap } from '../support/dtmf-pcap.js';
import type { DtmfRtpPacket } from '../support/dtmf-pcap.js';

/** Events in order, one per telephone-event (a new RTP timestamp starts a new event). */
function eventsOf(pkts: DtmfRtpPacket[]): Array<{ event: number; timestamp: number; ends: number }> {
  const out: Array<{ event: number; timestamp: number; ends: number }> = [];
  for (const p of pkts) {
    const last = out[out.length - 1];
    if (!last || last.timestamp !== p.timestamp) out.push({ event: p.event, timestamp: p.timestamp, ends: 0 });
    const cur = out[out.length - 1];
    expect(p.event, 'one event per RTP timestamp').to.equal(cur.event);
    if (p.end) cur.ends++;
  }
  return out;
}

describe('dtmf-pcap: one RFC 2833 capture per digit string', () => {
  it('writes "31411" with rising sequence numbers and timestamps, one SSRC, right events', () => {
    const file = dtmfPcap('31411');
    expect(file).to.equal(join(dtmfPcapDir(), '31411.pcap'));
    const pkts = parseDtmfPcap(readFileSync(file));
    expect(pkts.length).to.be.greaterThan(5 * 4);

    for (let i = 1; i < pkts.length; i++) {
      expect(pkts[i].seq, `seq at packet ${i}`).to.equal((pkts[i - 1].seq + 1) & 0xffff);
      expect(pkts[i].timestamp, `RTP timestamp at packet ${i}`).to.be.at.least(pkts[i - 1].timestamp);
      expect(pkts[i].timeUs, `capture time at packet ${i}`).to.be.at.least(pkts[i - 1].timeUs);
    }
    expect(new Set(pkts.map((p) => p.ssrc)).size).to.equal(1);
    expect(new Set(pkts.map((p) => p.payloadType))).to.deep.equal(new Set([101]));

    const events = eventsOf(pkts);
    expect(events.map((e) => e.event)).to.deep.equal([3, 1, 4, 1, 1]);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].timestamp, 'each event starts later in RTP time').to.be.greaterThan(events[i - 1].timestamp);
    }
    for (const e of events) expect(e.ends, 'three end packets per event').to.equal(3);
  });

  it('gives each event a marker on its first packet, rising durations and a final duration on the end packets', () => {
    const pkts = parseDtmfPcap(buildDtmfPcap('7', { toneMs: 100 }));
    expect(pkts[0].marker).to.equal(true);
    expect(pkts.slice(1).some((p) => p.marker)).to.equal(false);
    const starts = pkts.filter((p) => !p.end).map((p) => p.duration);
    expect(starts).to.deep.equal([160, 320, 480, 640]);
    const ends = pkts.filter((p) => p.end);
    expect(ends.map((p) => p.duration)).to.deep.equal([800, 800, 800]);
    expect(pkts.every((p) => p.volume === 10)).to.equal(true);
  });

  it('maps * and # to events 10 and 11 (and A-D to 12-15)', () => {
    const events = eventsOf(parseDtmfPcap(readFileSync(dtmfPcap('*0#'))));
    expect(events.map((e) => e.event)).to.deep.equal([10, 0, 11]);
    expect(dtmfPcap('*0#')).to.match(/s0p\.pcap$/);
    expect([...'ABCD'].map(dtmfEventCode)).to.deep.equal([12, 13, 14, 15]);
    expect([10, 11, 12].map(dtmfChar)).to.deep.equal(['*', '#', 'A']);
  });

  it('leaves a gap between digits in RTP time and in capture time', () => {
    const pkts = parseDtmfPcap(buildDtmfPcap('12', { toneMs: 160, gapMs: 300 }));
    const firstEnd = pkts.filter((p) => p.end)[2];
    const second = pkts.find((p) => p.event === 2)!;
    expect(second.timestamp - firstEnd.timestamp).to.equal((160 + 300) * 8);
    expect(second.timeUs - firstEnd.timeUs).to.be.at.least(300_000);
  });

  it('caches: the same digits give the same file and bytes', () => {
    const a = dtmfPcap('55');
    const bytes = readFileSync(a);
    expect(dtmfPcap('55')).to.equal(a);
    expect(readFileSync(a).equals(bytes)).to.equal(true);
    expect(dtmfPcap('55', { gapMs: 100 })).to.not.equal(a);
  });

  it('rejects what is not a digit', () => {
    expect(() => dtmfPcap('12x')).to.throw(/not a DTMF digit/);
    expect(() => dtmfPcap('')).to.throw(/no digits/);
  });
});
