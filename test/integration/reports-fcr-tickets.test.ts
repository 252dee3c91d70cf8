// First-call resolution by tickets on a real database (SQLite and MariaDB): call records as the
// IVR writes them, tickets opened from those calls through the tickets API and moved through
// their statuses (resolved with no further call, resolved after the customer called again,
// reopened, closed directly, still open, merged away, a ticket with no call), then
// GET /api/reports/fcr's `byTickets` equals what this test counts from what it did.
import { expect } from 'chai';
import { callsByIds, callsOfNumbers } from '../../app/calls/index.js';
import { createLogger } from '../../app/logger.js';
import { reportRoutes } from '../../app/reports/reports.http.js';
import { ReportsService } from '../../app/reports/reports.service.js';
import { ticketsOpenedFromCalls } from '../../app/tickets/index.js';
import { api } from '../support/api.js';
import { adminRoutes } from '../support/auth.js';
import { DB_KINDS } from '../support/db.js';
import { serveApi, type Served } from '../support/serve.js';
import { startTicketsApp, type TicketsApp } from './tickets-fixture.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

for (const kind of DB_KINDS) {
  describe(`first-call resolution by tickets (${kind})`, function () {
    this.timeout(60_000);
    let app: TicketsApp;
    let reports: Served;
    let seq = 0;
    const tickets = (method: string, path: string, body?: unknown) => api(app.origin, method, `/api${path}`, body, null);
    /** A call record of `number` as the IVR writes it (started now), ended a moment later. */
    const inboundCall = async (number: string) => {
      const at = new Date();
      const r = await app.calls.start({ channelId: `fcr-${kind}-${process.pid}-${seq++}`, callerNumber: number, callerName: null, calledNumber: '4008001234', answered: true }, 'main', null, at);
      await app.calls.finish(r, 'handed_off', null, new Date(at.getTime() + 1000));
      return r.id;
    };
    const customer = async (number: string) => (await app.crm.create({ name: `C ${number}`, company: '', vipLevel: 0, phones: [number], emails: [], address: '', region: '', tags: [], customFields: {} })).id;
    const open = async (customerId: string, callId: string | null) => {
      const res = await tickets('POST', '/tickets', { title: 'Broken', customerId, ...(callId ? { callId } : {}) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    };
    const move = async (id: string, status: string) => {
      const res = await tickets('PATCH', `/tickets/${id}`, { status });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    const fcr = async (from: string, to: string) => {
      const res = await api(new URL(reports.base).origin, 'GET', `/api/reports/fcr?from=${from}&to=${to}&tz=UTC&locale=en`, undefined, null);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };

    // What this test did to each ticket opened from a call, class by class.
    const did = { firstContact: 0, repeatContact: 0, reopened: 0, stillOpen: 0 };

    before(async () => {
      app = await startTicketsApp(kind);
      const log = createLogger({ level: 'silent', secrets: [] });
      const routes = adminRoutes();
      const service = new ReportsService(app.ds, { queues: async () => new Map(), agents: async () => new Map(), timeline: async () => [], callbacks: async () => [] }, () => new Date(), {
        ticketsFromCalls: (from, to) => ticketsOpenedFromCalls(app.ds, from, to),
        callsByIds: (ids) => callsByIds(app.ds, ids),
        callsOfNumbers: (numbers, since, until) => callsOfNumbers(app.ds, numbers, since, until),
      });
      reportRoutes(routes, service);
      reports = await serveApi(log, routes.router);
    });
    after(async () => {
      await reports?.close();
      await app?.close();
    });

    it('classifies every ticket opened from a call as the customer and the agents went on, and reports the share resolved on first contact', async () => {
      // Resolved with no further call (two of them); one of them closed directly without "resolved".
      for (const [i, end] of [[1, 'resolved'], [2, 'closed']] as const) {
        const n = `1380000100${i}`;
        const t = await open(await customer(n), await inboundCall(n));
        await move(t, end);
        did.firstContact += 1;
      }
      // Resolved, and the customer calls again only after the resolution: still first contact.
      {
        const n = '13800001003';
        const t = await open(await customer(n), await inboundCall(n));
        await move(t, 'resolved');
        await inboundCall(n);
        did.firstContact += 1;
      }
      // The customer called again before the ticket was resolved: a repeat contact (twice).
      for (const n of ['13800002001', '13800002002']) {
        const t = await open(await customer(n), await inboundCall(n));
        await move(t, 'in_progress');
        await inboundCall(n);
        await move(t, 'resolved');
        did.repeatContact += 1;
      }
      // Resolved, reopened and resolved again: not first contact.
      {
        const n = '13800003001';
        const t = await open(await customer(n), await inboundCall(n));
        await move(t, 'resolved');
        await move(t, 'reopened');
        await move(t, 'resolved');
        did.reopened += 1;
      }
      // Still being worked on.
      {
        const n = '13800004001';
        const t = await open(await customer(n), await inboundCall(n));
        await move(t, 'in_progress');
        did.stillOpen += 1;
      }
      // Not counted: a ticket with no call, and a duplicate merged into another ticket.
      {
        const n = '13800005001';
        const c = await customer(n);
        await open(c, null);
        const survivor = await open(c, await inboundCall(n));
        const duplicate = await open(c, await inboundCall(n));
        expect((await tickets('POST', `/tickets/${survivor}/merge`, { duplicate })).status).to.equal(200);
        // The survivor: the customer called again (the duplicate's call) before any resolution.
        await move(survivor, 'resolved');
        did.repeatContact += 1;
      }

      const now = Date.now();
      const body = await fcr(day(now - 86_400_000), day(now + 86_400_000));
      const opened = did.firstContact + did.repeatContact + did.reopened + did.stillOpen;
      expect(body.byTickets).to.deep.equal({
        opened,
        resolvedFirstContact: did.firstContact,
        resolvedAfterRepeatContact: did.repeatContact,
        reopened: did.reopened,
        stillOpen: did.stillOpen,
        rate: Math.round((did.firstContact / opened) * 10_000) / 10_000,
      });
      // Both definitions are printed with the report.
      const keys = body.definitions.statements.map((s: { key: string }) => s.key);
      expect(keys).to.include.members(['fcr', 'fcr_tickets']);
      // A range before any ticket: nothing opened, no rate.
      expect((await fcr(day(now - 10 * 86_400_000), day(now - 9 * 86_400_000))).byTickets).to.deep.include({ opened: 0, rate: null });
    });
  });
}
