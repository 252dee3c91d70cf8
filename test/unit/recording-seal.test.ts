// Sealed recordings (AES-256-GCM in chunks): any byte range decrypts to exactly those bytes, a
// tampered, truncated or re-keyed file is refused; key files and Range headers are read strictly.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyFileError, KeyRing, parseKeyFile } from '../../app/recording/key-ring.js';
import { openRange, readHeader, seal, SealedFileError } from '../../app/recording/sealed-file.js';
import { parseRange, RangeNotSatisfiableError } from '../../app/recording/recording.player.js';
import { shouldRecord } from '../../app/recording/recording.service.js';
import { recordingSettings } from '../../app/acd/acd.schemas.js';
import { isHeld, nextPurge } from '../../app/recording/recording.retention.js';

describe('sealed recordings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-seal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const key = { id: 'k1', key: randomBytes(32) };

  async function readRange(file: string, start: number, end: number, k = key): Promise<Buffer> {
    const fh = await open(file, 'r');
    try {
      const h = readHeader(readFileSync(file).subarray(0, 300));
      const parts: Buffer[] = [];
      for await (const p of openRange(fh, h, k, start, end)) parts.push(p);
      return Buffer.concat(parts);
    } finally {
      await fh.close();
    }
  }

  it('decrypts any range, across chunk boundaries, to the original bytes', async () => {
    const audio = randomBytes(10_000);
    const file = join(dir, 'a.sealed');
    writeFileSync(file, seal(audio, key, 1024));
    const h = readHeader(readFileSync(file));
    expect(h).to.include({ keyId: 'k1', chunkSize: 1024, audioBytes: 10_000 });
    for (const [s, e] of [[0, 9999], [0, 0], [1023, 1024], [1000, 5000], [9999, 9999], [2048, 3071]] as const) {
      expect((await readRange(file, s, e)).equals(audio.subarray(s, e + 1)), `${s}-${e}`).to.equal(true);
    }
  });

  it('refuses a flipped byte, a cut-off file and the wrong key', async () => {
    const audio = randomBytes(5000);
    const sealed = seal(audio, key, 1024);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 100]! ^= 1;
    writeFileSync(join(dir, 'f.sealed'), flipped);
    writeFileSync(join(dir, 'c.sealed'), sealed.subarray(0, sealed.length - 20));
    writeFileSync(join(dir, 'k.sealed'), sealed);
    const fails = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return err;
      }
      return null;
    };
    expect(await fails(readRange(join(dir, 'f.sealed'), 0, 4999))).to.be.instanceOf(SealedFileError);
    expect(await fails(readRange(join(dir, 'c.sealed'), 0, 4999))).to.be.instanceOf(SealedFileError);
    expect(await fails(readRange(join(dir, 'k.sealed'), 0, 10, { id: 'k1', key: randomBytes(32) }))).to.be.instanceOf(SealedFileError);
    expect(() => readHeader(Buffer.from('RIFF....WAVEfmt '.repeat(3)))).to.throw(SealedFileError);
  });

  it('key files: the last key seals, every key opens, rotation appends; bad lines refuse to load', () => {
    const file = join(dir, 'keys');
    const ring = new KeyRing(file);
    const first = ring.current();
    expect(first.id).to.equal('k1');
    expect(ring.rotate()).to.equal('k2');
    expect(ring.current().id).to.equal('k2');
    expect(ring.byId('k1').key.equals(first.key)).to.equal(true);
    expect(() => parseKeyFile('k1 short')).to.throw(KeyFileError);
    expect(() => parseKeyFile(`k1 ${randomBytes(32).toString('base64')}\nk1 ${randomBytes(32).toString('base64')}`)).to.throw(/twice/);
    expect(() => parseKeyFile('# nothing\n')).to.throw(/no key/);
  });

  it('Range headers: first range, suffix, open end; outside the file is 416', () => {
    expect(parseRange(undefined, 100)).to.equal(null);
    expect(parseRange('bytes=10-19', 100)).to.deep.equal({ start: 10, end: 19 });
    expect(parseRange('bytes=90-', 100)).to.deep.equal({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).to.deep.equal({ start: 95, end: 99 });
    expect(parseRange('bytes=95-500', 100)).to.deep.equal({ start: 95, end: 99 });
    expect(() => parseRange('bytes=100-', 100)).to.throw(RangeNotSatisfiableError);
    expect(() => parseRange('bytes=20-10', 100)).to.throw(RangeNotSatisfiableError);
  });

  it('the queue policy: all, none, percent (by chance), on demand', () => {
    const s = (v: object) => recordingSettings.parse(v);
    expect(shouldRecord(s({ mode: 'all' }), () => 0.99)).to.equal('record');
    expect(shouldRecord(s({}), () => 0)).to.equal('skip');
    expect(shouldRecord(s({ mode: 'percent', percent: 30 }), () => 0.29)).to.equal('record');
    expect(shouldRecord(s({ mode: 'percent', percent: 30 }), () => 0.3)).to.equal('skip');
    expect(shouldRecord(s({ mode: 'on_demand' }), () => 0)).to.equal('idle');
    expect(recordingSettings.safeParse({ mode: 'percent' }).success, 'percent without a share').to.equal(false);
  });

  it('the nightly purge: the next HH:MM after now (local), keyed by its date; holds by call, customer id or number', () => {
    const now = new Date(2026, 11, 3, 1, 0, 0);
    expect(nextPurge('02:30', now)).to.deep.equal({ dueAt: new Date(2026, 11, 3, 2, 30), key: '2026-12-03' });
    expect(nextPurge('00:15', now)).to.deep.equal({ dueAt: new Date(2026, 11, 4, 0, 15), key: '2026-12-04' });
    expect(nextPurge('01:00', now).key, 'exactly now is past').to.equal('2026-12-04');
    expect(nextPurge('02:30', new Date(2026, 11, 31, 3)).key).to.equal('2027-01-01');
    const r = { callId: 'c1', customerNumber: '5551', customerId: 'u1' };
    expect(isHeld(r, [])).to.equal(false);
    expect(isHeld(r, [{ kind: 'call', target: 'c1' }])).to.equal(true);
    expect(isHeld(r, [{ kind: 'customer', target: '5551' }])).to.equal(true);
    expect(isHeld(r, [{ kind: 'customer', target: 'u1' }])).to.equal(true);
    expect(isHeld(r, [{ kind: 'call', target: '5551' }, { kind: 'customer', target: 'c1' }]), 'a hold of one kind never matches the other').to.equal(false);
  });
});
