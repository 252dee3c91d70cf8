import { expect } from 'chai';
import { base32Decode, base32Encode, hotp, otpauthUri, totpCode, totpStep, verifyTotp } from '../../app/auth/totp.js';

// RFC 6238 appendix B, SHA-1 key "12345678901234567890": the 8-digit values, of which a
// 6-digit TOTP is the last six digits (the same truncation modulo 10^6).
const SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('auth: TOTP (RFC 6238)', () => {
  it('base32 round-trips and matches RFC 4648 vectors', () => {
    expect(base32Encode(Buffer.from('foobar'))).to.equal('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======').toString()).to.equal('foobar');
    expect(base32Decode('mzxw 6ytb-oi').toString()).to.equal('foobar');
    expect(SECRET).to.equal('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(() => base32Decode('MZXW1')).to.throw(/invalid base32/);
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const key = Buffer.from('12345678901234567890');
    expect([0, 1, 2, 9].map((c) => hotp(key, c))).to.deep.equal(['755224', '287082', '359152', '520489']);
  });

  for (const [seconds, eight] of VECTORS) {
    it(`T=${seconds}: 8 digits ${eight}, 6 digits ${eight.slice(2)}`, () => {
      expect(hotp(base32Decode(SECRET), totpStep(seconds * 1000), 8)).to.equal(eight);
      expect(totpCode(SECRET, seconds * 1000)).to.equal(eight.slice(2));
      expect(verifyTotp(SECRET, eight.slice(2), { nowMs: seconds * 1000 })).to.deep.equal({ ok: true, step: totpStep(seconds * 1000) });
    });
  }

  it('accepts the previous and next step, not two steps away', () => {
    const now = 1111111111 * 1000;
    const step = totpStep(now);
    expect(verifyTotp(SECRET, totpCode(SECRET, now - 30_000), { nowMs: now })).to.deep.equal({ ok: true, step: step - 1 });
    expect(verifyTotp(SECRET, totpCode(SECRET, now + 30_000), { nowMs: now })).to.deep.equal({ ok: true, step: step + 1 });
    expect(verifyTotp(SECRET, totpCode(SECRET, now - 60_000), { nowMs: now })).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(verifyTotp(SECRET, totpCode(SECRET, now + 60_000), { nowMs: now })).to.deep.equal({ ok: false, reason: 'invalid' });
  });

  it('refuses a replayed code (same step) and an older code after a newer one was used', () => {
    const now = 2000000000 * 1000;
    const code = totpCode(SECRET, now);
    const first = verifyTotp(SECRET, code, { nowMs: now, lastStep: null });
    expect(first.ok).to.equal(true);
    const lastStep = first.ok ? first.step : 0;
    expect(verifyTotp(SECRET, code, { nowMs: now + 5000, lastStep })).to.deep.equal({ ok: false, reason: 'replayed' });
    expect(verifyTotp(SECRET, totpCode(SECRET, now - 30_000), { nowMs: now, lastStep })).to.deep.equal({ ok: false, reason: 'replayed' });
    expect(verifyTotp(SECRET, totpCode(SECRET, now + 30_000), { nowMs: now + 30_000, lastStep }).ok).to.equal(true);
  });

  it('refuses malformed codes', () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5x']) expect(verifyTotp(SECRET, bad, { nowMs: 59_000 }).ok, bad).to.equal(false);
    expect(verifyTotp(SECRET, '287 082', { nowMs: 59_000 }).ok).to.equal(true);
  });

  it('builds an otpauth:// URI for authenticator apps', () => {
    const uri = new URL(otpauthUri({ issuer: 'Hotline', account: 'alice@example', secret: SECRET }));
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.host).to.equal('totp');
    expect(decodeURIComponent(uri.pathname)).to.equal('/Hotline:alice@example');
    expect(Object.fromEntries(uri.searchParams)).to.deep.equal({ secret: SECRET, issuer: 'Hotline', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
