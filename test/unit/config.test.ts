import { expect } from 'chai';
import { ConfigError, loadConfig, secretValues } from '../../app/config.js';

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
  ];
  for (const [env, name] of bad) {
    it(`refuses ${name}=${Object.values(env)[0]} with a message naming it`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, name);
    });
  }

  it('shows the offending value of a non-secret setting', () => {
    expect(() => loadConfig({ HOTLINE_HTTP_PORT: 'eighty' })).to.throw(ConfigError, '(got "eighty")');
  });
});
