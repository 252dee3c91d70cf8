// Follow-up reminders notify the agent when due, and a ticket's SLA deadline approaching notifies
// its assignee: on the live feed of that user, once, and nobody else's (no Asterisk needed: ARI
// and AMI point at a closed port).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { openConsole, type LiveConsole } from '../support/live.js';
import { waitUntil } from '../support/pbx.js';

for (const kind of DB_KINDS) {
  describe(`follow-up reminders reach the agent's console when due (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let promptsDir: string;
    const consoles: LiveConsole[] = [];

    before(async () => {
      db = await createTestDb(kind);
      promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
      const dead = String(await freePort());
      hotline = await startHotline({ ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: promptsDir }, { waitForPbx: false });
    });
    after(async () => {
      consoles.forEach((c) => c.close());
      await stopAllHotlines();
      await db?.drop();
      rmSync(promptsDir, { recursive: true, force: true });
    });

    it('pushes reminder.due to its user once, and to nobody else', async () => {
      const base = hotline.url;
      expect((await api(base, 'POST', '/api/users', { username: 'follow-up', password: 'Remind-Me-Later-42', role: 'agent' })).status).to.equal(201);
      const token = (await api(base, 'POST', '/api/auth/login', { username: 'follow-up', password: 'Remind-Me-Later-42' }, null)).body.token as string;
      const mine = await openConsole(base, token);
      const admin = await openConsole(base, (await api(base, 'POST', '/api/auth/login', { username: 'admin', password: 'Test-Hotline-passw0rd!' }, null)).body.token);
      consoles.push(mine, admin);
      const customer = await api(base, 'POST', '/api/customers', { name: '赵六', phones: ['13600136000'] }, token);
      expect(customer.status).to.equal(201);
      const dueAt = new Date(Date.now() + 2000).toISOString();
      const reminder = await api(base, 'POST', `/api/customers/${customer.body.id}/reminders`, { dueAt, text: 'Call back about the invoice' }, token);
      expect(reminder.status, JSON.stringify(reminder.body)).to.equal(201);
      const notice = await waitUntil('the reminder on the agent console', () => mine.messages.find((m) => m.type === 'reminder.due'), 10_000);
      expect(notice).to.include({ reminderId: reminder.body.id, customerName: '赵六', text: 'Call back about the invoice' });
      expect(notice.receivedAt).to.be.at.least(Date.parse(dueAt));
      await new Promise((r) => setTimeout(r, 2500)); // more ticks: still once
      expect(mine.messages.filter((m) => m.type === 'reminder.due')).to.have.length(1);
      expect(admin.messages.some((m) => m.type === 'reminder.due')).to.equal(false);
      const listed = await api(base, 'GET', `/api/reminders?customerId=${customer.body.id}`, undefined, token);
      expect(listed.body.items[0].status).to.equal('notified');
    });

    it('a follow-up for a colleague is named for them; one for nobody, a disabled user or a read-only user is refused and nothing is written', async () => {
      const base = hotline.url;
      const made = async (username: string, role: string, displayName: string) => {
        const r = await api(base, 'POST', '/api/users', { username, password: 'Colleague-Pass-4242', role, displayName });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        return r.body.id as string;
      };
      const author = await made('fu-author', 'agent', 'Wang Fang');
      const colleague = await made('fu-colleague', 'supervisor', '李雷');
      const viewer = await made('fu-viewer', 'readonly', 'Viewer');
      const gone = await made('fu-gone', 'agent', 'Gone');
      expect((await api(base, 'PATCH', `/api/users/${gone}`, { disabled: true })).status).to.equal(200);
      const token = (await api(base, 'POST', '/api/auth/login', { username: 'fu-author', password: 'Colleague-Pass-4242' }, null)).body.token as string;
      const customer = await api(base, 'POST', '/api/customers', { name: 'Follow-up Co', phones: ['13600136111'] }, token);
      expect(customer.status).to.equal(201);
      const at = `/api/customers/${customer.body.id}/reminders`;
      const dueAt = new Date(Date.now() + 86_400_000).toISOString();

      const forColleague = await api(base, 'POST', at, { dueAt, text: 'Quote for the renewal', agentId: colleague }, token);
      expect(forColleague.status, JSON.stringify(forColleague.body)).to.equal(201);
      expect(forColleague.body).to.include({ agentId: colleague, agentName: '李雷', createdBy: 'fu-author' });
      const own = await api(base, 'POST', at, { dueAt, text: 'My own', agentId: author }, token);
      expect(own.body).to.include({ agentId: author, agentName: 'Wang Fang' });

      for (const [who, why] of [['00000000-0000-4000-8000-000000000000', /does not exist/], [gone, /is disabled/], [viewer, /has the role readonly/]] as const) {
        const refused = await api(base, 'POST', at, { dueAt, text: 'Nobody would see this', agentId: who }, token);
        expect(refused.status, who).to.equal(422);
        expect(refused.body.error).to.include({ code: 'reminder_recipient' });
        expect(refused.body.error.message).to.match(why);
        expect(refused.body.error.details).to.deep.equal({ field: 'agentId', id: who });
      }
      const listed = await api(base, 'GET', `/api/reminders?customerId=${customer.body.id}`, undefined, token);
      expect(listed.body.items.map((r: { text: string; agentName: string }) => [r.text, r.agentName]).sort()).to.deep.equal([['My own', 'Wang Fang'], ['Quote for the renewal', '李雷']]);
    });

    it("pushes a ticket's SLA deadline approaching to its assignee once, and to nobody else", async () => {
      const base = hotline.url;
      const made = await api(base, 'POST', '/api/users', { username: 'sla-owner', password: 'Deadline-Soon-4242', role: 'agent' });
      expect(made.status).to.equal(201);
      const token = (await api(base, 'POST', '/api/auth/login', { username: 'sla-owner', password: 'Deadline-Soon-4242' }, null)).body.token as string;
      const mine = await openConsole(base, token);
      const admin = await openConsole(base, (await api(base, 'POST', '/api/auth/login', { username: 'admin', password: 'Test-Hotline-passw0rd!' }, null)).body.token);
      consoles.push(mine, admin);
      // High priority: first response within 10 s, so the reminder (at 80 %) comes 8 s after
      // creation: 2 s before the deadline, twice the scheduler's tick (every second), so a busy
      // box's late tick still shows whether the notice comes before the deadline (at 5 s, one
      // tick of margin, it once came 5 ms after it on a loaded run).
      expect((await api(base, 'PUT', '/api/ticket-sla/high', { firstResponseSeconds: 10, resolutionSeconds: 3600 })).status).to.equal(200);
      const customer = await api(base, 'POST', '/api/customers', { name: '孙七', phones: ['13600136001'] });
      const ticket = await api(base, 'POST', '/api/tickets', { title: '宽带断线', customerId: customer.body.id, priority: 'high', assigneeId: made.body.id });
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
      const unassigned = await api(base, 'POST', '/api/tickets', { title: 'Nobody has it', customerId: customer.body.id, priority: 'high' });
      expect(unassigned.status).to.equal(201);
      const notice = await waitUntil('the SLA notice on the assignee console', () => mine.messages.find((m) => m.type === 'ticket.sla_due'), 20_000);
      expect(notice).to.include({ ticketId: ticket.body.id, ticketNumber: ticket.body.number, title: '宽带断线', target: 'first_response', dueAt: ticket.body.sla.firstResponseDueAt });
      expect(notice.receivedAt).to.be.below(Date.parse(ticket.body.sla.firstResponseDueAt));
      // The escalation at the deadline comes and goes; the notice was once, and only to the assignee.
      await waitUntil('the escalation', async () => (await api(base, 'GET', `/api/tickets/${ticket.body.id}`)).body.escalationLevel === 1 || undefined, 15_000);
      expect(mine.messages.filter((m) => m.type === 'ticket.sla_due')).to.have.length(1);
      expect(admin.messages.some((m) => m.type === 'ticket.sla_due'), 'not the admin, not for the unassigned ticket').to.equal(false);
    });
  });
}
