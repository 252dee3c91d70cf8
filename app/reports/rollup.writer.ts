// Writes the reports' facts and rollups (15-minute rows, and the agents' UTC day rows) as queue
// calls finish, and rebuilds them all from the ACD's queue calls (`npm run reports:rebuild`).
// Idempotent: a caller's facts are replaced whole, and the rollup rows, 15-minute and day rows
// alike, get the difference between the caller's old and new facts (rollupDelta: nothing when
// they are the same), added in place (one upsert); when that cannot be exact (a row loses an
// answered call: its maximum wait), the touched buckets are recomputed from all their facts and
// the touched day rows from the day's 15-minute rows. So an event applied twice, a rebuild, or a write after a
// rebuild give the same figures. The agents' outbound calls have their own rows (dimension
// 'outbound'): an ended call rewrites its bucket's rows from every call dialled in it, and a
// rebuild writes them from all outbound calls: the same rows either way.
import { Brackets, In, Not, type DataSource, type EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import { DEFAULT_DEFINITIONS, resolveDefinitions, type QueueDefinitions } from './definitions.js';
import { callerRegionSync } from './region.js';
import { ReportCallFact, ReportRollup } from './reports.entities.js';
import { addOutboundCall, DAY_DIMENSIONS, DAY_MS, factsFromLegs, OUTBOUND_DIMENSION, outboundRows, rollupDelta, rollupRows, utcDay, type FactRow, type OutboundFact, type QueueLeg, type RollupRow } from './rollup.js';
import { bucketStart, BUCKET_MINUTES } from './definitions.js';

/** Where the writer reads queue calls and each queue's definitions (the ACD). */
export interface RollupSource {
  /** Every leg of one caller's channel on one PBX. */
  legs(source: string, uniqueids: string[]): Promise<QueueLeg[]>;
  /** All queue calls, a page at a time in id order. */
  page(afterId: string, limit: number): Promise<QueueLeg[]>;
  /** Each queue's report definitions (queues not listed get the defaults). */
  definitions(): Promise<Map<string, QueueDefinitions>>;
  /** The agents' outbound calls (the ACD's outbound-call log); absent: no outbound rows. */
  outbound?: {
    call(source: string, uniqueid: string): Promise<OutboundFact | null>;
    /** The calls dialled in [from, to). */
    placed(from: Date, to: Date): Promise<OutboundFact[]>;
    /** All calls, a page at a time in id order. */
    page(afterId: string, limit: number): Promise<Array<OutboundFact & { id: string }>>;
  };
}

const INSERT_CHUNK = 200;
/** Callers written in one transaction at most. */
const BATCH = 200;

export class RollupWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly src: RollupSource,
    private readonly log: Logger,
  ) {}

  private readonly pending = new Map<string, Set<string>>();
  private draining = false;

  /**
   * A caller's legs changed: rewrite their facts and rollup rows in the background. Callers that
   * change while a write is running are written together next (up to BATCH per transaction),
   * each with its legs as they are then, so a burst of finished calls costs one transaction.
   */
  legsChanged(source: string, uniqueid: string): void {
    const set = this.pending.get(source) ?? new Set<string>();
    set.add(uniqueid);
    this.pending.set(source, set);
    if (this.draining) return;
    this.draining = true;
    this.chain = this.chain.then(() => this.drain()).catch((err: Error) => this.log.error({ err: err.message }, 'report rollup writer stopped a pass'));
  }

  private async drain(): Promise<void> {
    while (this.pending.size) {
      const [source, set] = this.pending.entries().next().value as [string, Set<string>];
      const ids = [...set].slice(0, BATCH);
      for (const id of ids) set.delete(id);
      if (!set.size) this.pending.delete(source);
      await this.writeMany(source, ids).catch((err: Error) => this.log.error({ err: err.message, callers: ids.length, uniqueid: ids[0] }, 'report rollup write failed'));
    }
    this.draining = false;
  }

  /**
   * An outbound call ended: the outbound rows of its bucket are written again from every call
   * dialled in that bucket (after the writes queued before it).
   */
  outboundChanged(source: string, uniqueid: string): void {
    this.chain = this.chain.then(() => this.writeOutbound(source, uniqueid)).catch((err: Error) => this.log.error({ err: err.message, uniqueid }, 'report rollup: outbound call write failed'));
  }

  /** Rewrites the outbound rows of the bucket the call was dialled in (idempotent). */
  async writeOutbound(source: string, uniqueid: string): Promise<void> {
    const out = this.src.outbound;
    const call = out ? await out.call(source, uniqueid) : null;
    if (!out || !call) return;
    const bucketAt = new Date(bucketStart(call.placedAt.getTime()));
    const rows = outboundRows(await out.placed(bucketAt, new Date(bucketAt.getTime() + BUCKET_MINUTES * 60_000)));
    await this.atomically(async (m) => {
      await m.delete(ReportRollup, { dimension: OUTBOUND_DIMENSION, bucketAt });
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await m.insert(ReportRollup, rows.slice(i, i + INSERT_CHUNK));
    });
  }

  /** Resolves when every write so far is done (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }

  async write(source: string, uniqueid: string): Promise<void> {
    await this.writeMany(source, [uniqueid]);
  }

  /** Rewrites the facts of these callers (one PBX) and adds the change to the rollups, in one transaction. */
  async writeMany(source: string, uniqueids: string[]): Promise<void> {
    // The legs and the stored facts are read together, before the transaction: inside it a plain
    // read would be no more than the same snapshot (not a lock), and a write that changes nothing
    // (an event applied twice) then costs no transaction. A call written alone: these two reads,
    // then START TRANSACTION, its facts (one insert or upsert), its rollup rows (one upsert) and COMMIT.
    const [legs, defs, old] = await Promise.all([
      this.src.legs(source, uniqueids),
      this.defsOf(),
      this.db.manager.find(ReportCallFact, { where: { source, uniqueid: In(uniqueids) } }) as unknown as Promise<FactRow[]>,
    ]);
    const byCaller = new Map<string, QueueLeg[]>();
    for (const l of legs) byCaller.set(l.uniqueid, [...(byCaller.get(l.uniqueid) ?? []), l]);
    const facts = [...byCaller.values()].flatMap((ls) => factsFromLegs(ls, callerRegionSync));
    const delta = rollupDelta(old, facts, defs);
    if (!delta.rows.length && sameFacts(old, facts)) return;
    await this.atomically(async (m) => {
      await this.replaceFacts(m, old, facts);
      if (await this.maxStillHeld(m, delta.shrink, delta.rows)) {
        await this.addRows(m, delta.rows);
        // A row left with no call (a disposition changed, say) goes, as a recompute would leave it out.
        await this.dropEmpty(m, delta.rows.filter((x) => x.offered < 0));
        return;
      }
      const buckets = new Map<number, Date>();
      for (const f of [...old, ...facts]) buckets.set(f.bucketAt.getTime(), f.bucketAt);
      for (const b of buckets.values()) await this.recompute(m, b, defs);
      const agents = [...new Set([...old, ...facts].map((f) => f.agentId).filter((a): a is string => !!a))];
      const days = new Set([...buckets.keys()].map(utcDay));
      if (agents.length) for (const d of days) await this.recomputeDay(m, new Date(d), agents);
    });
  }

  /**
   * Whether every row losing answered calls keeps a longest wait held by another call (stored
   * maximum above the removed ones), or goes altogether (no call left in it).
   */
  private async maxStillHeld(m: EntityManager, shrink: Array<RollupRow & { removedMaxWait: number }>, rows: RollupRow[]): Promise<boolean> {
    for (const r of shrink) {
      const row = await m.findOne(ReportRollup, { where: { dimension: r.dimension, bucketAt: r.bucketAt, dimKey: r.dimKey, queue: r.queue }, select: { maxAnsweredWaitSeconds: true, offered: true, dimension: true } });
      if (!row) return false;
      const change = rows.find((x) => x.dimension === r.dimension && x.bucketAt.getTime() === r.bucketAt.getTime() && x.dimKey === r.dimKey && x.queue === r.queue);
      if (change && row.offered + change.offered === 0) continue;
      if (row.maxAnsweredWaitSeconds <= r.removedMaxWait) return false;
    }
    return true;
  }

  /** Deletes these rows where no call is left in them (one statement). */
  private async dropEmpty(m: EntityManager, rows: RollupRow[]): Promise<void> {
    if (!rows.length) return;
    const qb = m.createQueryBuilder().delete().from(ReportRollup).where('offered = 0');
    qb.andWhere(new Brackets((w) => rows.forEach((r, i) => w.orWhere(`(dimension = :d${i} AND bucket_at = :b${i} AND dim_key = :k${i} AND queue = :q${i})`, { [`d${i}`]: r.dimension, [`b${i}`]: r.bucketAt, [`k${i}`]: r.dimKey, [`q${i}`]: r.queue }))));
    await qb.execute();
  }

  /** Adds counters to rollup rows in place, creating the rows that are missing (one statement per chunk). */
  private async addRows(m: EntityManager, rows: RollupRow[]): Promise<void> {
    await upsert(m, ReportRollup, rows as unknown as ReportRollup[], (n, mine, theirs) => (n === 'max_answered_wait_seconds' ? `${mine}` : `${theirs} + ${mine}`), true);
  }

  /** Drops every fact and rollup and writes them again from the ACD's queue calls. */
  async rebuild(pageSize = 2000): Promise<{ facts: number; buckets: number; rows: number }> {
    const defs = await this.defsOf();
    await this.flushed();
    // Its own process (the npm script): one transaction on its own connection.
    return this.db.transaction(async (m) => {
      await m.createQueryBuilder().delete().from(ReportRollup).execute();
      await m.createQueryBuilder().delete().from(ReportCallFact).execute();
      const seen = new Set<string>();
      let after = '';
      let facts = 0;
      for (;;) {
        const page = await this.src.page(after, pageSize);
        if (!page.length) break;
        after = page.at(-1)!.id;
        const bySource = new Map<string, Set<string>>();
        for (const l of page) {
          const k = `${l.source}\u0000${l.uniqueid}`;
          if (seen.has(k)) continue;
          seen.add(k);
          bySource.set(l.source, (bySource.get(l.source) ?? new Set()).add(l.uniqueid));
        }
        for (const [source, ids] of bySource) {
          const legs = await this.src.legs(source, [...ids]);
          const byCaller = new Map<string, QueueLeg[]>();
          for (const l of legs) byCaller.set(l.uniqueid, [...(byCaller.get(l.uniqueid) ?? []), l]);
          const rows = [...byCaller.values()].flatMap((ls) => factsFromLegs(ls, callerRegionSync));
          await this.replaceFacts(m, [], rows);
          facts += rows.length;
        }
      }
      const buckets = await m.createQueryBuilder(ReportCallFact, 'f').select('DISTINCT f.bucket_at', 'b').getRawMany<{ b: string | Date }>();
      const days = new Set<number>();
      for (const { b } of buckets) {
        await this.recompute(m, toDate(b), defs);
        days.add(utcDay(toDate(b).getTime()));
      }
      for (const d of days) await this.recomputeDay(m, new Date(d));
      await this.rebuildOutbound(m, pageSize);
      const rows = Number((await m.createQueryBuilder(ReportRollup, 'r').select('COUNT(*)', 'n').getRawOne<{ n: string | number }>())?.n ?? 0);
      return { facts, buckets: buckets.length, rows };
    });
  }

  /** The outbound rows of every outbound call (the same rows as writeOutbound, bucket by bucket). */
  private async rebuildOutbound(m: EntityManager, pageSize: number): Promise<void> {
    const out = this.src.outbound;
    if (!out) return;
    const rows = new Map<string, RollupRow>();
    let after = '';
    for (;;) {
      const page = await out.page(after, pageSize);
      if (!page.length) break;
      after = page.at(-1)!.id;
      for (const c of page) addOutboundCall(rows, c);
    }
    const list = [...rows.values()];
    for (let i = 0; i < list.length; i += INSERT_CHUNK) await m.insert(ReportRollup, list.slice(i, i + INSERT_CHUNK));
  }

  /**
   * MariaDB/MySQL: a transaction. SQLite: none — TypeORM gives better-sqlite3 one connection, and
   * the ACD's own transactions on it would nest in ours as savepoints (and break); a write cut
   * short is made whole by the caller's next event or by a rebuild, since writes are idempotent.
   */
  private atomically<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.options.type === 'better-sqlite3' ? work(this.db.manager) : this.db.transaction(work);
  }

  private async defsOf(): Promise<(queue: string) => QueueDefinitions> {
    const map = await this.src.definitions();
    return (q) => map.get(q) ?? resolveDefinitions(DEFAULT_DEFINITIONS);
  }

  /** Replaces a caller's stored facts (`old`) by `facts`: the ones gone are deleted, the new and changed ones upserted. */
  private async replaceFacts(m: EntityManager, old: FactRow[], facts: FactRow[]): Promise<void> {
    const keep = new Set(facts.map((f) => f.id));
    const gone = old.map((o) => o.id).filter((id) => !keep.has(id));
    for (let i = 0; i < gone.length; i += INSERT_CHUNK) await m.delete(ReportCallFact, { id: In(gone.slice(i, i + INSERT_CHUNK)) });
    const byId = new Map(old.map((o) => [o.id, o]));
    const changed = facts.filter((f) => !byId.has(f.id) || !sameFacts([byId.get(f.id)!], [f]));
    if (changed.some((f) => byId.has(f.id))) await upsert(m, ReportCallFact, changed as unknown as ReportCallFact[], () => null, false);
    else for (let i = 0; i < changed.length; i += INSERT_CHUNK) await m.insert(ReportCallFact, changed.slice(i, i + INSERT_CHUNK));
  }

  /** The 15-minute rows of one bucket, recomputed from all its facts (the day rows are recomputeDay's). */
  private async recompute(m: EntityManager, bucketAt: Date, defsOf: (q: string) => QueueDefinitions): Promise<number> {
    const facts = (await m.find(ReportCallFact, { where: { bucketAt } })) as unknown as FactRow[];
    // The outbound rows are not the queue calls' (writeOutbound's).
    await m.delete(ReportRollup, { bucketAt, dimension: Not(In([...Object.values(DAY_DIMENSIONS), OUTBOUND_DIMENSION])) });
    const rows = rollupRows(facts, defsOf);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await m.insert(ReportRollup, rows.slice(i, i + INSERT_CHUNK));
    return rows.length;
  }

  /** The day rows of one UTC day (of these dimension keys, or all), summed again from the day's 15-minute rows. */
  private async recomputeDay(m: EntityManager, day: Date, keys?: string[]): Promise<void> {
    const meta = m.connection.getMetadata(ReportRollup);
    const q = (n: string) => m.connection.driver.escape(n);
    const at = (d: Date) => m.connection.driver.preparePersistentValue(d, meta.findColumnWithDatabaseName('bucket_at')!);
    const names = meta.columns.map((c) => c.databaseName);
    const select = names.map((n) => {
      if (n === 'dimension' || n === 'bucket_at') return '?';
      if (n === 'dim_key' || n === 'queue') return q(n);
      return n === 'max_answered_wait_seconds' ? `MAX(${q(n)})` : `SUM(${q(n)})`;
    });
    for (const [dimension, dayDimension] of Object.entries(DAY_DIMENSIONS)) {
      const del = m.createQueryBuilder().delete().from(ReportRollup).where('dimension = :d AND bucket_at = :b', { d: dayDimension, b: day });
      if (keys) del.andWhere('dim_key IN (:...keys)', { keys });
      await del.execute();
      const only = keys ? ` AND ${q('dim_key')} IN (${keys.map(() => '?').join(', ')})` : '';
      await m.query(
        `INSERT INTO ${q(meta.tableName)} (${names.map(q).join(', ')}) SELECT ${select.join(', ')} FROM ${q(meta.tableName)}
          WHERE ${q('dimension')} = ? AND ${q('bucket_at')} >= ? AND ${q('bucket_at')} < ?${only} GROUP BY ${q('dim_key')}, ${q('queue')}`,
        [dayDimension, at(day), dimension, at(day), at(new Date(day.getTime() + DAY_MS)), ...(keys ?? [])],
      );
    }
  }
}

