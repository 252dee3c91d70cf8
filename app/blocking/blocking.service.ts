// Blocked numbers: add, change, lift, list, and count the calls a block refused. The rows are the
// only truth; after each change the listeners (the AstDB copy's sync) are told.
import { randomUUID } from 'node:crypto';
import { Brackets, type DataSource } from 'typeorm';
import { isDuplicateKey } from '../crm/crm.service.js';
import { normalizePhone } from '../crm/phone.js';
import { NotFoundError } from '../errors.js';
import { BlockedNumber } from './blocking.entities.js';
import { AlreadyBlockedError } from './blocking.errors.js';
import { isActiveBlock, isWithheldCaller, WITHHELD } from './blocking.rules.js';

export interface BlockListQuery {
  q?: string;
  state: 'active' | 'ended' | 'all';
  limit: number;
  offset: number;
}

export class BlockingService {
  private readonly listeners: Array<() => Promise<void> | void> = [];

  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Told after every change (awaited: the AstDB copy is written before the answer). */
  onChange(listener: () => Promise<void> | void): void {
    this.listeners.push(listener);
  }

  async list(q: BlockListQuery): Promise<{ items: BlockedNumber[]; total: number }> {
    const qb = this.inState(q.state);
    if (q.q) qb.andWhere('b.number LIKE :q', { q: `%${q.q}%` });
    const [items, total] = await qb.orderBy('b.createdAt', 'DESC').addOrderBy('b.id', 'ASC').skip(q.offset).take(q.limit).getManyAndCount();
    return { items, total };
  }

  /** Blocks that have not ended (what Asterisk's copy holds): all of them, no count, no order. */
  async active(): Promise<BlockedNumber[]> {
    return this.inState('active').getMany();
  }

  private inState(state: BlockListQuery['state']) {
    const now = this.now();
    const qb = this.db.manager.createQueryBuilder(BlockedNumber, 'b');
    if (state === 'active') qb.where(new Brackets((w) => w.where('b.until IS NULL').orWhere('b.until > :now', { now })));
    else if (state === 'ended') qb.where('b.until <= :now', { now });
    return qb;
  }

  async get(id: string): Promise<BlockedNumber> {
    const b = await this.db.manager.findOne(BlockedNumber, { where: { id } });
    if (!b) throw new NotFoundError('blocked number', id);
    return b;
  }

  /** The active block of `number` (stored form), or null. */
  async activeOf(number: string): Promise<BlockedNumber | null> {
    const b = await this.db.manager.findOne(BlockedNumber, { where: { number } });
    return b && isActiveBlock(b, this.now()) ? b : null;
  }

  /** Blocks `number` (stored form). A number whose block ended is blocked again in its row. */
  async add(input: { number: string; reason: string; until: Date | null }, actor: string): Promise<BlockedNumber> {
    const now = this.now();
    const found = await this.db.manager.findOne(BlockedNumber, { where: { number: input.number } });
    if (found && isActiveBlock(found, now)) throw new AlreadyBlockedError(found.id, found.number);
    let row: BlockedNumber;
    if (found) {
      // Conditional on the block still being ended: two people re-blocking at once, one wins.
      const r = await this.db.manager
        .createQueryBuilder()
        .update(BlockedNumber)
        .set({ reason: input.reason, until: input.until, createdBy: actor, createdAt: now, updatedBy: actor, updatedAt: now })
        .where('id = :id AND until_at <= :now', { id: found.id, now })
        .execute();
      if (!r.affected) throw new AlreadyBlockedError(found.id, found.number);
      row = await this.get(found.id);
    } else {
      row = Object.assign(new BlockedNumber(), {
        id: randomUUID(),
        number: input.number,
        reason: input.reason,
        until: input.until,
        attempts: 0,
        lastAttemptAt: null,
        createdBy: actor,
        createdAt: now,
        updatedBy: actor,
        updatedAt: now,
      });
      try {
        await this.db.manager.insert(BlockedNumber, row);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const other = await this.db.manager.findOne(BlockedNumber, { where: { number: input.number } });
        throw new AlreadyBlockedError(other?.id ?? '', input.number);
      }
    }
    await this.changed();
    return row;
  }

  async update(id: string, patch: { reason?: string; until?: Date | null }, actor: string): Promise<BlockedNumber> {
    const before = await this.get(id);
    const set: Partial<BlockedNumber> = { updatedBy: actor, updatedAt: this.now() };
    if (patch.reason !== undefined) set.reason = patch.reason;
    if (patch.until !== undefined) set.until = patch.until;
    await this.db.manager.update(BlockedNumber, { id }, set);
    await this.changed();
    return { ...before, ...set } as BlockedNumber;
  }

  async remove(id: string): Promise<BlockedNumber> {
    const b = await this.get(id);
    await this.db.manager.delete(BlockedNumber, { id });
    await this.changed();
    return b;
  }

  /** A call from `caller` (as the trunk sent it) was refused: counted on its block. */
  async refused(caller: string, at: Date): Promise<boolean> {
    const number = isWithheldCaller(caller) ? WITHHELD : normalizePhone(caller);
    if (!number) return false;
    const r = await this.db.manager
      .createQueryBuilder()
      .update(BlockedNumber)
      .set({ attempts: () => 'attempts + 1', lastAttemptAt: at })
      .where('number = :number', { number })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  private async changed(): Promise<void> {
    for (const l of this.listeners) await l();
  }
}
