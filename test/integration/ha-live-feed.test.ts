// Hot standby and the live feed: a console connected to either node gets the same events, and
// keeps getting them when the active node dies and the other takes over (no Asterisk needed:
// the events here are follow-up reminders, which the active node pushes).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { openConsole, type LiveConsole } from '../support/live.js';
import { ROOT, waitUntil } from '../support/pbx.js';

/** The keepalived track script's verdict on a node: true = the virtual IP belongs there. */
const vipHere = (url: string) => spawnSync('bash', [`${ROOT}/scripts/ha-check.sh`, url]).status === 0;

describe('hot standby: consoles on either node get the live feed, also across a kill -9; keepalived follows the active node (mariadb)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let promptsDir: string;
  let dead: string;
  const consoles: LiveConsole[] = [];
  const nodes: Record<string, HotlineProcess> = {};

  const env = (name: string) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: promptsDir });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const dueOf = (c: LiveConsole, id: string) => c.messages.filter((m) => m.type === 'reminder.due' && m.reminderId === id);

  before(async () => {
    db = await createTestDb('mariadb');
    promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
    dead = String(await freePort());
  });
  after(async () => {
    consoles.forEach((c) => c.close());
    await stopAllHotlines();
    await db?.drop();
    rmSync(promptsDir, { recursive: true, force: true });
  });

  it('the generated keepalived.conf is valid for keepalived itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-keepalived-'));
    const iface = readdirSync('/sys/class/net').find((n) => n !== 'lo') ?? 'eth0'; // VRRP refuses loopback
    const conf = execFileSync('bash', [`${ROOT}/scripts/keepalived-conf.sh`, iface, '192.168.56.10/24', '192.168.56.11', '192.168.56.12', 'http://127.0.0.1:8080'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'keepalived.conf'), conf);
    const check = spawnSync('keepalived', ['-t', '-f', join(dir, 'keepalived.conf')], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(check.status, `${check.stdout}${check.stderr}`).to.equal(0);
    expect(conf).to.match(/ha-check\.sh http:\/\/127\.0\.0\.1:8080/);
    const bad = spawnSync('bash', [`${ROOT}/scripts/keepalived-conf.sh`, 'lo', '192.168.56.10', '192.168.56.11', '192.168.56.12'], { encoding: 'utf8' });
    expect(bad.status).to.equal(64);
    expect(bad.stderr).to.match(/prefix/);
  });

  it('a reminder pushed by the active node reaches consoles on both nodes once; after a kill -9 the new active node feeds both again', async () => {
    nodes.a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(env('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(nodes.b!)) === 'standby');

    expect((await api(nodes.a.url, 'POST', '/api/users', { username: 'night-shift', password: 'Owl-Hours-Remind-77', role: 'agent' })).status).to.equal(201);
    const token = (await api(nodes.b.url, 'POST', '/api/auth/login', { username: 'night-shift', password: 'Owl-Hours-Remind-77' }, null)).body.token as string;
    expect([vipHere(nodes.a.url), vipHere(nodes.b.url)], 'keepalived track script: active, standby').to.deep.equal([true, false]);
    const onA = await openConsole(nodes.a.url, token);
    const onB = await openConsole(nodes.b.url, token);
    consoles.push(onA, onB);
    const customer = await api(nodes.b.url, 'POST', '/api/customers', { name: 'Relay Customer', phones: ['13500135000'] }, token);
    expect(customer.status).to.equal(201);
    const remind = async (base: string, text: string) => {
      const r = await api(base, 'POST', `/api/customers/${customer.body.id}/reminders`, { dueAt: new Date(Date.now() + 1500).toISOString(), text }, token);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body.id as string;
    };

    const first = await remind(nodes.b.url, 'first');
    await waitUntil('the first reminder on both consoles', () => dueOf(onA, first).length && dueOf(onB, first).length, 10_000);
    expect(dueOf(onB, first)[0]).to.include({ text: 'first', customerName: 'Relay Customer' });

    // The active node dies; the console on node-b stays; a console reconnects to the restarted node-a.
    await nodes.a.stop('SIGKILL');
    await waitUntil('node-b to become active', async () => (await role(nodes.b!)) === 'active', 10_000);
    expect([vipHere(nodes.a.url), vipHere(nodes.b.url)], 'keepalived: the dead node, the new active one').to.deep.equal([false, true]);
    nodes.a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a standby', async () => (await role(nodes.a!)) === 'standby');
    expect(vipHere(nodes.a.url), 'a node back from a crash is a standby: no virtual IP').to.equal(false);
    const againOnA = await openConsole(nodes.a.url, token);
    consoles.push(againOnA);

    const second = await remind(nodes.a.url, 'second');
    await waitUntil('the second reminder on both consoles', () => dueOf(onB, second).length && dueOf(againOnA, second).length, 10_000);
    await new Promise((r) => setTimeout(r, 2000)); // more passes of the relay and of the reminder tick
    expect(dueOf(onB, first), 'once on node-b').to.have.length(1);
    expect(dueOf(onA, first), 'once on node-a').to.have.length(1);
    expect(dueOf(onB, second)).to.have.length(1);
    expect(dueOf(againOnA, second)).to.have.length(1);
  });
});
