// Two senders (two nodes' connections, both believing they are active, as during a fencing
// gap) on one database, SQLite and MariaDB: every delivery is claimed by one of them by the
// conditional UPDATE and reaches the receiver exactly once; a delivery left `sending` by a dead
// node is taken over once its claim expires.
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { WebhookSender } from '../../app/webhooks/webhooks.sender.js';
import { WebhooksService } from '../../app/webhooks/webhooks.service.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';
import { waitUntil } from '../support/pbx.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const log = createLogger({ level: 'silent', secrets: [] });

for (const kind of DB_KINDS) {
  describe(`webhook claims across two nodes (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let one: DataSource;
    let two: DataSource;
    let receiver: Receiver;
    const senders: WebhookSender[] = [];

    before(async () => {
      db = await createTestDb(kind);
      one = createDataSource(dbConfig(db));
      await one.initialize();
      await one.runMigrations();
      two = createDataSource(dbConfig(db));
      await two.initialize();
      receiver = await startReceiver();
    });
    after(async () => {
      await Promise.all(senders.map((s) => s.stop()));
      await receiver?.close();
      await one?.destroy();
      await two?.destroy();
      await db?.drop();
    });

    it('40 deliveries, two senders polling together: each delivered exactly once', async () => {
      const service = new WebhooksService(one, { log });
      const hook = await service.create({ name: 'Race', url: `${receiver.url}/race`, events: ['agent.state'] });
      for (let i = 0; i < 40; i++) await service.enqueue('agent.state', new Date(), { agentId: `a${i}` });
      senders.push(new WebhookSender(one, { isActive: () => true, log, everyMs: 20 }), new WebhookSender(two, { isActive: () => true, log, everyMs: 20 }));
      for (const s of senders) s.start();
      await waitUntil('40 delivered', async () => {
        const n = (await service.listDeliveries(hook.id, { status: 'delivered', limit: 1, offset: 0 })).total;
        return n === 40 ? n : undefined;
      }, 30_000, 100);
      const ids = receiver.on('/race').map((r) => r.headers['x-hotline-delivery']);
      expect(ids).to.have.length(40);
      expect(new Set(ids).size).to.equal(40);
      const attempts = await db.query<{ attempts: number }>("SELECT attempts FROM webhook_deliveries WHERE status = 'delivered'");
      expect(attempts.every((a) => Number(a.attempts) === 1)).to.equal(true);
    });

    it('a delivery left sending by a dead node is sent once its claim expires, by the other', async () => {
      const service = new WebhooksService(one, { log });
      // Disabled while the test sets the row up (the senders, still polling, skip disabled endpoints).
      const hook = await service.create({ name: 'Orphan', url: `${receiver.url}/orphan`, events: ['agent.state'], enabled: false });
      const { deliveryId } = await service.test(hook.id);
      // As a node that claimed it and died: sending, attempt 1, claim until 1 s from now.
      await db.exec("UPDATE webhook_deliveries SET status = 'sending', attempts = 1, claimed_until = ? WHERE id = ?", [
        kind === 'sqlite' ? new Date(Date.now() + 1000).toISOString().replace('T', ' ').replace('Z', '') : new Date(Date.now() + 1000),
        deliveryId,
      ]);
      await service.update(hook.id, { enabled: true });
      const got = await waitUntil('the orphan delivered', () => (receiver.on('/orphan').length ? receiver.on('/orphan') : undefined), 10_000, 50);
      expect(got).to.have.length(1);
      const d = await waitUntil('recorded', async () => {
        const x = await service.delivery(deliveryId);
        return x.status === 'delivered' ? x : undefined;
      });
      expect(d.attempts).to.equal(2);
    });
  });
}
