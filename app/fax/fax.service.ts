// Faxes: the inbox and outbox, and filing a received fax. The IVR opens an inbound fax before
// the call leaves Stasis for ReceiveFAX; the collector (fax.inbound.ts) files its result.
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { FaxResult } from '../pbx/ports.js';
import { Fax, FaxDocument, type FaxStatus } from './fax.entities.js';

/** What the fax module needs of the CRM. */
export interface FaxCustomers {
  findByPhone(phone: string): Promise<{ id: string; name: string } | null>;
  /** The customer's phone numbers (NotFoundError when there is no such customer). */
  phonesOf(customerId: string): Promise<{ name: string; phones: string[] }>;
  recordInteraction(input: { customerId: string; kind: string; refId?: string; summary: string; actor?: string; at?: Date }): Promise<unknown>;
}

/** Told when a fax was filed (the live notice to the inbox queue's agents). */
export type FaxFiledListener = (fax: Fax) => void;

export interface FaxListQuery {
  direction?: 'in' | 'out';
  queue?: string;
  status?: FaxStatus;
  customerId?: string;
  limit: number;
  offset: number;
}

export class FaxService {
  private readonly filed: FaxFiledListener[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly dirs: { pbxDir: string; localDir: string },
  ) {}

  onFiled(listener: FaxFiledListener): void {
    this.filed.push(listener);
  }

  /** Where Asterisk writes (pbx) and Hotline reads (local) the TIFF of fax `id`. */
  files(id: string): { pbx: string; local: string } {
    return { pbx: `${this.dirs.pbxDir}/${id}.tif`, local: `${this.dirs.localDir}/${id}.tif` };
  }

  /** The inbound fax of call `callId` (made once: a call resumed by another node gets the same). */
  async openInbound(input: { callId: string; caller: string; called: string; queue: string }): Promise<{ id: string; pbxFile: string }> {
    const found = await this.db.manager.findOne(Fax, { where: { callId: input.callId } });
    if (found) return { id: found.id, pbxFile: this.files(found.id).pbx };
    const now = new Date();
    const id = randomUUID();
    await this.db.manager.insert(Fax, {
      id,
      direction: 'in',
      status: 'receiving',
      callId: input.callId,
      remoteNumber: input.caller.slice(0, 32),
      localNumber: input.called.slice(0, 32),
      queue: input.queue,
      createdAt: now,
      updatedAt: now,
    });
    return { id, pbxFile: this.files(id).pbx };
  }

  /** Inbound faxes waiting for their result in Asterisk. */
  receiving(): Promise<Fax[]> {
    return this.db.manager.find(Fax, { where: { direction: 'in', status: 'receiving' }, order: { createdAt: 'ASC' }, take: 200 });
  }

  /**
   * Takes fax `id` for filing on `node`: only one node ever wins (a conditional update). A claim
   * older than `staleMs` belongs to a node that died while filing and may be taken over.
   */
  async claim(id: string, node: string, staleMs: number): Promise<boolean> {
    const now = new Date();
    const r = await this.db
      .createQueryBuilder()
      .update(Fax)
      .set({ status: 'filing', claimedBy: node, claimedAt: now, updatedAt: now })
      .where('id = :id AND (status = :receiving OR (status = :filing AND claimed_at < :stale))', { id, receiving: 'receiving', filing: 'filing', stale: new Date(now.getTime() - staleMs) })
      .execute();
    return (r.affected ?? 0) === 1;
  }

