// Follow-up reminders notify the agent when due: on the live feed of the user the reminder is
// for, once, and nobody else's (no Asterisk needed: ARI and AMI point at a closed port).
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
  });
}
