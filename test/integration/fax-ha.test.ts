// Hot standby during an inbound fax: two nodes, one Asterisk, one MariaDB. The far end
// (test/support/fax-far.ts) faxes through the IVR's fax option; while the fax is in ReceiveFAX the
// active node is killed with SIGKILL. The fax completes in Asterisk, and the node that took over
// files it — exactly once.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, publishFlow } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { faxTiff, numberedPdf } from '../support/fax-docs.js';
import { FAX_ENV, farSendAnswered, farSendFax, farSendResult, farSpoolDir, startFaxFar, stopFaxFar } from '../support/fax-far.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';

describe('fax and hot standby: kill -9 of the active node during an inbound fax (mariadb)', function () {
  this.timeout(300_000);
  let db: TestDb;
  const nodes: Record<string, HotlineProcess> = {};
  const work = mkdtempSync(join(tmpdir(), 'fax-ha-'));
  const ha = (name: string) => ({ ...db.env, ...FAX_ENV, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;

  before(async () => {
    ensurePbx();
    db = await createTestDb('mariadb');
    await startFaxFar({ t38: false });
  });
  afterEach(() => hangupAll());
  after(async () => {
    await stopAllHotlines();
    await stopFaxFar();
    await db?.drop();
  });

  it('the fax is stored once, by the node that took over', async () => {
    nodes.a = await startHotline(ha('node-a'), { waitForPbx: true });
    await waitUntil('node-a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(ha('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(nodes.b!)) === 'standby');
    await publishFlow(nodes.a.url, 'fax-ha', {
      entry: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'fax' }, timeoutMs: 15000, retries: 0, onExhausted: 'bye' },
        fax: { type: 'fax', queue: 'fax-desk' },
        bye: { type: 'hangup' },
      },
    }, ['6302']);
    const tif = faxTiff(numberedPdf(work, 3), join(farSpoolDir(), 'ha-three-pages.tif'));
    const key = `ha-${Date.now()}`;
    await farSendFax({ number: '6302', caller: '8613900002222', tif, key, digits: '1', waitSeconds: 2 });
    await waitUntil('Hotline to answer the fax call', () => farSendAnswered(key), 30_000, 500);
    // The fax is in ReceiveFAX (its row is `receiving`): now the active node dies.
    await waitUntil('the fax to be receiving', async () => (await db.query("SELECT id FROM faxes WHERE status = 'receiving'")).length === 1, 30_000, 200);
    await new Promise((r) => setTimeout(r, 3000));
    expect(farSendResult(key), 'the fax must still be in progress when the node dies').to.equal(null);
    await nodes.a.stop('SIGKILL');
    await waitUntil('node-b to take over', async () => (await role(nodes.b!)) === 'active', 60_000, 250);

    const sent = await waitUntil('the far end to finish sending', () => farSendResult(key), 120_000, 1000);
    expect(sent.status, JSON.stringify(sent)).to.equal('SUCCESS');
    const rows = await waitUntil('the fax to be filed', async () => {
      const r = await db.query<{ id: string; status: string; pages: number; claimed_by: string }>('SELECT id, status, pages, claimed_by FROM faxes');
      return r.length === 1 && !['receiving', 'filing'].includes(r[0]!.status) ? r : undefined;
    }, 60_000, 500);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'received', pages: 3, claimed_by: 'node-b' });
    expect((await db.query('SELECT fax_id FROM fax_documents')).length).to.equal(1);
    const listed = await api(nodes.b.url, 'GET', '/api/fax?direction=in&queue=fax-desk');
    expect(listed.body.items.map((f: { id: string }) => f.id)).to.deep.equal([rows[0]!.id]);
    expect(await nodes.b.waitForLog('the fax filed', (l) => l.msg === 'fax received and filed')).to.have.length(1);
    expect(nodes.a.logLines().filter((l) => l.msg === 'fax received and filed')).to.have.length(0);
  });
});