  /** Faxes stuck in filing past `staleMs` (their node died): back to receiving. */
  async releaseStale(staleMs: number): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(Fax)
      .set({ status: 'receiving', claimedBy: '' })
      .where('status = :filing AND claimed_at < :stale', { filing: 'filing', stale: new Date(Date.now() - staleMs) })
      .execute();
  }

  /** Files a received fax (its PDF, if any page arrived) once; the caller holds the claim. */
  async fileInbound(id: string, node: string, result: FaxResult, pdf: Buffer | null, pages: number, customers?: FaxCustomers): Promise<Fax | null> {
    const fax = await this.db.manager.findOne(Fax, { where: { id } });
    if (!fax || fax.status !== 'filing' || fax.claimedBy !== node) return null;
    const customer = customers && fax.remoteNumber ? await customers.findByPhone(fax.remoteNumber) : null;
    const ok = result.status === 'SUCCESS' && pages > 0;
    const status: FaxStatus = ok ? 'received' : pages > 0 ? 'partial' : 'failed';
    const now = new Date();
    const duration = result.startedAt && result.endedAt ? Math.max(0, Math.round((result.endedAt.getTime() - result.startedAt.getTime()) / 1000)) : null;
    await this.db.transaction(async (m) => {
      if (pdf) await m.save(FaxDocument, { faxId: id, pdf });
      await m.update(Fax, { id, status: 'filing', claimedBy: node }, {
        status,
        pages,
        rate: result.rate,
        remoteStationId: result.remoteStationId.slice(0, 64),
        pbxStatus: result.status.slice(0, 32),
        error: ok ? '' : `${result.error || result.status}${result.statusText ? `: ${result.statusText}` : ''}`.slice(0, 255),
        durationSeconds: duration,
        customerId: customer?.id ?? null,
        finishedAt: now,
        updatedAt: now,
      });
    });
    const filed = (await this.db.manager.findOne(Fax, { where: { id } }))!;
    if (customer && customers) {
      await customers.recordInteraction({
        customerId: customer.id,
        kind: 'fax',
        refId: id,
        summary: `fax from ${fax.remoteNumber}: ${pages} page(s), ${status}${filed.queue ? ` (inbox ${filed.queue})` : ''}`,
        at: now,
      });
    }
    for (const l of this.filed) l(filed);
    return filed;
  }

  /** An inbound fax that never produced a result (the call ended before the fax started). */
  async failUnfinished(id: string, reason: string): Promise<void> {
    const now = new Date();
    await this.db.manager.update(Fax, { id, status: In(['receiving']) }, { status: 'failed', error: reason.slice(0, 255), finishedAt: now, updatedAt: now });
  }

  // ---- Outbound ----------------------------------------------------------------------

  /** A fax to send: queued with its PDF (cover included) in one transaction. */
  async queueOutbound(input: { to: string; customerId: string | null; subject: string; createdBy: string; pdf: Buffer; pages: number; maxAttempts: number }): Promise<Fax> {
    const now = new Date();
    const id = randomUUID();
    await this.db.transaction(async (m) => {
      await m.insert(Fax, {
        id,
        direction: 'out',
        status: 'queued',
        remoteNumber: input.to,
        customerId: input.customerId,
        subject: input.subject.slice(0, 255),
        createdBy: input.createdBy.slice(0, 128),
        pages: input.pages,
        maxAttempts: input.maxAttempts,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(FaxDocument, { faxId: id, pdf: input.pdf });
    });
    return this.get(id);
  }

  /** Queued faxes whose next attempt is due. */
  due(now: Date): Promise<Fax[]> {
    return this.db
      .createQueryBuilder(Fax, 'f')
      .where('f.direction = :out AND f.status = :queued AND f.next_attempt_at <= :now', { out: 'out', queued: 'queued', now })
      .orderBy('f.next_attempt_at', 'ASC')
      .limit(20)
      .getMany();
  }

  /** Faxes being sent (their result awaited from Asterisk). */
  sending(): Promise<Fax[]> {
    return this.db.manager.find(Fax, { where: { direction: 'out', status: 'sending' }, take: 200 });
  }

  /** Starts attempt n+1 of a queued fax on `node`: only one node ever wins it (a conditional update). */
  async claimAttempt(fax: Fax, node: string): Promise<boolean> {
    const now = new Date();
    const r = await this.db
      .createQueryBuilder()
      .update(Fax)
      .set({ status: 'sending', attempts: fax.attempts + 1, claimedBy: node, claimedAt: now, updatedAt: now })
      .where('id = :id AND status = :queued AND attempts = :attempts', { id: fax.id, queued: 'queued', attempts: fax.attempts })
      .execute();
    return (r.affected ?? 0) === 1;
  }

  /**
   * The end of an attempt: sent, queued again after `retryAt` (attempts left), or failed.
   * Conditional on the attempt still being the one in progress: a result is applied once.
   */
  async finishAttempt(fax: Fax, r: { ok: boolean; pages: number; rate: number; pbxStatus: string; error: string; durationSeconds: number | null; retryAt: Date | null }): Promise<FaxStatus | null> {
    const now = new Date();
    const status: FaxStatus = r.ok ? 'sent' : r.retryAt ? 'queued' : 'failed';
    const res = await this.db.manager.update(Fax, { id: fax.id, status: 'sending', attempts: fax.attempts }, {
      status,
      ...(r.ok ? { pages: r.pages } : {}),
      rate: r.rate,
      pbxStatus: r.pbxStatus.slice(0, 32),
      error: r.ok ? '' : r.error.slice(0, 255),
      durationSeconds: r.durationSeconds,
      nextAttemptAt: status === 'queued' ? r.retryAt : null,
      finishedAt: status === 'queued' ? null : now,
      updatedAt: now,
    });
    return (res.affected ?? 0) === 1 ? status : null;
  }

  async list(q: FaxListQuery): Promise<{ items: Fax[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (q.direction) where.direction = q.direction;
    if (q.queue !== undefined) where.queue = q.queue;
    if (q.status) where.status = q.status;
    if (q.customerId) where.customerId = q.customerId;
    const [items, total] = await this.db.manager.findAndCount(Fax, { where, order: { createdAt: 'DESC', id: 'DESC' }, take: q.limit, skip: q.offset });
    return { items, total };
  }

  /** The console's work on a fax: assigned user, customer, ticket (checked by the caller). */
  async updateWork(id: string, patch: { assignedTo?: string; customerId?: string | null; ticketId?: string | null }): Promise<Fax> {
    await this.get(id);
    const set: Partial<Fax> = { updatedAt: new Date() };
    if (patch.assignedTo !== undefined) set.assignedTo = patch.assignedTo.slice(0, 128);
    if (patch.customerId !== undefined) set.customerId = patch.customerId;
    if (patch.ticketId !== undefined) set.ticketId = patch.ticketId;
    await this.db.manager.update(Fax, { id }, set);
    return this.get(id);
  }

  async get(id: string): Promise<Fax> {
    const fax = await this.db.manager.findOne(Fax, { where: { id } });
    if (!fax) throw new NotFoundError('fax', id);
    return fax;
  }

  async pdf(id: string): Promise<Buffer> {
    await this.get(id);
    const doc = await this.db.manager.findOne(FaxDocument, { where: { faxId: id } });
    if (!doc) throw new NotFoundError('fax document', id);
    return Buffer.from(doc.pdf);
  }
}
