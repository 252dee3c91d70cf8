// SLA on the real service (startHotline, no Asterisk) on SQLite and MariaDB: a reminder fires
// once before the deadline and the breach escalates exactly once, also when Hotline is killed
// with SIGKILL before the deadline and started again on the same database, and when it is
// killed after the escalation and started once more.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

const FIRST_RESPONSE_S = 25; // the reminder goes out at 80%: 20 s after creation

for (const kind of DB_KINDS) {
  describe(`ticket SLA across restarts of Hotline (${kind})`, function () {
    this.timeout(180_000);
    let db: TestDb;
    let env: Record<string, string>;
    let promptsDir: string;

    before(async () => {
      db = await createTestDb(kind);
      promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
      const dead = String(await freePort()); // no Asterisk: nothing listens there
      env = { ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: promptsDir, HOTLINE_NODE_NAME: 'sla-node' };
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
      rmSync(promptsDir, { recursive: true, force: true });
    });

    const history = async (h: HotlineProcess, id: string) => (await api(h.url, 'GET', `/api/tickets/${id}/history`)).body.items as Array<{ field: string; at: string; old: string | null; new: string | null; actor: string }>;

    it('reminds once before the deadline and escalates exactly once, across SIGKILL restarts', async () => {
      const h1 = await startHotline(env, { waitForPbx: false });
      const policy = await api(h1.url, 'PUT', '/api/ticket-sla/normal', { firstResponseSeconds: FIRST_RESPONSE_S, resolutionSeconds: 3600 });
      expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
      const customer = await api(h1.url, 'POST', '/api/customers', { name: 'Li Lei', phones: ['+86 138 0013 8000'] });
      expect(customer.status).to.equal(201);
      const created = await api(h1.url, 'POST', '/api/tickets', { title: 'No dial tone', customerId: customer.body.id });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const ticket = created.body;
      const due = Date.parse(ticket.sla.firstResponseDueAt);
      expect(due - Date.parse(ticket.createdAt)).to.equal(FIRST_RESPONSE_S * 1000);

      // Killed long before the reminder and the deadline: their jobs are pending in the database.
      await h1.stop('SIGKILL');
      expect(Date.now()).to.be.below(due - 10_000);
      const h2 = await startHotline(env, { waitForPbx: false });
      const reminded = await waitUntil('the reminder', async () => (await history(h2, ticket.id)).find((e) => e.field === 'sla.first_response.reminder'), 40_000, 250);
      expect(Date.parse(reminded.at), 'the reminder comes before the deadline').to.be.below(due);
      expect(reminded).to.include({ actor: 'sla', new: ticket.sla.firstResponseDueAt });
      const escalated = await waitUntil('the escalation', async () => (await history(h2, ticket.id)).find((e) => e.field === 'escalation_level'), 40_000, 250);
      expect(Date.parse(escalated.at)).to.be.at.least(due);
      expect(escalated).to.include({ actor: 'sla', old: '0', new: '1' });
      const t2 = (await api(h2.url, 'GET', `/api/tickets/${ticket.id}`)).body;
      expect(t2.escalationLevel).to.equal(1);
      expect(Date.parse(t2.escalatedAt)).to.be.at.least(due);
      expect((await api(h2.url, 'GET', '/api/tickets?escalated=true')).body.items.map((t: any) => t.number)).to.deep.equal([ticket.number]);

      // Killed after the escalation committed, started again: it never runs again. A second
      // ticket escalating on the new process shows its scheduler ticked on past the first one's jobs.
      await h2.stop('SIGKILL');
      const h3 = await startHotline(env, { waitForPbx: false });
      await api(h3.url, 'PUT', '/api/ticket-sla/high', { firstResponseSeconds: 3, resolutionSeconds: 3600 });
      const probe = (await api(h3.url, 'POST', '/api/tickets', { title: 'Probe', customerId: customer.body.id, priority: 'high' })).body;
      await waitUntil('the probe ticket to escalate on the third process', async () => (await api(h3.url, 'GET', `/api/tickets/${probe.id}`)).body.escalationLevel === 1, 30_000, 250);
      const after = (await api(h3.url, 'GET', `/api/tickets/${ticket.id}`)).body;
      expect(after.escalationLevel).to.equal(1);
      const entries = (await history(h3, ticket.id)).filter((e) => e.actor === 'sla');
      expect(entries.map((e) => e.field)).to.deep.equal(['sla.first_response.reminder', 'escalation_level']);
      const jobs = await db.query<{ kind: string; status: string; attempts: number }>('SELECT kind, status, attempts FROM scheduled_jobs WHERE job_key = ? ORDER BY kind', [`${ticket.id}:first_response`]);
      expect(jobs.map((j) => [j.kind, j.status, Number(j.attempts)])).to.deep.equal([
        ['ticket.sla.escalate', 'done', 1],
        ['ticket.sla.remind', 'done', 1],
      ]);
      await h3.stop('SIGTERM');
    });
  });
}
