// The voicemail inbox: the IVR opens a message before recording (one per call, whichever node
// runs it), the collector settles it from Asterisk's stored recording, people hear it and mark it
// done. Every change is a conditional update on the row's status: two nodes or two people never
// both win one transition.
import { randomUUID } from 'node:crypto';
import { In, LessThan, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import { isDuplicateKey } from '../crm/crm.service.js';
import { NotFoundError } from '../errors.js';
import { Voicemail, type VoicemailStatus } from './voicemail.entities.js';
import { VoicemailStateError } from './voicemail.errors.js';
import { fromStatuses, nextStatus, settledAs, type VoicemailAction } from './voicemail.rules.js';

export interface VoicemailListQuery {
  mailbox?: string;
  status?: VoicemailStatus;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface VoicemailSummary {
  /** Mailboxes with messages `new` (the others are left out), by name. */
  mailboxes: Array<{ mailbox: string; new: number; oldestNewAt: Date }>;
  new: number;
  /** When the oldest `new` message of all was left; null when none is. */
  oldestNewAt: Date | null;
}

/** A datetime as a raw query returns it (MariaDB: Date; SQLite: 'YYYY-MM-DD HH:MM:SS.SSS' in UTC). */
function rawDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}

/** Told when a message became `new` (the live notice). */
export type VoicemailNewListener = (v: Voicemail) => void;

export class VoicemailService {
  private readonly listeners: VoicemailNewListener[] = [];

  constructor(private readonly db: DataSource) {}

  onNew(listener: VoicemailNewListener): void {
    this.listeners.push(listener);
  }

  /** The message of call `callId`, made once: a call resumed by another node gets the same row. */
  async open(input: { callId: string; mailbox: string; caller: string; called: string; recording: string; maxSeconds: number }): Promise<Voicemail> {
    const found = await this.db.manager.findOne(Voicemail, { where: { callId: input.callId } });
    if (found) return found;
    const now = new Date();
    const row: Voicemail = Object.assign(new Voicemail(), {
      id: randomUUID(),
      callId: input.callId,
      mailbox: input.mailbox,
      callerNumber: input.caller.slice(0, 32),
      calledNumber: input.called.slice(0, 32),
      customerId: null,
      recording: input.recording,
      maxSeconds: input.maxSeconds,
      status: 'recording',
      seconds: null,
      finishedAt: null,
      settledAt: null,
      heardAt: null,
      heardBy: null,
      doneAt: null,
      doneBy: null,
      note: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.db.manager.insert(Voicemail, row);
      return row;
    } catch (err) {
      // Two nodes opening the same call at once: the unique call id keeps one row.
      if (!isDuplicateKey(err)) throw err;
      return (await this.db.manager.findOne(Voicemail, { where: { callId: input.callId } }))!;
    }
  }

  /** The recording of call `callId` ended normally: the collector may settle it now. */
  async finished(callId: string): Promise<void> {
    const now = new Date();
    await this.db.manager.update(Voicemail, { callId, status: 'recording' }, { finishedAt: now, updatedAt: now });
  }

  /** Messages still recording (oldest first): the collector's work. */
  recording(): Promise<Voicemail[]> {
    return this.db.manager.find(Voicemail, { where: { status: 'recording' }, order: { createdAt: 'ASC' }, take: 200 });
  }

  /**
   * Settles a message still `recording` from what Asterisk kept (null: nothing): `new` with its
   * seconds, or `empty`. Once only (conditional on `recording`); returns the row if this call settled it.
   */
  async settle(id: string, stored: { seconds: number | null } | null, customerId: string | null): Promise<Voicemail | null> {
    const { status, seconds } = settledAs(stored);
    const now = new Date();
    const r = await this.db.manager.update(Voicemail, { id, status: 'recording' }, { status, seconds, customerId, settledAt: now, updatedAt: now });
    if ((r.affected ?? 0) !== 1) return null;
    const row = await this.get(id);
    if (status === 'new') for (const l of this.listeners) l(row);
    return row;
  }

  /** Marks a message heard by `who` (only the first time, when it was `new`). */
  async heard(id: string, who: string): Promise<Voicemail> {
    const now = new Date();
    await this.db.manager.update(Voicemail, { id, status: In(fromStatuses('hear')) }, { status: nextStatus('hear', 'new')!, heardAt: now, heardBy: who.slice(0, 128), updatedAt: now });
    return this.get(id);
  }

  /** Done by `who`, with what was done; 409 when it was done already (or is still recording). */
  async done(id: string, who: string, note: string | undefined): Promise<Voicemail> {
    return this.transition(id, 'done', (now) => ({ doneAt: now, doneBy: who.slice(0, 128), ...(note !== undefined ? { note } : {}) }));
  }

  /** Back to work: a done message is heard again (or empty, if it never had audio); the note stays. */
  async reopen(id: string): Promise<Voicemail> {
    return this.transition(id, 'reopen', () => ({ doneAt: null, doneBy: null }));
  }

  private async transition(id: string, action: VoicemailAction, set: (now: Date) => Partial<Voicemail>): Promise<Voicemail> {
    const row = await this.get(id);
    const to = nextStatus(action, row.status, row.seconds !== null && row.seconds > 0);
    if (!to) throw new VoicemailStateError(action, row.status);
    const now = new Date();
    const r = await this.db.manager.update(Voicemail, { id, status: row.status }, { ...set(now), status: to, updatedAt: now });
    if ((r.affected ?? 0) !== 1) {
      // Someone else changed it meanwhile: judged again on what it is now.
      const now2 = await this.get(id);
      throw new VoicemailStateError(action, now2.status);
    }
    return this.get(id);
  }

  async get(id: string): Promise<Voicemail> {
    const row = await this.db.manager.findOne(Voicemail, { where: { id } });
    if (!row) throw new NotFoundError('voicemail', id);
    return row;
  }

  /** Newest first; without a status, the messages people work on (not recording, not empty). */
  async list(q: VoicemailListQuery): Promise<{ items: Voicemail[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(Voicemail, 'v');
    if (q.status) qb.andWhere('v.status = :status', { status: q.status });
    else qb.andWhere('v.status IN (:...statuses)', { statuses: ['new', 'heard', 'done'] });
    if (q.mailbox) qb.andWhere('v.mailbox = :mailbox', { mailbox: q.mailbox });
    if (q.from) qb.andWhere('v.created_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('v.created_at < :to', { to: q.to });
    const [items, total] = await qb.orderBy('v.created_at', 'DESC').addOrderBy('v.id', 'DESC').take(q.limit).skip(q.offset).getManyAndCount();
    return { items, total };
  }

  /**
   * New messages per mailbox (the console's badge), and since when the oldest of them waits (the
   * time the caller left it): per mailbox and in all (null when none waits).
   */
  async summary(): Promise<VoicemailSummary> {
    const rows = await this.db.manager
      .createQueryBuilder(Voicemail, 'v')
      .select('v.mailbox', 'mailbox')
      .addSelect('COUNT(*)', 'n')
      .addSelect('MIN(v.created_at)', 'oldest')
      .where('v.status = :status', { status: 'new' })
      .groupBy('v.mailbox')
      .orderBy('v.mailbox', 'ASC')
      .getRawMany<{ mailbox: string; n: number | string; oldest: Date | string }>();
    const mailboxes = rows.map((r) => ({ mailbox: r.mailbox, new: Number(r.n), oldestNewAt: rawDate(r.oldest) }));
    const oldestNewAt = mailboxes.reduce<Date | null>((o, m) => (!o || m.oldestNewAt < o ? m.oldestNewAt : o), null);
    return { mailboxes, new: mailboxes.reduce((n, m) => n + m.new, 0), oldestNewAt };
  }

  /** Done messages whose work ended before `before` (retention), oldest first. */
  expired(before: Date, limit = 100): Promise<Voicemail[]> {
    const where: FindOptionsWhere<Voicemail>[] = [
      { status: 'done', doneAt: LessThan(before) },
      { status: 'empty', createdAt: LessThan(before) },
    ];
    return this.db.manager.find(Voicemail, { where, order: { createdAt: 'ASC' }, take: limit });
  }

  /** Deletes a message's row (its recording removed first by the caller); only if still done/empty. */
  async delete(id: string): Promise<boolean> {
    const r = await this.db.manager.delete(Voicemail, { id, status: Not(In(['recording', 'new', 'heard'])) });
    return (r.affected ?? 0) === 1;
  }
}
