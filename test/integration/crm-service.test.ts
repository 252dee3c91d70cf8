// The CRM inside the whole Hotline service (app/main.ts wiring), on SQLite and MariaDB, with
// ARI and AMI pointed at closed ports (no Asterisk is touched): roles are enforced on the
// CRM routes, and the timeline and screen pop see call records through the calls port.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../../app/db/data-source.js';
import { api } from '../support/api.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { freePort } from '../support/ports.js';
import { insertCall } from './crm-fixtures.js';

for (const kind of DB_KINDS) {
  describe(`CRM in the Hotline service (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let prompts: string;
    const tokens: Record<string, string> = {};

    before(async () => {
      db = await createTestDb(kind);
      prompts = mkdtempSync(join(tmpdir(), 'hotline-crm-prompts-'));
      hotline = await startHotline(
        { ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${await freePort()}`, HOTLINE_AMI_PORT: String(await freePort()), HOTLINE_PROMPTS_DIR: prompts },
        { waitForPbx: false },
      );
      for (const role of ['agent', 'readonly'] as const) {
        const username = `crm-${role}`;
        const password = `Crm-Secret-42!-${role}`;
        expect((await api(hotline.url, 'POST', '/api/users', { username, password, role, displayName: username })).status).to.equal(201);
        tokens[role] = (await api(hotline.url, 'POST', '/api/auth/login', { username, password }, null)).body.token;
      }
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
      if (prompts) rmSync(prompts, { recursive: true, force: true });
    });

    it('agents create and pop customers, readonly users only read, merging and deleting need a supervisor', async () => {
      const as = (role: string) => tokens[role];
      const a = await api(hotline.url, 'POST', '/api/customers', { name: '赵敏', phones: ['+86 135 0000 9999'] }, as('agent'));
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      const b = await api(hotline.url, 'POST', '/api/customers', { name: '赵敏 2', phones: ['13500008888'] }, as('agent'));
      expect((await api(hotline.url, 'POST', '/api/customers', { name: 'x' }, as('readonly'))).status).to.equal(403);
      expect((await api(hotline.url, 'GET', '/api/customers?phone=013500009999', undefined, as('readonly'))).body.items[0].id).to.equal(a.body.id);
      expect((await api(hotline.url, 'POST', `/api/customers/${a.body.id}/merge`, { duplicateId: b.body.id }, as('agent'))).status).to.equal(403);
      expect((await api(hotline.url, 'DELETE', `/api/customers/${b.body.id}`, undefined, as('agent'))).status).to.equal(403);
      const note = await api(hotline.url, 'POST', `/api/customers/${a.body.id}/notes`, { text: '来电咨询' }, as('agent'));
      expect(note.body.actor).to.equal('crm-agent');
      const merged = await api(hotline.url, 'POST', `/api/customers/${a.body.id}/merge`, { duplicateId: b.body.id });
      expect(merged.status).to.equal(200);
      expect(merged.body.customer.phones).to.deep.equal(['13500008888', '13500009999']);
    });

    it('the timeline and the screen pop include calls from the calls module (wired in main.ts)', async () => {
      const ds = createDataSource(dbConfig(db));
      await ds.initialize();
      try {
        await insertCall(ds, '008613500008888', new Date('2026-11-20T08:00:00Z'));
      } finally {
        await ds.destroy();
      }
      const pop = await api(hotline.url, 'GET', `/api/customers/screen-pop?phone=${encodeURIComponent('+86 135-0000-8888')}`, undefined, tokens.agent);
      expect(pop.status).to.equal(200);
      expect(pop.body.known).to.equal(true);
      expect(pop.body.customer.name).to.equal('赵敏');
      const calls = pop.body.lastInteractions.filter((i: any) => i.source === 'call');
      expect(calls).to.have.length(1);
      expect(calls[0].summary).to.match(/^call from 008613500008888 to 4008100000/);
      const timeline = await api(hotline.url, 'GET', `/api/customers/${pop.body.customer.id}/timeline`, undefined, tokens.readonly);
      expect(timeline.body.items.map((i: any) => i.kind)).to.include.members(['merge', 'note', 'call']);
    });
  });
}