/**
 * Inserts rows, or updates the ones already there (one statement per chunk): each non-key
 * column is set to `set(name, new value, stored value)`, or to the new value when that gives
 * null. `keepMax`: max_answered_wait_seconds keeps the larger of the two.
 */
async function upsert<T extends object>(m: EntityManager, entity: { new (): T }, rows: T[], set: (name: string, mine: string, theirs: string) => string | null, keepMax: boolean): Promise<void> {
  if (!rows.length) return;
  const meta = m.connection.getMetadata(entity);
  const cols = meta.columns;
  const keys = meta.primaryColumns.map((c) => c.databaseName);
  const q = (n: string) => m.connection.driver.escape(n);
  const mysql = m.connection.options.type !== 'better-sqlite3';
  const assign = cols.map((c) => c.databaseName).filter((n) => !keys.includes(n)).map((n) => {
    const mine = mysql ? `VALUES(${q(n)})` : `excluded.${q(n)}`;
    if (keepMax && n === 'max_answered_wait_seconds') return `${q(n)} = ${mysql ? 'GREATEST' : 'MAX'}(${q(n)}, ${mine})`;
    return `${q(n)} = ${set(n, mine, q(n)) ?? mine}`;
  }).join(', ');
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      for (const c of cols) params.push(m.connection.driver.preparePersistentValue(c.getEntityValue(r), c));
      return `(${cols.map(() => '?').join(', ')})`;
    });
    const head = `INSERT INTO ${q(meta.tableName)} (${cols.map((c) => q(c.databaseName)).join(', ')}) VALUES ${values.join(', ')}`;
    await m.query(mysql ? `${head} ON DUPLICATE KEY UPDATE ${assign}` : `${head} ON CONFLICT (${keys.map(q).join(', ')}) DO UPDATE SET ${assign}`, params);
  }
}

/** A datetime as a driver returns it from a raw query (MariaDB: Date; SQLite: 'YYYY-MM-DD HH:MM:SS.SSS' in UTC). */
export function toDate(v: string | Date): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}

const FACT_FIELDS: Array<keyof FactRow> = ['id', 'queue', 'uniqueid', 'callerNumber', 'region', 'city', 'joinedAt', 'bucketAt', 'outcome', 'waitSeconds', 'talkSeconds', 'holdSeconds', 'wrapupSeconds', 'agentId', 'disposition', 'answeredAt', 'endedAt', 'joinPosition', 'abandonPosition', 'overflowTo'];
const same = (a: unknown, b: unknown) => (a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime?.() === (b as Date | null)?.getTime?.() : (a ?? null) === (b ?? null));

/** Whether the stored facts are the new ones already (a write applied twice changes nothing). */
function sameFacts(old: FactRow[], next: FactRow[]): boolean {
  if (old.length !== next.length) return false;
  const byId = new Map(old.map((f) => [f.id, f]));
  return next.every((f) => {
    const o = byId.get(f.id);
    return o !== undefined && FACT_FIELDS.every((k) => same(o[k], f[k]));
  });
}
