// The HA lease on a real MariaDB, reached through a proxy the test can cut: confirm() answers
// at once whether the node still holds the lease, and a node that cannot tell steps down
// (fences) before it answers — no call may be handed back by a node that lost its database.
import { expect } from 'chai';
import { pino } from 'pino';
import { MariaDbLease } from '../../app/ha/leader.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitUntil } from '../support/pbx.js';

describe('HA lease: confirm() on a real MariaDB', function () {
  this.timeout(30_000);
  let db: TestDb;
  let proxy: TcpProxy;
  const leases: MariaDbLease[] = [];

  before(async () => {
    db = await createTestDb('mariadb');
  });
  after(async () => {
    for (const l of leases) await l.stop();
    await proxy?.close();
    await db?.drop();
  });

  function lease(port: number, checkMs = 5000, lock = 'a'): MariaDbLease {
    const l = new MariaDbLease({
      host: '127.0.0.1',
      port,
      user: db.env.HOTLINE_DB_USER!,
      password: db.env.HOTLINE_DB_PASSWORD ?? '',
      database: db.env.HOTLINE_DB_NAME!,
      lockName: `hotline-lease-test-${process.pid}-${lock}`,
      checkMs, // 5 s: the periodic check would not notice within the test, only confirm() can
      log: pino({ level: 'silent' }),
    });
    leases.push(l);
    return l;
  }

  it('holding the lease: true; the database cut away: false at once, the node fenced, the other node takes the lease', async () => {
    proxy = await startTcpProxy(Number(db.env.HOTLINE_DB_PORT));
    const a = lease(proxy.port);
    const lost: string[] = [];
    a.on('lost', (r) => lost.push(r));
    a.start();
    await waitUntil('node a active', async () => a.role === 'active', 10_000);
    expect(await a.confirm()).to.equal(true);
    expect(lost).to.deep.equal([]);

    proxy.cut();
    const t0 = Date.now();
    expect(await a.confirm()).to.equal(false);
    expect(Date.now() - t0, 'answered within twice the check interval').to.be.below(10_500);
    expect(a.role).to.equal('standby');
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/cannot reach the database/);

    const b = lease(Number(db.env.HOTLINE_DB_PORT));
    b.start();
    await waitUntil('node b active', async () => b.role === 'active', 10_000);
    expect(await b.confirm()).to.equal(true);
    expect(await a.confirm(), 'a fenced node never says it is active').to.equal(false);
  });

  it('a standby that became active is no standby any more: a planned switchover on it finds none', async () => {
    const a = lease(Number(db.env.HOTLINE_DB_PORT), 100, 'b');
    a.start();
    await waitUntil('node a active', async () => a.role === 'active', 10_000);
    expect(await a.standbyAvailable(), 'alone').to.equal(false);
    const b = lease(Number(db.env.HOTLINE_DB_PORT), 100, 'b');
    b.start();
    await waitUntil('node b standing by', async () => await a.standbyAvailable(), 10_000);
    await new Promise((r) => setTimeout(r, 1000)); // b contends for the lease tick after tick
    expect(b.role).to.equal('standby');
    await a.release();
    await waitUntil('node b active', async () => b.role === 'active', 10_000);
    expect(await b.standbyAvailable(), 'b alone: its own standby mark is gone').to.equal(false);
    const c = lease(Number(db.env.HOTLINE_DB_PORT), 100, 'b');
    c.start();
    await waitUntil('node c standing by', async () => await b.standbyAvailable(), 10_000);
    expect(c.role).to.equal('standby');
  });
});
