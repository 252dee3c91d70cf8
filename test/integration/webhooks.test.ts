// Outgoing webhooks against the real Hotline (no Asterisk needed) on SQLite and MariaDB, with a
// real HTTP receiver on 127.0.0.1: endpoints (secret shown once, bad input refused with nothing
// stored), signed ticket events, retries with a short backoff (HOTLINE_WEBHOOK_RETRY_MS), a
// receiver that is down (failed, then retried by hand), a disabled endpoint, deletion, and a
// rotated secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { freePort, startHotlineWithoutPbx, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { signedBy, startReceiver, type Receiver } from '../support/webhook-receiver.js';

const RETRY_MS = '300';

for (const kind of DB_KINDS) {
  describe(`webhooks (${kind})`, function () {
    this.timeout(90_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let receiver: Receiver;
    let promptsDir: string;
    const call = (method: string, path: string, body?: unknown) => api(hotline.url, method, `/api${path}`, body);
    const endpoints = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_endpoints'))[0]!.n);
    const create = async (body: Record<string, unknown>) => {
      const res = await call('POST', '/webhooks', body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { id: string; secret: string; secretHint: string };
    };
    const deliveries = async (id: string, query = '') => (await call('GET', `/webhooks/${id}/deliveries${query}`)).body as { items: any[]; total: number };

    before(async () => {
      db = await createTestDb(kind);
      promptsDir = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
      receiver = await startReceiver();
      hotline = await startHotlineWithoutPbx({ ...db.env, HOTLINE_PROMPTS_DIR: promptsDir, HOTLINE_WEBHOOK_RETRY_MS: RETRY_MS });
    });
    after(async () => {
      await hotline?.stop();
      await receiver?.close();
      await db?.drop();
      if (promptsDir) rmSync(promptsDir, { recursive: true, force: true });
    });

    it('creates an endpoint (the secret shown once, later only its hint) and refuses bad input with nothing stored', async () => {
      const made = await create({ name: 'CRM sync', url: `${receiver.url}/first`, events: ['ticket.created'] });
      expect(made.secret).to.match(/^whsec_[0-9a-f]{48}$/);
      expect(made).to.deep.include({ name: 'CRM sync', url: `${receiver.url}/first`, events: ['ticket.created'], enabled: true, secretHint: made.secret.slice(-4) });
      expect((made as any).stats).to.deep.equal({ pending: 0, failed: 0, lastDeliveredAt: null });
      const listed = (await call('GET', '/webhooks')).body.items.find((e: any) => e.id === made.id);
      expect(listed).to.include({ secretHint: made.secret.slice(-4) });
      expect(listed).to.not.have.property('secret');
      expect(JSON.stringify((await call('GET', '/webhooks')).body)).to.not.include(made.secret);

      const before = await endpoints();
      for (const [body, field] of [
        [{ name: 'x', url: 'ftp://127.0.0.1/x', events: ['ticket.created'] }, /url/],
        [{ name: 'x', url: `${receiver.url}/x`, events: [] }, /events/],
        [{ name: 'x', url: `${receiver.url}/x`, events: ['call.started'] }, /events/],
        [{ name: 'x', url: `${receiver.url}/x`, events: ['ticket.created'], secret: 'mine' }, /secret/],
      ] as Array<[unknown, RegExp]>) {
        const res = await call('POST', '/webhooks', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
        expect(res.body.error.message).to.match(field);
      }
      expect(await endpoints()).to.equal(before);
      const missing = await call('PUT', '/webhooks/00000000-0000-4000-8000-000000000001', { enabled: false });
      expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'webhook_not_found']);
      expect((await call('DELETE', `/webhooks/${made.id}`)).status).to.equal(204);
    });

    it('delivers ticket.created and ticket.commented, signed, with the delivery id in header and body', async () => {
      const hook = await create({ name: 'Tickets', url: `${receiver.url}/tickets`, events: ['ticket.created', 'ticket.commented'] });
      // Disabled: gets nothing.
      const off = await create({ name: 'Off', url: `${receiver.url}/off`, events: ['ticket.created'], enabled: false });
      const customer = await call('POST', '/customers', { name: 'Li Lei', phones: ['13600136000'] });
      expect(customer.status).to.equal(201);
      const ticket = await call('POST', '/tickets', { title: 'Router blinks red', customerId: customer.body.id });
      expect(ticket.status).to.equal(201);
      expect((await call('POST', `/tickets/${ticket.body.id}/comments`, { body: 'Restarted it', visibility: 'public' })).status).to.equal(201);

      const got = await waitUntil('ticket.created and ticket.commented', () => (receiver.on('/tickets').length >= 2 ? receiver.on('/tickets') : undefined), 15_000);
      const byEvent = new Map(got.map((g) => [g.body.event, g]));
      expect([...byEvent.keys()].sort()).to.deep.equal(['ticket.commented', 'ticket.created']);
      for (const g of got) {
        expect(signedBy(hook.secret, g), 'signature').to.equal(true);
        expect(g.headers['x-hotline-delivery']).to.equal(g.body.id);
        expect(g.headers['x-hotline-event']).to.equal(g.body.event);
        expect(g.headers['content-type']).to.equal('application/json');
        expect(g.headers['user-agent']).to.equal('Hotline-Webhooks/1');
        expect(Date.parse(g.body.at)).to.be.a('number').and.not.NaN;
      }
      const created = byEvent.get('ticket.created')!.body.data;
      expect(created.ticket).to.include({ id: ticket.body.id, number: ticket.body.number, title: 'Router blinks red' });
      expect(created.ticket).to.not.have.property('comments');
      const commented = byEvent.get('ticket.commented')!.body.data;
      expect(commented.comment).to.include({ body: 'Restarted it', visibility: 'public' });
      expect(commented.ticket.id).to.equal(ticket.body.id);

      const list = await waitUntil('both delivered', async () => {
        const d = await deliveries(hook.id);
        return d.items.length === 2 && d.items.every((i) => i.status === 'delivered') ? d : undefined;
      });
      expect(list.total).to.equal(2);
      for (const i of list.items) expect(i).to.include({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
      const detail = (await call('GET', `/webhooks/deliveries/${byEvent.get('ticket.created')!.body.id}`)).body;
      expect(detail.payload).to.deep.equal(byEvent.get('ticket.created')!.body);
      const stats = (await call('GET', '/webhooks')).body.items.find((e: any) => e.id === hook.id).stats;
      expect(stats.pending).to.equal(0);
      expect(stats.lastDeliveredAt).to.be.a('string');
      expect(receiver.on('/off')).to.have.length(0);
      expect((await deliveries(off.id)).total).to.equal(0);
      const again = await call('POST', `/webhooks/deliveries/${byEvent.get('ticket.created')!.body.id}/retry`);
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'webhook_delivery_delivered']);
    });

    it('an SLA breach is a ticket.updated: the escalation (0 → 1) by actor sla, once', async () => {
      const hook = await create({ name: 'Escalations', url: `${receiver.url}/sla`, events: ['ticket.updated'] });
      expect((await call('PUT', '/ticket-sla/urgent', { firstResponseSeconds: 2, resolutionSeconds: 3600 })).status).to.equal(200);
      const customer = await call('POST', '/customers', { name: 'Han Meimei', phones: ['13600136001'] });
      const ticket = await call('POST', '/tickets', { title: 'Whole street without service', customerId: customer.body.id, priority: 'urgent' });
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
      const [got] = await waitUntil('ticket.updated for the escalation', () => (receiver.on('/sla').length ? receiver.on('/sla') : undefined), 20_000);
      expect(signedBy(hook.secret, got!), 'signature').to.equal(true);
      expect(got!.body.event).to.equal('ticket.updated');
      expect(got!.body.data).to.deep.include({ actor: 'sla', change: [{ field: 'escalationLevel', from: 0, to: 1 }] });
      expect(got!.body.data.ticket).to.include({ id: ticket.body.id, escalationLevel: 1 });
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.on('/sla'), 'one escalation, one event').to.have.length(1);
    });

    it("an SLA deadline approaching on an assigned ticket is a ticket.sla_due naming the assignee, once", async () => {
      const hook = await create({ name: 'Deadlines', url: `${receiver.url}/due`, events: ['ticket.sla_due'] });
      const owner = await call('POST', '/users', { username: `due-owner-${kind}`, password: 'Deadline-Soon-4242', role: 'agent' });
      expect(owner.status, JSON.stringify(owner.body)).to.equal(201);
      // High priority: first response within 4 s, so the reminder (at 80 %) comes about 3.2 s after creation.
      expect((await call('PUT', '/ticket-sla/high', { firstResponseSeconds: 4, resolutionSeconds: 3600 })).status).to.equal(200);
      const customer = await call('POST', '/customers', { name: 'Li Lei', phones: ['13600136002'] });
      const ticket = await call('POST', '/tickets', { title: 'Line down', customerId: customer.body.id, priority: 'high', assigneeId: owner.body.id });
      expect(ticket.status, JSON.stringify(ticket.body)).to.equal(201);
      const [got] = await waitUntil('ticket.sla_due delivered', () => (receiver.on('/due').length ? receiver.on('/due') : undefined), 20_000);
      expect(signedBy(hook.secret, got!), 'signature').to.equal(true);
      expect(got!.body.event).to.equal('ticket.sla_due');
      expect(got!.body.data).to.deep.include({ userId: owner.body.id, ticketId: ticket.body.id, ticketNumber: ticket.body.number, title: 'Line down', target: 'first_response', dueAt: ticket.body.sla.firstResponseDueAt });
      await waitUntil('the deadline passed', async () => (await call('GET', `/tickets/${ticket.body.id}`)).body.escalationLevel === 1 || undefined, 15_000);
      expect(receiver.on('/due'), 'one reminder, one event').to.have.length(1);
    });

    it('retries a receiver that answers 500 twice, then 200: delivered with attempts 3', async () => {
      receiver.answer = (path, n) => (path === '/flaky' && n < 2 ? 500 : 200);
      const hook = await create({ name: 'Flaky', url: `${receiver.url}/flaky`, events: ['queue.caller'] });
      const sent = await call('POST', `/webhooks/${hook.id}/test`);
      expect(sent.status).to.equal(202);
      const done = await waitUntil('delivered', async () => {
        const d = (await call('GET', `/webhooks/deliveries/${sent.body.deliveryId}`)).body;
        return d.status === 'delivered' ? d : undefined;
      }, 15_000);
      expect(done).to.include({ attempts: 3, lastStatusCode: 200, lastError: null });
      const got = receiver.on('/flaky');
      expect(got.map((g) => g.headers['x-hotline-delivery'])).to.deep.equal([sent.body.deliveryId, sent.body.deliveryId, sent.body.deliveryId]);
      expect(got[0]!.body).to.deep.include({ event: 'ping', data: { webhook: 'Flaky' } });
    });

    it('a receiver that is down: failed after 8 attempts, retried by hand once it is up; deleting removes its deliveries', async () => {
      const port = await freePort();
      const hook = await create({ name: 'Down', url: `http://127.0.0.1:${port}/down`, events: ['agent.state'] });
      const sent = (await call('POST', `/webhooks/${hook.id}/test`)).body;
      const failed = await waitUntil('failed', async () => {
        const d = (await call('GET', `/webhooks/deliveries/${sent.deliveryId}`)).body;
        return d.status === 'failed' ? d : undefined;
      }, 30_000, 200);
      expect(failed).to.include({ attempts: 8, lastStatusCode: null, nextAttemptAt: null });
      expect(failed.lastError).to.match(/connection refused/);
      expect(failed.lastError).to.not.include(String(port));
      expect((await deliveries(hook.id, '?status=failed')).total).to.equal(1);
      expect((await call('GET', '/webhooks')).body.items.find((e: any) => e.id === hook.id).stats.failed).to.equal(1);

      const up = await startReceiver(port);
      try {
        const retried = await call('POST', `/webhooks/deliveries/${sent.deliveryId}/retry`);
        expect(retried.status).to.equal(202);
        const done = await waitUntil('delivered after the retry', async () => {
          const d = (await call('GET', `/webhooks/deliveries/${sent.deliveryId}`)).body;
          return d.status === 'delivered' ? d : undefined;
        }, 10_000);
        expect(done).to.include({ attempts: 9, lastStatusCode: 200 });
        expect(up.on('/down')).to.have.length(1);
      } finally {
        await up.close();
      }
      expect((await call('DELETE', `/webhooks/${hook.id}`)).status).to.equal(204);
      const gone = await call('GET', `/webhooks/deliveries/${sent.deliveryId}`);
      expect([gone.status, gone.body.error.code]).to.deep.equal([404, 'webhook_delivery_not_found']);
      expect(await db.query('SELECT id FROM webhook_deliveries WHERE endpoint_id = ?', [hook.id])).to.have.length(0);
      expect((await call('DELETE', `/webhooks/${hook.id}`)).status).to.equal(404);
    });

    it('after a secret rotation the next delivery verifies with the new secret only', async () => {
      const hook = await create({ name: 'Rotate', url: `${receiver.url}/rotate`, events: ['fax.received'] });
      const rotated = await call('POST', `/webhooks/${hook.id}/secret`);
      expect(rotated.status).to.equal(200);
      expect(rotated.body.secret).to.match(/^whsec_/).and.not.equal(hook.secret);
      expect((await call('GET', '/webhooks')).body.items.find((e: any) => e.id === hook.id).secretHint).to.equal(rotated.body.secret.slice(-4));
      await call('POST', `/webhooks/${hook.id}/test`);
      const [got] = await waitUntil('the ping', () => (receiver.on('/rotate').length ? receiver.on('/rotate') : undefined), 10_000);
      expect(signedBy(rotated.body.secret, got!)).to.equal(true);
      expect(signedBy(hook.secret, got!)).to.equal(false);
    });

    it('never writes a secret to the log', async () => {
      const hook = await create({ name: 'Quiet', url: `${receiver.url}/quiet`, events: ['call.ended'] });
      const rotated = (await call('POST', `/webhooks/${hook.id}/secret`)).body.secret as string;
      expect(hotline.output()).to.not.include(hook.secret).and.not.include(rotated);
    });

    it('stopping Hotline aborts a request in flight at once; the delivery stays pending for a later attempt', async () => {
      receiver.answer = (path) => (path === '/hang' ? 0 : 200);
      const hook = await create({ name: 'Hang', url: `${receiver.url}/hang`, events: ['call.ended'] });
      const { deliveryId } = (await call('POST', `/webhooks/${hook.id}/test`)).body;
      await waitUntil('the request at the receiver', () => (receiver.on('/hang').length ? true : undefined), 10_000);
      const t0 = Date.now();
      expect(await hotline.stop('SIGTERM')).to.equal(0);
      expect(Date.now() - t0, 'no wait for the 10 s deadline').to.be.below(8000);
      const [row] = await db.query<{ status: string; attempts: number; last_error: string }>('SELECT status, attempts, last_error FROM webhook_deliveries WHERE id = ?', [deliveryId]);
      expect(row).to.deep.include({ status: 'pending', last_error: 'Hotline stopped while sending' });
      expect(Number(row!.attempts)).to.equal(1);
    });
  });
}
