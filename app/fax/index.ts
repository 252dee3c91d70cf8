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
import { faxRoutes, faxSendRoutes } from './fax.http.js';
import { FaxSender } from './fax.outbound.js';
import { checkFaxNumber } from './fax.rules.js';
import { FaxService, type FaxCustomers } from './fax.service.js';

export function createFaxModule(deps: {
  db: DataSource;
  pbx: FaxControl;
  customers?: FaxCustomers;
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
  const intake: FaxIntake = { openInbound: (i) => service.openInbound(i) };
  return { service, collector, sender, intake, router: deps.routes.router };
}
