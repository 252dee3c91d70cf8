import { expect } from 'chai';
import { buildFilter, escapeFilterValue, normalizeDn } from '../../app/auth/ldap.js';

describe('auth: LDAP filter escaping (RFC 4515)', () => {
  it('escapes * ( ) \\ and NUL', () => {
    expect(escapeFilterValue('*')).to.equal('\\2a');
    expect(escapeFilterValue('(')).to.equal('\\28');
    expect(escapeFilterValue(')')).to.equal('\\29');
    expect(escapeFilterValue('\\')).to.equal('\\5c');
    expect(escapeFilterValue('\u0000')).to.equal('\\00');
  });

  it('leaves ordinary names (also non-ASCII) alone', () => {
    for (const s of ['alice', 'bob.smith', 'o\'brien', 'carol@example.com', '张伟', 'a=b,c']) expect(escapeFilterValue(s)).to.equal(s);
  });

  it('neutralises injection attempts', () => {
    expect(escapeFilterValue('*)(uid=*')).to.equal('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('alice)(|(uid=*')).to.equal('alice\\29\\28|\\28uid=\\2a');
    expect(escapeFilterValue('\\2a')).to.equal('\\5c2a');
    expect(escapeFilterValue('a\u0000b')).to.equal('a\\00b');
  });

  it('fills filter templates with escaped values', () => {
    expect(buildFilter('(uid={{username}})', { username: 'alice)(|(uid=*' })).to.equal('(uid=alice\\29\\28|\\28uid=\\2a)');
    expect(buildFilter('(&(objectClass=person)(|(uid={{username}})(mail={{username}})))', { username: '*' })).to.equal(
      '(&(objectClass=person)(|(uid=\\2a)(mail=\\2a)))',
    );
    expect(buildFilter('(member={{dn}})', { dn: 'cn=a\\,b,dc=x' })).to.equal('(member=cn=a\\5c,b,dc=x)');
    expect(() => buildFilter('(uid={{user}})', { username: 'x' })).to.throw(/no value/);
  });

  it('normalizes DNs for comparison', () => {
    expect(normalizeDn('CN=Admins, OU=Groups,dc=Hotline , dc=test')).to.equal('cn=admins,ou=groups,dc=hotline,dc=test');
  });
});
