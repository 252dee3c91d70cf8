// The CRM's history on real SQLite and MariaDB: the timeline (interactions, notes and the
// calls from the customer's numbers, newest first, paged), reminders, companies and
// contacts, and merging two duplicate customers (all history kept; all-or-nothing).
import { expect } from 'chai';
import { DB_KINDS } from '../support/db.js';
import { insertCall, snapshot, startCrmApp, type CrmApp } from './crm-fixtures.js';

const at = (iso: string) => new Date(iso);

for (const kind of DB_KINDS) {
  describe(`CRM history (${kind})`, function () {
    this.timeout(60_000);
    let app: CrmApp;
    before(async () => {
      app = await startCrmApp(kind);
    });
    after(async () => app?.close());

    const customer = async (body: Record<string, unknown>) => {
      const res = await app.api('POST', '/customers', body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { id: string; phones: string[] };
    };

    it('the timeline shows interactions, notes and the calls from any of the numbers, newest first, paged by cursor', async () => {
      const c = await customer({ name: '李雷', phones: ['13600001111', '021-5555-1234'] });
      await app.crm.recordInteraction({ customerId: c.id, kind: 'ticket', refId: 'T-1', summary: 'ticket opened: 发票', actor: 'tickets', at: at('2026-11-01T10:00:00Z') });
      await app.crm.recordInteraction({ customerId: c.id, kind: 'callback', summary: 'callback requested', actor: 'ivr', at: at('2026-11-03T10:00:00Z') });
      // Calls as the trunk wrote the caller number; one from somebody else.
      const call1 = await insertCall(app.ds, '+8613600001111', at('2026-11-02T10:00:00Z'));
      const call2 = await insertCall(app.ds, '00862155551234', at('2026-11-04T10:00:00Z'));
      const call3 = await insertCall(app.ds, '13600001111', at('2026-11-05T10:00:00Z'));
      await insertCall(app.ds, '13600002222', at('2026-11-06T10:00:00Z'));
      const note = await app.api('POST', `/customers/${c.id}/notes`, { text: '客户要求下周回电' });
      expect(note.status).to.equal(201);
      expect(note.body).to.include({ kind: 'note', actor: 'test-admin', summary: '客户要求下周回电' });

      const all = await app.api('GET', `/customers/${c.id}/timeline?limit=100`);
      expect(all.status).to.equal(200);
      // "customer created" and the note are both from just now (their order within a millisecond is by id).
      const kinds = all.body.items.map((i: any) => [i.kind, i.source]);
      expect(kinds.slice(0, 2).map((k: string[]) => k[0]).sort()).to.deep.equal(['created', 'note']);
      expect(kinds.slice(2)).to.deep.equal([
        ['call', 'call'],
        ['call', 'call'],
        ['callback', 'interaction'],
        ['call', 'call'],
        ['ticket', 'interaction'],
      ]);
      expect(all.body.items.filter((i: any) => i.kind === 'call').map((i: any) => i.refId)).to.deep.equal([call3, call2, call1]);
      expect(all.body.next).to.equal(null);

      // Pages of 2 by cursor give every item once, in the same order.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await app.api('GET', `/customers/${c.id}/timeline?limit=2${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status).to.equal(200);
        expect(page.body.items.length).to.be.at.most(2);
        seen.push(...page.body.items.map((i: any) => i.id));
        cursor = page.body.next;
      } while (cursor);
      const whole = (await app.api('GET', `/customers/${c.id}/timeline?limit=100`)).body.items.map((i: any) => i.id);
      expect(seen).to.deep.equal(whole);
      expect(whole).to.have.length(7);

      const pop = await app.crm.screenPop('+86 136 0000 1111');
      expect(pop.known).to.equal(true);
      if (!pop.known) return;
      expect(pop.lastInteractions.map((i) => i.id)).to.deep.equal(whole.slice(0, 5));
      expect(pop.lastInteractions.slice(2).map((i) => i.kind)).to.deep.equal(['call', 'call', 'callback']);
      expect(pop.customer.phones).to.deep.equal(['02155551234', '13600001111']);
      expect((await app.api('GET', `/customers/${c.id}/timeline?before=yesterday`)).status).to.equal(400);
      expect((await app.api('GET', '/customers/00000000-0000-4000-8000-000000000000/timeline')).status).to.equal(404);
    });

    it('reminders: create, list, due ones for the scheduler, notified once, completed', async () => {
      const c = await customer({ name: 'Reminder Target', phones: ['13600003333'] });
      const past = await app.api('POST', `/customers/${c.id}/reminders`, { dueAt: '2026-01-01T09:00:00Z', text: 'call about the renewal' });
      expect(past.status, JSON.stringify(past.body)).to.equal(201);
      expect(past.body).to.include({ customerId: c.id, agentId: 'test-admin', status: 'open', customerName: 'Reminder Target' });
      const future = await app.api('POST', `/customers/${c.id}/reminders`, { dueAt: '2099-01-01T09:00:00+08:00', text: 'much later', agentId: 'agent-7' });
      expect(future.status).to.equal(201);
      expect(new Date(future.body.dueAt).toISOString()).to.equal('2099-01-01T01:00:00.000Z');

      const now = at('2026-06-01T00:00:00Z');
      const due = await app.crm.reminders.due(now);
      expect(due.map((r) => r.id)).to.deep.equal([past.body.id]);
      expect(await app.crm.reminders.markNotified(past.body.id, now)).to.equal(true);
      expect(await app.crm.reminders.markNotified(past.body.id, now)).to.equal(false);
      expect(await app.crm.reminders.due(now)).to.deep.equal([]);

      const mine = await app.api('GET', `/reminders?agentId=agent-7`);
      expect(mine.body).to.include({ total: 1 });
      expect(mine.body.items[0]).to.include({ text: 'much later', status: 'open' });
      expect((await app.api('GET', `/reminders?customerId=${c.id}&status=notified`)).body.items.map((r: any) => r.id)).to.deep.equal([past.body.id]);

      const done = await app.api('POST', `/reminders/${past.body.id}/complete`);
      expect(done.status).to.equal(200);
      expect(done.body.status).to.equal('done');
      const again = await app.api('POST', `/reminders/${past.body.id}/complete`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('reminder_state');
      expect((await app.api('POST', '/reminders/00000000-0000-4000-8000-000000000000/complete')).status).to.equal(404);
      const [row] = await app.ds.query('SELECT status, notified_at, done_at FROM reminders WHERE id = ?', [past.body.id]);
      expect(row.status).to.equal('done');
      expect(row.notified_at).to.not.equal(null);
      expect(row.done_at).to.not.equal(null);
    });

    it('companies and contacts: a contact is a customer with a role at a company', async () => {
      const co = await app.api('POST', '/companies', { name: 'Globex 环球', address: 'Springfield', region: 'US-OR' });
      expect(co.status).to.equal(201);
      const a = await customer({ name: 'Hank Scorpio', phones: ['+1 503 555 0001'] });
      const added = await app.api('POST', `/companies/${co.body.id}/contacts`, { customerId: a.id, role: 'CEO' });
      expect(added.status).to.equal(201);
      expect(added.body.contacts).to.deep.equal([{ customerId: a.id, name: 'Hank Scorpio', role: 'CEO', phones: ['+15035550001'] }]);
      expect((await app.api('POST', `/companies/${co.body.id}/contacts`, { customerId: a.id, role: 'Founder' })).body.contacts[0].role).to.equal('Founder');
      expect((await app.api('GET', `/customers/${a.id}`)).body.companies).to.deep.equal([{ id: co.body.id, name: 'Globex 环球', role: 'Founder' }]);
      expect((await app.api('GET', `/companies?name=${encodeURIComponent('环球')}`)).body).to.include({ total: 1 });
      expect((await app.api('PATCH', `/companies/${co.body.id}`, { region: 'US-CA' })).body.region).to.equal('US-CA');
      const before = await snapshot(app.ds);
      const noCustomer = await app.api('POST', `/companies/${co.body.id}/contacts`, { customerId: '00000000-0000-4000-8000-000000000000' });
      expect(noCustomer.status).to.equal(404);
      expect(noCustomer.body.error.message).to.match(/customer .* not found/);
      expect(await snapshot(app.ds)).to.deep.equal(before);
      expect((await app.api('DELETE', `/companies/${co.body.id}/contacts/${a.id}`)).status).to.equal(204);
      expect((await app.api('GET', `/companies/${co.body.id}`)).body.contacts).to.deep.equal([]);
    });

    it('merging two duplicates keeps all history: phones, emails, tags, fields, interactions, reminders, contacts', async () => {
      const co1 = (await app.api('POST', '/companies', { name: 'Merge Co 1' })).body;
      const co2 = (await app.api('POST', '/companies', { name: 'Merge Co 2' })).body;
      const s = await customer({ name: '张伟', phones: ['13900001111'], emails: ['zw@a.cn'], tags: ['vip', 'north'], vipLevel: 1, customFields: { level: 'gold', since: 2019 } });
      const d = await customer({ name: '张伟 (dup)', phones: ['13900002222', '010-8888-7777'], emails: ['zw@a.cn', 'zhang@b.cn'], tags: ['vip', 'complaint'], vipLevel: 3, address: '北京', customFields: { level: 'silver', wechat: 'zw88' } });
      await app.api('POST', `/companies/${co1.id}/contacts`, { customerId: s.id, role: 'buyer' });
      await app.api('POST', `/companies/${co1.id}/contacts`, { customerId: d.id, role: 'other' });
      await app.api('POST', `/companies/${co2.id}/contacts`, { customerId: d.id, role: 'CFO' });
      await app.api('POST', `/customers/${d.id}/notes`, { text: 'note on the duplicate' });
      await app.crm.recordInteraction({ customerId: d.id, kind: 'ticket', refId: 'T-9', summary: 'ticket on the duplicate' });
      const rem = (await app.api('POST', `/customers/${d.id}/reminders`, { dueAt: '2030-01-01T00:00:00Z', text: 'follow up dup' })).body;
      const before = await snapshot(app.ds);

      const merged = await app.api('POST', `/customers/${s.id}/merge`, { duplicateId: d.id });
      expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
      const c = merged.body.customer;
      expect(c.phones).to.deep.equal(['01088887777', '13900001111', '13900002222']);
      expect(c.emails).to.deep.equal(['zhang@b.cn', 'zw@a.cn']);
      expect(c.tags).to.deep.equal(['complaint', 'north', 'vip']);
      expect(c.customFields).to.deep.equal({ level: 'gold', since: 2019, wechat: 'zw88' });
      expect(c).to.include({ name: '张伟', vipLevel: 3, address: '北京' });
      expect(c.companies.map((x: any) => [x.name, x.role])).to.deep.equal([['Merge Co 1', 'buyer'], ['Merge Co 2', 'CFO']]);
      expect(merged.body.moved).to.deep.include({ duplicateId: d.id, phones: 2, emails: 1, tags: 1, reminders: 1, contacts: 1 });

      const timeline = (await app.api('GET', `/customers/${s.id}/timeline?limit=100`)).body.items.map((i: any) => i.summary);
      expect(timeline).to.include.members(['note on the duplicate', 'ticket on the duplicate']);
      expect(timeline[0]).to.match(/^merged 张伟 \(dup\)/);
      expect((await app.api('GET', `/reminders?customerId=${s.id}`)).body.items.map((r: any) => r.id)).to.deep.equal([rem.id]);
      // Nothing was lost: only the merge note was added and the duplicate's duplicated rows dropped.
      const after = await snapshot(app.ds);
      expect(after.counts).to.deep.equal({ ...before.counts, customer_emails: before.counts.customer_emails! - 1, customer_tags: before.counts.customer_tags! - 1, company_contacts: before.counts.company_contacts! - 1, interactions: before.counts.interactions! + 1 });

      // The merged one: GET answers with the survivor and a note; it is not listed; its numbers pop the survivor.
      const old = await app.api('GET', `/customers/${d.id}`);
      expect(old.status).to.equal(200);
      expect(old.body).to.include({ id: s.id, mergedFrom: d.id });
      expect((await app.api('GET', `/customers?name=${encodeURIComponent('dup')}`)).body.total).to.equal(0);
      const pop = await app.crm.screenPop('+86 10 8888 7777');
      expect(pop.known && pop.customer.id).to.equal(s.id);
      const again = await app.api('POST', `/customers/${s.id}/merge`, { duplicateId: d.id });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('customer_merged');
      const rec = await app.crm.recordInteraction({ customerId: d.id, kind: 'call', summary: 'late event for the old id' });
      expect(rec.customerId).to.equal(s.id);
    });

    it('a merge that fails part-way changes nothing (one transaction)', async () => {
      const fields = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));
      const s = await customer({ name: 'Survivor', phones: ['13900003333'], tags: ['a'], customFields: fields('s', 30) });
      const d = await customer({ name: 'Duplicate', phones: ['13900004444'], tags: ['b'], customFields: fields('d', 30) });
      await app.api('POST', `/customers/${d.id}/notes`, { text: 'history of the duplicate' });
      await app.api('POST', `/customers/${d.id}/reminders`, { dueAt: '2030-01-01T00:00:00Z', text: 'x' });
      const before = await snapshot(app.ds);
      // Phones, emails, tags, interactions and reminders move first; the combined 60 custom fields then fail the limit.
      const res = await app.api('POST', `/customers/${s.id}/merge`, { duplicateId: d.id });
      expect(res.status).to.equal(422);
      expect(res.body.error).to.include({ code: 'custom_fields_too_large' });
      expect(res.body.error.message).to.match(/60 fields, at most 50/);
      expect(await snapshot(app.ds)).to.deep.equal(before);
      expect((await app.crm.screenPop('13900004444')).known && (await app.api('GET', `/customers/${d.id}`)).body.id).to.equal(d.id);
    });
  });
}
