// Hot standby and timed work: two Hotline nodes on one MariaDB (no Asterisk needed: ARI and AMI
// point at a closed port). While both run, only the active node runs SLA jobs; when it is killed
// with -9 between a ticket's reminder and its deadline, the standby takes over and escalates the
// ticket exactly once; the old node, back as standby, runs nothing again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

const SLA_S = 20; // reminder at 80%: 16 s

describe('hot standby: SLA escalations run exactly once across a kill -9 (mariadb)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let promptsDir: string;
  let env: (name: string) => Record<string, string>;

  before(async () => {
    db = await createTestDb('mariadb');
    promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
    const dead = String(await freePort());
    env = (name) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: promptsDir });
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
    rmSync(promptsDir, { recursive: true, force: true });
  });

  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const jobs = (ticketId: string) =>
    db.query<{ kind: string; status: string; attempts: number; claimed_by: string | null }>('SELECT kind, status, attempts, claimed_by FROM scheduled_jobs WHERE job_key = ? ORDER BY kind', [`${ticketId}:first_response`]);

  it('the active node reminds; after its kill -9 the standby escalates once; nothing runs twice', async () => {
    const a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a active', async () => (await role(a)) === 'active');
    const b = await startHotline(env('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(b)) === 'standby');

    expect((await api(a.url, 'PUT', '/api/ticket-sla/normal', { firstResponseSeconds: SLA_S, resolutionSeconds: 3600 })).status).to.equal(200);
    const customer = await api(a.url, 'POST', '/api/customers', { name: 'Han Meimei', phones: ['13700137000'] });
    expect(customer.status).to.equal(201);
    // Created through the standby's API: both nodes serve it; the work is in the database.
    const created = await api(b.url, 'POST', '/api/tickets', { title: 'Line is noisy', customerId: customer.body.id }, (await api(b.url, 'POST', '/api/auth/login', { username: 'admin', password: 'Test-Hotline-passw0rd!' }, null)).body.token);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const ticket = created.body;
    const due = Date.parse(ticket.sla.firstResponseDueAt);

    const reminded = await waitUntil('the reminder', async () => (await jobs(ticket.id)).find((j) => j.kind === 'ticket.sla.remind' && j.status === 'done'), 30_000, 200);
    expect(reminded.claimed_by, 'only the active node runs timed work').to.equal('node-a');
    expect(Date.now()).to.be.below(due - 1000);

    await a.stop('SIGKILL');
    await waitUntil('node-b to take over', async () => (await role(b)) === 'active', 10_000);
    const escalated = await waitUntil('the escalation', async () => (await jobs(ticket.id)).find((j) => j.kind === 'ticket.sla.escalate' && j.status === 'done'), 30_000, 200);
    expect(escalated.claimed_by).to.equal('node-b');

    // node-a comes back: it joins as standby and runs nothing again.
    const a2 = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a back as standby', async () => (await role(a2)) === 'standby');
    await new Promise((r) => setTimeout(r, 3000)); // three scheduler ticks on both nodes
    const t = (await api(b.url, 'GET', `/api/tickets/${ticket.id}`, undefined, (await api(b.url, 'POST', '/api/auth/login', { username: 'admin', password: 'Test-Hotline-passw0rd!' }, null)).body.token)).body;
    expect(t.escalationLevel).to.equal(1);
    const sla = await db.query<{ field: string }>("SELECT field FROM ticket_history WHERE ticket_id = ? AND actor = 'sla' ORDER BY at", [ticket.id]);
    expect(sla.map((h) => h.field)).to.deep.equal(['sla.first_response.reminder', 'escalation_level']);
    expect((await jobs(ticket.id)).map((j) => [j.kind, j.status, Number(j.attempts)])).to.deep.equal([
      ['ticket.sla.escalate', 'done', 1],
      ['ticket.sla.remind', 'done', 1],
    ]);
  });
});
