import { expect } from 'chai';
import { ConfigError, loadConfig, parseRoleMap, secretValues } from '../../app/config.js';
import { addressMatcher } from '../../app/http/metrics-access.js';

describe('config', () => {
  it('defaults to the embedded setup: SQLite under ./data, HTTP 8080, Asterisk on 127.0.0.1', () => {
    const c = loadConfig({});
    expect(c.db).to.deep.equal({ type: 'sqlite', path: './data/hotline.sqlite' });
    expect(c.http.port).to.equal(8080);
    expect(c.ari.url).to.equal('http://127.0.0.1:8088');
    expect(c.ami.host).to.equal('127.0.0.1');
  });

  it('reads MariaDB settings', () => {
    const c = loadConfig({ HOTLINE_DB_TYPE: 'mariadb', HOTLINE_DB_HOST: 'db.local', HOTLINE_DB_PASSWORD: 'pw-1234', HOTLINE_DB_NAME: 'cc' });
    expect(c.db).to.include({ type: 'mariadb', host: 'db.local', port: 3306, database: 'cc' });
    expect(secretValues(c)).to.include('pw-1234');
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ HOTLINE_HTTP_PORT: 'eighty' }, 'HOTLINE_HTTP_PORT'],
    [{ HOTLINE_HTTP_PORT: '70000' }, 'HOTLINE_HTTP_PORT'],
    [{ HOTLINE_DB_TYPE: 'oracle' }, 'HOTLINE_DB_TYPE'],
    [{ HOTLINE_ARI_URL: 'not a url' }, 'HOTLINE_ARI_URL'],
    [{ HOTLINE_DB_NAME: 'x; drop' }, 'HOTLINE_DB_NAME'],
    [{ HOTLINE_LOG_LEVEL: 'loud' }, 'HOTLINE_LOG_LEVEL'],
    [{ HOTLINE_METRICS_ALLOW: '10.0.0.0/33' }, 'HOTLINE_METRICS_ALLOW'],
    [{ HOTLINE_METRICS_ALLOW: '127.0.0.1,prometheus.local' }, 'HOTLINE_METRICS_ALLOW'],
    [{ HOTLINE_METRICS_ALLOW: '::1/129' }, 'HOTLINE_METRICS_ALLOW'],
    [{ HOTLINE_METRICS_TOKEN: 'short' }, 'HOTLINE_METRICS_TOKEN'],
  ];
  for (const [env, name] of bad) {
    it(`refuses ${name}=${Object.values(env)[0]} with a message naming it`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, name);
    });
  }

  it('/metrics: this machine only by default, no token; a list of IPs and CIDRs, or none; the token is a secret', () => {
    expect(loadConfig({}).metricsAccess).to.deep.equal({ allow: ['127.0.0.1', '::1'] });
    const c = loadConfig({ HOTLINE_METRICS_ALLOW: '10.0.0.0/8, 192.168.1.7,fd00::/8', HOTLINE_METRICS_TOKEN: 'prom-scrape-token-123456' });
    expect(c.metricsAccess).to.deep.equal({ allow: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'], token: 'prom-scrape-token-123456' });
    expect(secretValues(c)).to.include('prom-scrape-token-123456');
    expect(loadConfig({ HOTLINE_METRICS_ALLOW: 'none' }).metricsAccess.allow).to.deep.equal([]);
    expect(() => loadConfig({ HOTLINE_METRICS_TOKEN: 'has a space in it!!' })).to.throw(ConfigError, 'HOTLINE_METRICS_TOKEN').with.property('message').that.does.not.include('space in it');
  });

  it('shows the offending value of a non-secret setting', () => {
    expect(() => loadConfig({ HOTLINE_HTTP_PORT: 'eighty' })).to.throw(ConfigError, '(got "eighty")');
  });
});

describe('HOTLINE_LDAP_ROLE_MAP', () => {
  const G = 'ou=groups,dc=x';
  it('parses role:DN pairs separated by a plain bar', () => {
    expect(parseRoleMap(`admin:cn=admins,${G}|agent:cn=agents\\,east,${G}`)).to.deep.equal([
      { role: 'admin', group: `cn=admins,${G}` },
      { role: 'agent', group: `cn=agents\\,east,${G}` },
    ]);
  });
  for (const [value, why] of [
    [`admin:cn=admins,${G}\\|agent:cn=agents,${G}`, 'contains "\\|"'],
    [`boss:cn=admins,${G}`, 'pair 1'],
    [`admin:cn=admins,${G}|agent:agents`, 'pair 2'],
    [`admin:cn=admins,${G}\\`, 'lone backslash'],
    [`admin:cn=admins,${G}|`, 'pair 2'],
  ]) {
    it(`refuses ${JSON.stringify(value)} naming the setting`, () => {
      expect(() => parseRoleMap(value!)).to.throw(ConfigError, new RegExp(`^Invalid configuration: HOTLINE_LDAP_ROLE_MAP: .*${why!.replace(/[\\|]/g, (c) => `\\${c}`)}`));
    });
  }
});

describe('metrics address matcher', () => {
  it('matches addresses and CIDR ranges, IPv4 and IPv6; an IPv4-mapped IPv6 peer counts as its IPv4', () => {
    const allowed = addressMatcher(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
    for (const a of ['127.0.0.1', '::1', '10.20.30.40', '::ffff:10.1.1.1', '::FFFF:127.0.0.1', 'fd12::5']) expect(allowed(a), a).to.equal(true);
    for (const a of ['127.0.0.2', '11.0.0.1', '::2', 'fe80::1', '::ffff:11.0.0.1', undefined]) expect(allowed(a), String(a)).to.equal(false);
    expect(addressMatcher([])('127.0.0.1')).to.equal(false);
  });
});
