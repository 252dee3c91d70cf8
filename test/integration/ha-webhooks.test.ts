// Hot standby and webhooks: two Hotline nodes on one MariaDB (no Asterisk: ARI and AMI point at
// a closed port). A delivery queued while its receiver is down is tried by the active node only;
// after that node is killed (-9) the other one takes over and delivers it once the receiver is
// up — exactly once (the receiver counts by delivery id).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

describe('hot standby: a pending webhook delivery is sent by the node that takes over, once (mariadb)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let promptsDir: string;
  let receiver: Receiver | undefined;
  let env: (name: string) => Record<string, string>;

  before(async () => {
    db = await createTestDb('mariadb');
    promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
    const dead = String(await freePort());
    env = (name) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: promptsDir, HOTLINE_WEBHOOK_RETRY_MS: '1500' });
  });
  after(async () => {
    await stopAllHotlines();
    await receiver?.close();
    await db?.drop();
    rmSync(promptsDir, { recursive: true, force: true });
  });

  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const row = async (id: string) => (await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM webhook_deliveries WHERE id = ?', [id]))[0];

  it('node-a tries while the receiver is down; after its kill -9, node-b delivers it exactly once', async () => {
    const a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a active', async () => (await role(a)) === 'active');
    const b = await startHotline(env('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(b)) === 'standby');

    const port = await freePort();
    const hook = await api(a.url, 'POST', '/api/webhooks', { name: 'Failover', url: `http://127.0.0.1:${port}/hook`, events: ['ticket.created'] });
    expect(hook.status).to.equal(201);
    const sent = await api(a.url, 'POST', `/api/webhooks/${hook.body.id}/test`);
    expect(sent.status).to.equal(202);
    const id = sent.body.deliveryId as string;
    await waitUntil('a failed attempt by node-a', async () => {
      const r = await row(id);
      return r && r.status === 'pending' && Number(r.attempts) >= 1 ? r : undefined;
    }, 15_000, 100);
    expect(a.logLines().some((l) => l.msg === 'webhook attempt failed; retrying later' && l.delivery === id)).to.equal(true);
    expect(b.logLines().some((l) => l.delivery === id), 'the standby sends nothing').to.equal(false);

    await a.stop('SIGKILL');
    await waitUntil('node-b to take over', async () => (await role(b)) === 'active', 15_000);
    receiver = await startReceiver(port);
    const got = await waitUntil('the delivery at the receiver', () => (receiver!.on('/hook').length ? receiver!.on('/hook') : undefined), 20_000);
    expect(got[0]!.headers['x-hotline-delivery']).to.equal(id);
    await waitUntil('delivered', async () => ((await row(id))?.status === 'delivered' ? true : undefined), 5000);
    await new Promise((r) => setTimeout(r, 3000)); // a few more sender passes: nothing is sent again
    expect(receiver.received.filter((x) => x.headers['x-hotline-delivery'] === id)).to.have.length(1);
  });
});
