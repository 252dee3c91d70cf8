import { expect } from 'chai';
import { hashPassword, passwordProblems, PASSWORD_POLICY, verifyPassword } from '../../app/auth/password.js';

describe('auth: scrypt password hashing', () => {
  it('encodes scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1, a 16-byte salt', async () => {
    const encoded = await hashPassword('Correct horse 42');
    const [alg, N, r, p, salt, hash] = encoded.split('$');
    expect([alg, N, r, p]).to.deep.equal(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).to.have.length(16);
    expect(Buffer.from(hash!, 'base64')).to.have.length(32);
    expect(encoded).to.not.contain('Correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('Correct horse 42');
    expect(await verifyPassword('Correct horse 42', encoded)).to.equal(true);
    expect(await verifyPassword('correct horse 42', encoded)).to.equal(false);
    expect(await verifyPassword('', encoded)).to.equal(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('Same password 1')).to.not.equal(await hashPassword('Same password 1'));
  });

  it('treats malformed or absurd stored hashes as a failed verification, not a crash', async () => {
    const good = await hashPassword('Correct horse 42');
    const parts = good.split('$');
    for (const bad of ['', 'plain', 'bcrypt$2$x$y$z$w', ['scrypt', String(2 ** 30), ...parts.slice(2)].join('$'), ['scrypt', '1000', ...parts.slice(2)].join('$')]) {
      expect(await verifyPassword('Correct horse 42', bad), bad).to.equal(false);
    }
  });

  it('reads the parameters from the stored hash (older, cheaper hashes still verify)', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const hash = scryptSync('Older hash 123', salt, 32, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('Older hash 123', `scrypt$1024$8$1$${salt.toString('base64')}$${hash.toString('base64')}`)).to.equal(true);
  });
});

describe('auth: password policy', () => {
  it('accepts 12+ characters of at least two kinds', () => {
    for (const ok of ['abcdefghijk1', 'correct horse battery', 'ABCDEFGHIJKL-', '密码密码密码密码密码密码1']) expect(passwordProblems(ok), ok).to.deep.equal([]);
  });

  it('refuses a short password with a clear message', () => {
    expect(passwordProblems('Short1!')).to.deep.equal([`password must be at least ${PASSWORD_POLICY.minLength} characters long (got 7)`]);
  });

  it('refuses a password of one kind of characters only', () => {
    for (const bad of ['abcdefghijklmn', 'ABCDEFGHIJKLMN', '12345678901234', '!!!!!!!!!!!!!!']) {
      expect(passwordProblems(bad), bad).to.deep.equal(['password must mix at least two kinds of characters: lower case, upper case, digits, symbols or spaces']);
    }
  });

  it('refuses more than 256 characters', () => {
    expect(passwordProblems(`a1${'x'.repeat(255)}`)).to.deep.equal(['password must be at most 256 characters long']);
    expect(passwordProblems(`a1${'x'.repeat(254)}`)).to.deep.equal([]);
  });

  it('refuses a password containing the username, and lists every problem', () => {
    expect(passwordProblems('my-alice-password', 'alice')).to.deep.equal(['password must not contain the username']);
    expect(passwordProblems('')).to.have.length(1);
    expect(passwordProblems('aaaa', 'bob')).to.have.length(2);
  });
});
