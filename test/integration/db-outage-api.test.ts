// The API while MariaDB cannot be reached (the real MariaDB behind a proxy the test cuts): a
// request answers 503 database_unavailable with Retry-After, not a 500 "internal error" (a
// loaded run once showed `login: 500` when a pool connection timed out); once the path heals,
// the same request answers 200 again.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

describe('API with the database unreachable (mariadb)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let proxy: TcpProxy;
  let hotline: HotlineProcess;

  before(async () => {
    db = await createTestDb('mariadb');
    proxy = await startTcpProxy(Number(db.env.HOTLINE_DB_PORT));
    hotline = await startHotline({ ...db.env, HOTLINE_DB_PORT: String(proxy.port), HOTLINE_OWN_PBX: 'false' }, { waitForPbx: false });
  });
  after(async () => {
    await stopAllHotlines();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 database_unavailable while the database is cut away, and 200 once it is back', async () => {
    expect((await api(hotline.url, 'GET', '/api/acd/agents')).status).to.equal(200);
    proxy.cut();
    const res = await api(hotline.url, 'GET', '/api/acd/agents');
    expect(res.status, JSON.stringify(res.body)).to.equal(503);
    expect(res.body).to.deep.equal({ error: { code: 'database_unavailable', message: 'the database does not answer; try again in a few seconds' } });
    expect(hotline.logLines().filter((l) => l.msg === 'unhandled error in request')).to.deep.equal([]);
    proxy.restore();
    await waitUntil('the API to answer again', async () => (await api(hotline.url, 'GET', '/api/acd/agents')).status === 200, 30_000);
  });
});
