// The voicemail inbox's pure rules: the transitions people make, when the collector settles a
// message, what it settles it as, and a WAV file's length from its header alone.
import { expect } from 'chai';
import { wavSeconds, WavError } from '../../app/recording/wav.js';
import { VOICEMAIL_STATUSES } from '../../app/voicemail/voicemail.entities.js';
import { fromStatuses, nextStatus, settledAs, settleDue } from '../../app/voicemail/voicemail.rules.js';

/** A WAV header (44 bytes) for `dataBytes` of audio, claiming `claimed` as its data size. */
function wavHeader(o: { rate: number; bits: number; channels: number; dataBytes: number; claimed?: number; extraChunk?: boolean }): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(o.channels, 10);
  fmt.writeUInt32LE(o.rate, 12);
  fmt.writeUInt32LE((o.rate * o.bits * o.channels) / 8, 16);
  fmt.writeUInt16LE((o.bits * o.channels) / 8, 20);
  fmt.writeUInt16LE(o.bits, 22);
  const extra = o.extraChunk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]) : Buffer.alloc(0);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(o.claimed ?? o.dataBytes, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(4 + fmt.length + extra.length + data.length + o.dataBytes, 4);
  riff.write('WAVE', 8, 'ascii');
  return Buffer.concat([riff, fmt, extra, data]);
}

describe('voicemail: WAV length from the header', () => {
  it('is the data size over the byte rate (8 kHz 16-bit mono: 16,000 bytes a second)', () => {
    expect(wavSeconds(wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 16000 * 7 }))).to.equal(7);
    expect(wavSeconds(wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 16000 * 4 + 8000 }))).to.equal(4.5);
    expect(wavSeconds(wavHeader({ rate: 16000, bits: 16, channels: 2, dataBytes: 64000 * 3 }))).to.equal(3);
  });

  it('skips chunks between fmt and data, and needs only the header (not the audio)', () => {
    const head = wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 16000 * 12, extraChunk: true });
    expect(head.length).to.be.lessThan(100);
    expect(wavSeconds(head)).to.equal(12);
  });

  it('a data size never written (0 or 0xFFFFFFFF): the file size says, when it is known', () => {
    const head = wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 0, claimed: 0 });
    expect(wavSeconds(head, head.length + 16000 * 3)).to.equal(3);
    const open = wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 0, claimed: 0xffffffff });
    expect(wavSeconds(open, open.length + 16000 * 2)).to.equal(2);
  });

  it('a data size larger than the file (cut short): the bytes really there', () => {
    const head = wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 0, claimed: 16000 * 60 });
    expect(wavSeconds(head, head.length + 16000 * 5)).to.equal(5);
  });

  it('refuses what is not a WAV header', () => {
    expect(() => wavSeconds(Buffer.from('ID3\u0004 this is an mp3'))).to.throw(WavError, /not a WAV/);
    const noFmt = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE'), Buffer.from('data'), Buffer.alloc(4)]);
    expect(() => wavSeconds(noFmt)).to.throw(WavError, /byte rate/);
    expect(() => wavSeconds(wavHeader({ rate: 8000, bits: 16, channels: 1, dataBytes: 10 }).subarray(0, 30))).to.throw(WavError);
  });
});

describe('voicemail: transitions', () => {
  it('hearing turns new into heard; a heard or done message stays as it is', () => {
    expect(nextStatus('hear', 'new')).to.equal('heard');
    for (const s of ['heard', 'done', 'recording', 'empty'] as const) expect(nextStatus('hear', s), s).to.equal(null);
  });

  it('done from new, heard or empty; never twice, never while recording', () => {
    expect(nextStatus('done', 'new')).to.equal('done');
    expect(nextStatus('done', 'heard')).to.equal('done');
    expect(nextStatus('done', 'empty')).to.equal('done');
    expect(nextStatus('done', 'done')).to.equal(null);
    expect(nextStatus('done', 'recording')).to.equal(null);
  });

  it('reopen: only a done message, back to heard (empty when it never had audio)', () => {
    expect(nextStatus('reopen', 'done')).to.equal('heard');
    expect(nextStatus('reopen', 'done', false)).to.equal('empty');
    for (const s of VOICEMAIL_STATUSES.filter((x) => x !== 'done')) expect(nextStatus('reopen', s), s).to.equal(null);
  });

  it('the statuses an action applies to are exactly those it has a target for', () => {
    for (const a of ['hear', 'done', 'reopen'] as const) {
      expect(fromStatuses(a).sort(), a).to.deep.equal(VOICEMAIL_STATUSES.filter((s) => nextStatus(a, s) !== null).sort());
    }
  });
});

describe('voicemail: settling a recording', () => {
  const at = new Date('2026-12-06T10:00:00Z');
  const row = (o: Partial<{ finishedAt: Date | null; createdAt: Date; maxSeconds: number }> = {}) => ({ finishedAt: null, createdAt: at, maxSeconds: 60, ...o });
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('is due once the recording finished or the call ended; otherwise only past maxSeconds + the margin', () => {
    expect(settleDue(row(), false, later(5000), 600_000)).to.equal(false);
    expect(settleDue(row({ finishedAt: later(4000) }), false, later(5000), 600_000)).to.equal(true);
    expect(settleDue(row(), true, later(5000), 600_000)).to.equal(true);
    expect(settleDue(row(), false, later(60_000 + 600_000), 600_000)).to.equal(false);
    expect(settleDue(row(), false, later(60_000 + 600_001), 600_000)).to.equal(true);
  });

  it('a stored recording is new with its whole seconds; none, or under half a second, is empty', () => {
    expect(settledAs({ seconds: 6.4 })).to.deep.equal({ status: 'new', seconds: 6 });
    expect(settledAs({ seconds: 0.6 })).to.deep.equal({ status: 'new', seconds: 1 });
    expect(settledAs({ seconds: 0.4 })).to.deep.equal({ status: 'empty', seconds: 0 });
    expect(settledAs(null)).to.deep.equal({ status: 'empty', seconds: null });
    expect(settledAs({ seconds: null })).to.deep.equal({ status: 'new', seconds: null });
  });
});
