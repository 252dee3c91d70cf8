// The real Hotline process with its AMI and ARI pointing at ports that accept and at once close
// every connection (no Asterisk): retrying every few seconds must not write a line per attempt.
import { expect } from 'chai';
import net from 'node:net';
import { once } from 'node:events';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

async function slammingDoor(): Promise<{ port: number; connects: () => number; close: () => Promise<void> }> {
  let connects = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connects++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    connects: () => connects,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('an unreachable Asterisk does not flood the log', function () {
  this.timeout(60_000);
  let db: TestDb;
  let ami: Awaited<ReturnType<typeof slammingDoor>>;
  let ari: Awaited<ReturnType<typeof slammingDoor>>;
  before(async () => {
    db = await createTestDb('sqlite');
    ami = await slammingDoor();
    ari = await slammingDoor();
  });
  after(async () => {
    await stopAllHotlines();
    await ami?.close();
    await ari?.close();
    await db?.drop();
  });

  it('five failed AMI attempts in a row give one warning for AMI and one for ARI', async () => {
    const hotline = await startHotline({ ...db.env, HOTLINE_AMI_PORT: String(ami.port), HOTLINE_ARI_URL: `http://127.0.0.1:${ari.port}` }, { waitForPbx: false });
    await waitUntil('five AMI connection attempts', () => ami.connects() >= 5 && ari.connects() >= 5, 30_000);
    // (A loop stall on a starved test box is the box's, reported by app/loop-stalls.ts.)
    const warnings = hotline.logLines().filter((l) => l.level >= 40 && !/event loop stalled/.test(l.msg)).map((l) => `${l.link ?? ''}: ${l.msg}`);
    expect(warnings.sort()).to.deep.equal([
      'ami: AMI connection attempt failed; retrying (further failures logged at most once a minute)',
      'ari: Asterisk ARI not reachable; calls are not handled until it is (retrying)',
    ]);
    expect(hotline.child.exitCode).to.equal(null);
    await hotline.stop();
  });
});
