// Tickets on real SQLite and MariaDB through the HTTP API: numbers, the status machine (a
// refused move is a 409 that changes nothing), bad input (unknown fields, wrong types,
// references to nothing, oversize and mislabelled attachments) refused with nothing written,
// comments and the first response, attachments with checksums, history, merge, list/search.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { DB_KINDS } from '../support/db.js';
import { snapshot, startTicketsApp, type TicketsApp } from './tickets-fixture.js';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);

for (const kind of DB_KINDS) {
  describe(`tickets (${kind})`, function () {
    this.timeout(60_000);
    let app: TicketsApp;
    let customerId: string;
    let otherCustomer: string;
    let agentId: string;
    const call = (method: string, path: string, body?: unknown) => api(app.origin, method, `/api${path}`, body, null);
    const create = async (extra: Record<string, unknown> = {}) => {
      const res = await call('POST', '/tickets', { title: 'Printer on fire', customerId, ...extra });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    };
    const upload = (ref: string, content: Buffer, type: string, fileName = 'file.bin') =>
      fetch(`${app.origin}/api/tickets/${ref}/attachments?fileName=${encodeURIComponent(fileName)}`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(content) }).then(async (r) => ({ status: r.status, body: await r.json() }));

    before(async () => {
      app = await startTicketsApp(kind);
      customerId = (await app.crm.create({ name: '张三', company: 'ACME', vipLevel: 0, phones: ['13800138000'], emails: [], address: '', region: '', tags: [], customFields: {} })).id;
      otherCustomer = (await app.crm.create({ name: 'Other', company: '', vipLevel: 0, phones: ['13900139000'], emails: [], address: '', region: '', tags: [], customFields: {} })).id;
      agentId = (await app.auth.users.createLocal({ username: 'agent7', password: 'Agent-Seven-secret-1', role: 'agent' }, { name: 'test' })).id;
    });
    after(() => app?.close());

    it('creates numbered tickets with SLA deadlines from the default policy and schedules their reminders and escalations', async () => {
      const before = Date.now();
      const t = await create({ priority: 'urgent', type: 'incident', team: 'L1', assigneeId: agentId });
      expect(t).to.include({ number: 'T-000001', status: 'new', priority: 'urgent', customerId, assigneeId: agentId, team: 'L1', escalationLevel: 0, createdBy: 'test-admin' });
      const frDue = Date.parse(t.sla.firstResponseDueAt) - Date.parse(t.createdAt);
      expect(frDue).to.equal(15 * 60_000);
      expect(Date.parse(t.sla.resolutionDueAt) - Date.parse(t.createdAt)).to.equal(4 * 3600_000);
      expect(t.dueAt).to.equal(t.sla.firstResponseDueAt);
      expect(Date.parse(t.createdAt)).to.be.at.least(before - 5);
      const jobs = await app.ds.query('SELECT kind, job_key, status, due_at FROM scheduled_jobs WHERE job_key LIKE ? ORDER BY kind, job_key', [`${t.id}%`]);
      expect(jobs.map((j: any) => [j.kind, j.job_key, j.status])).to.deep.equal([
        ['ticket.sla.escalate', `${t.id}:first_response`, 'pending'],
        ['ticket.sla.escalate', `${t.id}:resolution`, 'pending'],
        ['ticket.sla.remind', `${t.id}:first_response`, 'pending'],
        ['ticket.sla.remind', `${t.id}:resolution`, 'pending'],
      ]);
      expect((await create()).number).to.equal('T-000002');
      expect((await call('GET', `/tickets/T-000001`)).body.id).to.equal(t.id);
    });

    it("puts a new ticket on its customer's timeline (and only theirs)", async () => {
      const t = await create({ title: '发票抬头错误' });
      const timeline = (await app.crm.timeline(customerId, { limit: 50 })).items;
      const entry = timeline.find((i) => i.refId === t.id);
      expect(entry, JSON.stringify(timeline)).to.deep.include({ kind: 'ticket', summary: `ticket ${t.number} opened: 发票抬头错误`, actor: 'test-admin' });
      const other = (await app.crm.timeline(otherCustomer, { limit: 50 })).items;
      expect(other.some((i) => i.refId === t.id)).to.equal(false);
    });

    it('refuses bad input with a 4xx that names the problem, and writes nothing', async () => {
      const was = await snapshot(app.ds);
      const cases: Array<[unknown, number, string, RegExp]> = [
        [{ title: 'x', customerId, colour: 'red' }, 400, 'validation_failed', /colour/],
        [{ title: 42, customerId }, 400, 'validation_failed', /title/],
        [{ title: 'x', customerId, priority: 'critical' }, 400, 'validation_failed', /priority/],
        [{ title: 'x', customerId: 'not-a-uuid' }, 400, 'validation_failed', /customerId/],
        [{ title: 'x', customerId: '00000000-0000-4000-8000-000000000001' }, 422, 'customer_not_found', /customer 00000000-0000-4000-8000-000000000001 does not exist/],
        [{ title: 'x', customerId, assigneeId: '00000000-0000-4000-8000-000000000002' }, 422, 'assignee_not_found', /assignee .* does not exist/],
        [{ title: 'x', customerId, callId: '00000000-0000-4000-8000-000000000003' }, 422, 'call_not_found', /call .* does not exist/],
      ];
      for (const [body, status, code, message] of cases) {
        const res = await call('POST', '/tickets', body);
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body.error.code).to.equal(code);
        expect(res.body.error.message).to.match(message);
      }
      const t = (await call('GET', '/tickets/T-000002')).body;
      for (const [body, status] of [
        [{ owner: 'me' }, 400],
        [{}, 400],
        [{ priority: 5 }, 400],
        [{ assigneeId: '00000000-0000-4000-8000-000000000002', title: 'renamed' }, 422],
      ] as const) {
        expect((await call('PATCH', `/tickets/${t.id}`, body)).status, JSON.stringify(body)).to.equal(status);
      }
      expect((await call('PATCH', '/tickets/T-999999', { title: 'y' })).status).to.equal(404);
      expect((await call('GET', '/tickets?sort=colour')).status).to.equal(400);
      expect((await call('GET', '/tickets?status=new,bogus')).status).to.equal(400);
      expect(await snapshot(app.ds)).to.deep.equal(was);
    });

    it('refuses a transition the table does not allow with 409 transition_not_allowed, changing nothing', async () => {
      const t = await create();
      const was = await snapshot(app.ds);
      const res = await call('PATCH', `/tickets/${t.number}`, { status: 'reopened', title: 'should not stick' });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.deep.include({ code: 'transition_not_allowed', details: { from: 'new', to: 'reopened', allowed: ['assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] } });
      expect(res.body.error.message).to.match(/from new to reopened/);
      expect(await snapshot(app.ds)).to.deep.equal(was);

      // Through the table: new → assigned → in_progress → resolved → reopened → closed; closed → in_progress refused.
      for (const status of ['assigned', 'in_progress', 'resolved', 'reopened', 'closed']) {
        const r = await call('PATCH', `/tickets/${t.id}`, { status });
        expect(r.status, `${status}: ${JSON.stringify(r.body)}`).to.equal(200);
        expect(r.body.status).to.equal(status);
      }
      const closed = await snapshot(app.ds);
      const refused = await call('PATCH', `/tickets/${t.id}`, { status: 'in_progress' });
      expect(refused.body.error).to.deep.include({ code: 'transition_not_allowed' });
      expect(refused.body.error.details).to.include({ from: 'closed', to: 'in_progress' });
      expect(await snapshot(app.ds)).to.deep.equal(closed);
      const statuses = (await call('GET', `/tickets/${t.id}/history`)).body.items.filter((h: any) => h.field === 'status');
      expect(statuses.map((h: any) => [h.old, h.new, h.actor])).to.deep.equal([
        ['new', 'assigned', 'test-admin'],
        ['assigned', 'in_progress', 'test-admin'],
        ['in_progress', 'resolved', 'test-admin'],
        ['resolved', 'reopened', 'test-admin'],
        ['reopened', 'closed', 'test-admin'],
      ]);
      // The first status change was the first response; closing stopped the SLA jobs.
      const jobs = await app.ds.query('SELECT kind, job_key, status FROM scheduled_jobs WHERE job_key LIKE ? ORDER BY kind, job_key', [`${t.id}%`]);
      expect(jobs.map((j: any) => j.status)).to.deep.equal(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    });

    it('records every field change (actor, at, field, old, new) and recomputes the SLA on a priority change', async () => {
      const t = await create({ priority: 'low' });
      await app.tickets.sla.setPolicy('high', { firstResponseSeconds: 600, resolutionSeconds: 7200 }, 'test-admin');
      const r = await call('PATCH', `/tickets/${t.id}`, { priority: 'high', team: 'L2', assigneeId: agentId, category: 'billing' });
      expect(r.status).to.equal(200);
      expect(Date.parse(r.body.sla.firstResponseDueAt) - Date.parse(t.createdAt)).to.equal(600_000);
      expect(Date.parse(r.body.sla.resolutionDueAt) - Date.parse(t.createdAt)).to.equal(7_200_000);
      const esc = (await app.ds.query("SELECT due_at FROM scheduled_jobs WHERE kind = 'ticket.sla.escalate' AND job_key = ?", [`${t.id}:first_response`]))[0];
      expect(new Date(kind === 'sqlite' ? `${esc.due_at}Z` : esc.due_at).toISOString()).to.equal(r.body.sla.firstResponseDueAt);
      const h = (await call('GET', `/tickets/${t.id}/history`)).body.items;
      const byField = Object.fromEntries(h.map((x: any) => [x.field, x]));
      expect(byField.priority).to.include({ old: 'low', new: 'high', actor: 'test-admin' });
      expect(byField.team).to.include({ old: null, new: 'L2' });
      expect(byField.assigneeId).to.include({ old: null, new: agentId });
      expect(byField.category).to.include({ old: null, new: 'billing' });
      expect(byField.firstResponseDueAt.old).to.equal(t.sla.firstResponseDueAt);
      expect(Date.parse(byField.priority.at)).to.be.a('number');
    });

    it('an internal comment is not a first response; the first public comment is', async () => {
      const t = await create();
      const internal = await call('POST', `/tickets/${t.id}/comments`, { body: 'looking into it', visibility: 'internal' });
      expect(internal.status).to.equal(201);
      expect((await call('GET', `/tickets/${t.id}`)).body.sla.firstRespondedAt).to.equal(null);
      expect((await call('POST', `/tickets/${t.id}/comments`, { body: 'x', visibility: 'secret' })).status).to.equal(400);
      const pub = await call('POST', `/tickets/${t.id}/comments`, { body: '您好，我们正在处理', visibility: 'public' });
      expect(pub.status).to.equal(201);
      const after = (await call('GET', `/tickets/${t.id}`)).body;
      expect(after.sla.firstRespondedAt).to.not.equal(null);
      expect(after.dueAt).to.equal(after.sla.resolutionDueAt);
      const jobs = await app.ds.query("SELECT kind, status FROM scheduled_jobs WHERE job_key = ? ORDER BY kind", [`${t.id}:first_response`]);
      expect(jobs.map((j: any) => j.status)).to.deep.equal(['cancelled', 'cancelled']);
      const comments = (await call('GET', `/tickets/${t.id}/comments`)).body.items;
      expect(comments.map((c: any) => [c.visibility, c.body, c.author])).to.deep.equal([
        ['internal', 'looking into it', 'test-admin'],
        ['public', '您好，我们正在处理', 'test-admin'],
      ]);
    });

    it('stores attachments with their checksum, checks the type by the bytes, refuses oversize ones with 413', async () => {
      const t = await create();
      const up = await upload(t.id, PNG, 'image/png', 'screen shot.png');
      expect(up.status, JSON.stringify(up.body)).to.equal(201);
      expect(up.body).to.include({ fileName: 'screen shot.png', contentType: 'image/png', sizeBytes: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') });
      const got = await fetch(`${app.origin}/api/tickets/${t.id}/attachments/${up.body.id}`);
      expect(got.status).to.equal(200);
      expect(got.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).to.equal(true);
      const txt = await upload(t.id, Buffer.from('plain words\n'), 'application/octet-stream', 'notes.txt');
      expect(txt.body.contentType).to.equal('text/plain');

      const was = await snapshot(app.ds);
      const mislabelled = await upload(t.id, Buffer.from('plain words'), 'image/png');
      expect(mislabelled.status).to.equal(415);
      expect(mislabelled.body.error.message).to.match(/content is text/);
      const exe = await upload(t.id, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]), 'application/octet-stream');
      expect(exe.status).to.equal(415);
      const big = await upload(t.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'image/png');
      expect(big.status).to.equal(413);
      expect(big.body.error.code).to.equal('attachment_too_large');
      expect((await upload(t.id, PNG, 'image/png', 'a/b.png')).status).to.equal(400);
      expect((await upload('T-999999', PNG, 'image/png')).status).to.equal(404);
      expect(await snapshot(app.ds)).to.deep.equal(was);
    });

    it('merges a duplicate: it is closed with merged_into and its comments, attachments and history show on the survivor', async () => {
      const a = await create({ title: 'No dial tone' });
      const b = await create({ title: 'No dial tone (again)' });
      await call('POST', `/tickets/${b.id}/comments`, { body: 'from the duplicate', visibility: 'internal' });
      await upload(b.id, PNG, 'image/png', 'dup.png');
      const other = await create({ customerId: otherCustomer });
      const refusedOf = async (duplicate: string) => {
        const r = await call('POST', `/tickets/${a.id}/merge`, { duplicate });
        return [r.status, r.body.error.code, r.body.error.details?.reason];
      };
      // The reason in details: the console words each refusal from it.
      expect(await refusedOf(other.id)).to.deep.equal([409, 'merge_not_allowed', 'other_customer']);
      expect(await refusedOf(a.id)).to.deep.equal([409, 'merge_not_allowed', 'self']);
      expect((await call('POST', `/tickets/${a.id}/merge`, { duplicate: 'T-999999' })).status).to.equal(422);
      const merged = await call('POST', `/tickets/${a.id}/merge`, { duplicate: b.number });
      expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
      expect(merged.body.merged).to.deep.equal([b.number]);
      const dup = (await call('GET', `/tickets/${b.id}`)).body;
      expect(dup).to.include({ status: 'closed', mergedInto: a.number, dueAt: null });
      expect((await call('GET', `/tickets/${a.id}/comments`)).body.items.map((c: any) => [c.ticketNumber, c.body])).to.deep.equal([[b.number, 'from the duplicate']]);
      expect((await call('GET', `/tickets/${a.id}/attachments`)).body.items.map((x: any) => [x.ticketNumber, x.fileName, x.uploadedByName]), 'the fixture\'s actor is no user: named as stored').to.deep.equal([[b.number, 'dup.png', 'test-admin']]);
      const files = (await call('GET', `/tickets/${a.id}/attachments`)).body.items;
      expect((await fetch(`${app.origin}/api/tickets/${a.id}/attachments/${files[0].id}`)).status).to.equal(200);
      const hist = (await call('GET', `/tickets/${a.id}/history`)).body.items.map((h: any) => [h.ticketNumber, h.field, h.new]);
      expect(hist).to.deep.include([b.number, 'merged_into', a.number]);
      expect(hist).to.deep.include([a.number, 'merged', b.number]);
      expect(hist).to.deep.include([b.number, 'created', b.number]);
      expect(await refusedOf(b.number), 'a duplicate merged once is not merged again').to.deep.equal([409, 'merge_not_allowed', 'already_merged']);
      const again = await call('PATCH', `/tickets/${b.id}`, { title: 'x' });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('ticket_merged');
      const jobs = await app.ds.query("SELECT DISTINCT status FROM scheduled_jobs WHERE job_key LIKE ?", [`${b.id}%`]);
      expect(jobs).to.deep.equal([{ status: 'cancelled' }]);
    });

    it('lists with filters, sorting and paging; listForCustomer puts open tickets first', async () => {
      const all = (await call('GET', '/tickets?limit=200')).body;
      expect(all.total).to.equal(all.items.length);
      const urgent = (await call('GET', '/tickets?priority=urgent')).body;
      expect(urgent.items.map((t: any) => t.number)).to.deep.equal(['T-000001']);
      const byPrio = (await call('GET', '/tickets?sort=priority&order=desc&limit=2')).body;
      expect(byPrio.items.map((t: any) => t.priority)).to.deep.equal(['urgent', 'high']);
      const page2 = (await call('GET', '/tickets?sort=createdAt&order=asc&limit=2&offset=2')).body;
      expect(page2.items.map((t: any) => t.number)).to.deep.equal(['T-000003', 'T-000004']);
      expect((await call('GET', `/tickets?assignee=${agentId}&team=L2`)).body.items.map((t: any) => t.title)).to.deep.equal(['Printer on fire']);
      expect((await call('GET', `/tickets?customer=${otherCustomer}`)).body.total).to.equal(1);
      expect((await call('GET', '/tickets?status=closed&order=asc')).body.items.map((t: any) => t.status)).to.deep.equal(['closed', 'closed']);
      expect((await call('GET', '/tickets?escalated=true')).body.total).to.equal(0);
      expect((await call('GET', '/tickets?q=dial%20tone')).body.total).to.equal(2);
      expect((await call('GET', '/tickets?q=100%25')).body.total).to.equal(0);
      const due = (await call('GET', '/tickets?sort=dueAt&order=asc&limit=200')).body.items;
      const dues = due.map((t: any) => t.dueAt);
      const firstNull = dues.indexOf(null);
      expect(dues.slice(0, firstNull === -1 ? undefined : firstNull)).to.deep.equal([...dues.slice(0, firstNull === -1 ? undefined : firstNull)].sort());
      if (firstNull !== -1) expect(dues.slice(firstNull).every((d: unknown) => d === null)).to.equal(true);
      const viaHttp = (await call('GET', `/customers/${customerId}/tickets`)).body.items;
      const mine = await app.tickets.listForCustomer(customerId);
      expect(viaHttp.map((t: any) => t.number)).to.deep.equal(mine.map((t) => t.number));
      expect(mine.length).to.equal(all.items.filter((t: any) => t.customerId === customerId).length);
      const open = mine.map((t) => !['resolved', 'closed'].includes(t.status));
      expect(open.indexOf(false)).to.be.greaterThan(0);
      expect(open.slice(open.indexOf(false)).every((o) => !o)).to.equal(true);
    });

    it('names people: who can be assigned (workers only, by name, for those who may assign), the assignee, comment authors and history actors', async () => {
      const users = app.auth.users;
      const sup = (await users.createLocal({ username: 'wang.fang', password: 'Wang-Fang-secret-1', role: 'supervisor', displayName: '王芳' }, { name: 'test' })).id;
      const agent = (await users.createLocal({ username: 'li.lei', password: 'Li-Lei-secret-1234', role: 'agent', displayName: 'Li Lei', team: 'L1' }, { name: 'test' })).id;
      const viewer = (await users.createLocal({ username: 'ro.viewer', password: 'Ro-Viewer-secret-1', role: 'readonly', displayName: 'Viewer' }, { name: 'test' })).id;
      const gone = (await users.createLocal({ username: 'gone.agent', password: 'Gone-Agent-secret-1', role: 'agent', displayName: 'Gone' }, { name: 'test' })).id;
      await users.update(gone, { disabled: true }, { name: 'test' });
      // A directory user whose directory gave no display name is named by their username.
      const bare = (await users.createLocal({ username: 'no.name', password: 'No-Name-secret-123', role: 'agent' }, { name: 'test' })).id;
      await app.ds.query("UPDATE users SET display_name = '' WHERE id = ?", [bare]);
      app.signAs('agent', { kind: 'user', id: agent, name: 'li.lei', role: 'agent' });
      app.signAs('viewer', { kind: 'user', id: viewer, name: 'ro.viewer', role: 'readonly' });
      const as = (token: string, method: string, path: string, body?: unknown) => api(app.origin, method, `/api${path}`, body, token);

      // The list: enabled agents, supervisors and admins by name; never read-only or disabled users, never secrets.
      const all = await as('agent', 'GET', '/ticket-assignees');
      expect(all.status, JSON.stringify(all.body)).to.equal(200);
      const byUsername = Object.fromEntries(all.body.items.map((p: any) => [p.username, p]));
      expect(byUsername['wang.fang']).to.deep.equal({ id: sup, username: 'wang.fang', displayName: '王芳', role: 'supervisor', team: null });
      expect(byUsername['li.lei']).to.deep.equal({ id: agent, username: 'li.lei', displayName: 'Li Lei', role: 'agent', team: 'L1' });
      expect(byUsername['no.name']).to.include({ displayName: 'no.name' });
      expect(byUsername).to.include.keys('agent7');
      expect(byUsername).to.not.have.any.keys('ro.viewer', 'gone.agent');
      expect(all.body.total).to.equal(all.body.items.length);
      expect((await as('agent', 'GET', '/ticket-assignees?q=王')).body.items.map((p: any) => p.username)).to.deep.equal(['wang.fang']);
      expect((await as('agent', 'GET', '/ticket-assignees?q=LI.L')).body.items.map((p: any) => p.username)).to.deep.equal(['li.lei']);
      expect((await as('agent', 'GET', '/ticket-assignees?q=%25')).body.items).to.deep.equal([]);
      const two = await as('agent', 'GET', '/ticket-assignees?limit=2');
      expect([two.body.items.length, two.body.total]).to.deep.equal([2, all.body.total]);
      for (const bad of ['?limit=0', '?limit=1001', '?colour=red', `?q=${'x'.repeat(65)}`]) {
        const r = await as('agent', 'GET', `/ticket-assignees${bad}`);
        expect([r.status, r.body.error.code], bad).to.deep.equal([400, 'validation_failed']);
      }
      // Read-only users may not assign, so they are not given the list either.
      const refused = await as('viewer', 'GET', '/ticket-assignees');
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, 'forbidden']);
      expect((await as('nobody', 'GET', '/ticket-assignees')).status).to.equal(401);

      // An agent assigns a ticket to a named supervisor: every view names her.
      const t = await create({ title: 'Needs a supervisor' });
      expect(t).to.include({ assigneeId: null, assigneeName: null });
      const assigned = await as('agent', 'PATCH', `/tickets/${t.id}`, { assigneeId: sup });
      expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
      expect(assigned.body).to.include({ assigneeId: sup, assigneeName: '王芳' });
      expect((await call('GET', `/tickets/${t.number}`)).body).to.include({ assigneeId: sup, assigneeName: '王芳' });
      const listed = (await call('GET', `/tickets?assignee=${sup}`)).body.items;
      expect(listed.map((x: any) => [x.number, x.assigneeName])).to.deep.equal([[t.number, '王芳']]);
      const comment = await as('agent', 'POST', `/tickets/${t.id}/comments`, { body: '请王芳看一下', visibility: 'internal' });
      expect(comment.body).to.include({ author: 'li.lei', authorName: 'Li Lei' });
      await call('POST', `/tickets/${t.id}/comments`, { body: 'noted', visibility: 'internal' });
      expect((await call('GET', `/tickets/${t.id}/comments`)).body.items.map((c: any) => [c.author, c.authorName])).to.deep.equal([['li.lei', 'Li Lei'], ['test-admin', 'test-admin']]);

      // Refused, nothing changed: a read-only caller, an id of nobody, a read-only or disabled user.
      const was = await snapshot(app.ds);
      const ro = await as('viewer', 'PATCH', `/tickets/${t.id}`, { assigneeId: agent });
      expect([ro.status, ro.body.error.code]).to.deep.equal([403, 'forbidden']);
      for (const [assigneeId, code] of [
        ['00000000-0000-4000-8000-00000000abcd', 'assignee_not_found'],
        [viewer, 'assignee_not_assignable'],
        [gone, 'assignee_disabled'],
      ] as const) {
        const r = await as('agent', 'PATCH', `/tickets/${t.id}`, { assigneeId });
        expect([r.status, r.body.error.code], code).to.deep.equal([422, code]);
        expect(JSON.stringify(r.body)).to.not.match(/password|hash|secret/i);
      }
      expect((await as('agent', 'PATCH', `/tickets/${t.id}`, { assigneeId: 'wang.fang' })).status).to.equal(400);
      expect(await snapshot(app.ds)).to.deep.equal(was);

      // To a user without a display name (named by username), then to nobody; the history names both.
      expect((await as('agent', 'PATCH', `/tickets/${t.id}`, { assigneeId: bare })).body).to.include({ assigneeName: 'no.name' });
      const unassigned = await as('agent', 'PATCH', `/tickets/${t.id}`, { assigneeId: null });
      expect(unassigned.body).to.include({ assigneeId: null, assigneeName: null });
      const changes = (await call('GET', `/tickets/${t.id}/history`)).body.items.filter((h: any) => h.field === 'assigneeId');
      expect(changes.map((h: any) => [h.actor, h.actorName, h.oldName, h.newName])).to.deep.equal([
        ['li.lei', 'Li Lei', null, '王芳'],
        ['li.lei', 'Li Lei', '王芳', 'no.name'],
        ['li.lei', 'Li Lei', 'no.name', null],
      ]);
    });

    it('hands out distinct consecutive numbers to concurrent creates', async () => {
      const made = await Promise.all(Array.from({ length: 12 }, (_, i) => create({ title: `Parallel ${i}` })));
      const before = (await call('GET', '/tickets?limit=1')).body.total - 12;
      const seqs = made.map((t) => Number(t.number.slice(2))).sort((a, b) => a - b);
      expect(seqs).to.deep.equal(Array.from({ length: 12 }, (_, i) => before + i + 1));
    });
  });
}
