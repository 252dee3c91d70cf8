// Wires the fax module: the inbox/outbox service, the collector that files received faxes and
// the sender of queued faxes (both on the active node only), the IVR's intake, and the routes.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { FaxControl } from '../pbx/ports.js';
import type { FaxIntake } from '../ivr/runtime/runtime.js';
import { FaxDocumentError, prepareDocument } from './fax.documents.js';
import { FaxCollector } from './fax.inbound.js';
import { faxRoutes, faxSendRoutes, faxWorkRoutes } from './fax.http.js';
import { FaxThumbnails } from './fax.thumbnails.js';
import { NotFoundError } from '../errors.js';
import { FaxSender } from './fax.outbound.js';
import { checkFaxNumber } from './fax.rules.js';
import { FaxService, type FaxCustomers } from './fax.service.js';

export function createFaxModule(deps: {
  db: DataSource;
  pbx: FaxControl;
  customers?: FaxCustomers;
  /** Whether a user of this username exists (assigning a fax). */
  userExists?: (username: string) => Promise<boolean>;
  /** A ticket's id from its id or number, null when there is none (linking a fax). */
  ticketIdOf?: (ref: string) => Promise<string | null>;
  options: Config['fax'];
  node: string;
  isActive: () => boolean;
  maxCallSeconds: number;
  log: Logger;
  routes: SecureRouter;
}) {
  const log = deps.log.child({ module: 'fax' });
  const o = deps.options;
  const service = new FaxService(deps.db, { pbxDir: o.pbxDir, localDir: o.localDir });
  const collector = new FaxCollector(service, deps.pbx, log, { node: deps.node, isActive: deps.isActive, startGraceMs: 120_000, maxCallMs: deps.maxCallSeconds * 1000, detectNumbers: o.detectNumbers }, deps.customers);
  const sender = new FaxSender(service, deps.pbx, log, {
    node: deps.node,
    isActive: deps.isActive,
    dialTemplate: o.dial,
    callerNumber: o.callerId,
    callerName: 'Hotline Fax',
    ringSeconds: o.ringSeconds,
    retrySeconds: o.retrySeconds,
    attemptTimeoutMs: (o.ringSeconds + 30 * 60) * 1000,
  });
  faxRoutes(deps.routes, service);
  faxSendRoutes(deps.routes, async (q, content, actor) => {
    // The number first (nothing converted, stored or dialed for a number the rules refuse).
    let to: string;
    let customerId: string | null = q.customerId ?? null;
    let coverTo = q.coverTo;
    if (q.to !== undefined) to = checkFaxNumber(q.to, o);
    else {
      const c = await deps.customers!.phonesOf(q.customerId!);
      if (!c.phones[0]) throw new FaxDocumentError('no_fax_number', 'the customer has no phone number to fax');
      to = checkFaxNumber(c.phones[0], o);
      coverTo ||= c.name;
    }
    if (!customerId && deps.customers) customerId = (await deps.customers.findByPhone(to))?.id ?? null;
    const prepared = await prepareDocument(content, {
      maxPages: o.maxPages,
      ...(q.cover === 'yes' ? { cover: { from: q.coverFrom, to: coverTo || to, subject: q.subject, note: q.coverNote } } : {}),
    });
    const fax = await service.queueOutbound({ to, customerId, subject: q.subject, createdBy: actor, pdf: prepared.pdf, pages: prepared.pages, maxAttempts: o.attempts });
    log.info({ faxId: fax.id, to, pages: prepared.pages, kind: prepared.kind, by: actor }, 'fax queued');
    void sender.tick();
    return fax;
  }, o.maxBytes);
  const exists = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      if (err instanceof NotFoundError) throw new FaxDocumentError(`unknown_${what}`, `there is no such ${what}`);
      throw err;
    }
  };
  faxWorkRoutes(deps.routes, service, new FaxThumbnails(), {
    update: async (id, p, actor) => {
      const before = await service.get(id);
      const patch: { assignedTo?: string; customerId?: string | null; ticketId?: string | null } = {};
      if (p.assignedTo !== undefined) {
        if (p.assignedTo && !(await deps.userExists?.(p.assignedTo))) throw new FaxDocumentError('unknown_user', `there is no user ${p.assignedTo}`);
        patch.assignedTo = p.assignedTo;
      }
      if (p.customerId !== undefined) {
        if (p.customerId) await exists('customer', () => deps.customers!.phonesOf(p.customerId!));
        patch.customerId = p.customerId;
      }
      if (p.ticketId !== undefined) {
        if (p.ticketId) {
          const tid = await deps.ticketIdOf?.(p.ticketId);
          if (!tid) throw new FaxDocumentError('unknown_ticket', `there is no ticket ${p.ticketId}`);
          patch.ticketId = tid;
        } else patch.ticketId = null;
      }
      const fax = await service.updateWork(id, patch);
      if (patch.customerId && patch.customerId !== before.customerId && deps.customers) {
        await deps.customers.recordInteraction({ customerId: patch.customerId, kind: 'fax', refId: id, summary: `fax ${fax.direction === 'in' ? 'from' : 'to'} ${fax.remoteNumber} linked: ${fax.pages} page(s), ${fax.status}`, actor });
      }
      log.info({ faxId: id, by: actor, ...patch }, 'fax updated');
      return fax;
    },
    resend: async (id, actor) => {
      const old = await service.get(id);
      if (old.direction !== 'out') throw new FaxDocumentError('not_outbound', 'only a sent (outbound) fax can be sent again');
      if (old.status === 'queued' || old.status === 'sending') throw new FaxDocumentError('still_sending', 'the fax is still being sent', 409);
      const to = checkFaxNumber(old.remoteNumber, o);
      const fax = await service.queueOutbound({ to, customerId: old.customerId, subject: old.subject, createdBy: actor, pdf: await service.pdf(id), pages: old.pages, maxAttempts: o.attempts });
      log.info({ faxId: fax.id, resendOf: id, to, by: actor }, 'fax queued again');
      void sender.tick();
      return fax;
    },
  });
  const intake: FaxIntake = { openInbound: (i) => service.openInbound(i) };
  return { service, collector, sender, intake, router: deps.routes.router };
}
