// Writes the reports' facts and 15-minute rollups as queue calls finish, and rebuilds them all
// from the ACD's queue calls (`npm run reports:rebuild`). Idempotent: a caller's facts are
// replaced whole, and the rollup rows get the difference between the caller's old and new
// facts (rollupDelta: nothing when they are the same), added in place (one upsert); when that
// cannot be exact (a row loses an answered call: its maximum wait), the touched buckets are
// recomputed from all their facts. So an event applied twice, a rebuild, or a write after a
// rebuild give the same figures.
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import { DEFAULT_DEFINITIONS, resolveDefinitions, type QueueDefinitions } from './definitions.js';
import { callerRegionSync } from './region.js';
import { ReportCallFact, ReportRollup } from './reports.entities.js';
import { factsFromLegs, rollupDelta, rollupRows, type FactRow, type QueueLeg, type RollupRow } from './rollup.js';

/** Where the writer reads queue calls and each queue's definitions (the ACD). */
export interface RollupSource {
  /** Every leg of one caller's channel on one PBX. */
  legs(source: string, uniqueids: string[]): Promise<QueueLeg[]>;
  /** All queue calls, a page at a time in id order. */
  page(afterId: string, limit: number): Promise<QueueLeg[]>;
  /** Each queue's report definitions (queues not listed get the defaults). */
  definitions(): Promise<Map<string, QueueDefinitions>>;
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

  /** Resolves when every write so far is done (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }

  async write(source: string, uniqueid: string): Promise<void> {
    await this.writeMany(source, [uniqueid]);
  }

  /** Rewrites the facts of these callers (one PBX) and adds the change to the rollups, in one transaction. */
  async writeMany(source: string, uniqueids: string[]): Promise<void> {
    const legs = await this.src.legs(source, uniqueids);
    const defs = await this.defsOf();
    const byCaller = new Map<string, QueueLeg[]>();
    for (const l of legs) byCaller.set(l.uniqueid, [...(byCaller.get(l.uniqueid) ?? []), l]);
    const facts = [...byCaller.values()].flatMap((ls) => factsFromLegs(ls, callerRegionSync));
    await this.atomically(async (m) => {
      const old = (await m.find(ReportCallFact, { where: { source, uniqueid: In(uniqueids) } })) as unknown as FactRow[];
      const delta = rollupDelta(old, facts, defs);
      if (!delta.rows.length && sameFacts(old, facts)) return;
      await this.replaceFacts(m, old.map((o) => o.id), facts);
      if (await this.maxStillHeld(m, delta.shrink)) {
        await this.addRows(m, delta.rows);
        // A row left with no call (a disposition changed, say) goes, as a recompute would leave it out.
        for (const r of delta.rows.filter((x) => x.offered < 0)) {
          await m.createQueryBuilder().delete().from(ReportRollup)
            .where('dimension = :d AND bucket_at = :b AND dim_key = :k AND queue = :q AND offered = 0', { d: r.dimension, b: r.bucketAt, k: r.dimKey, q: r.queue })
            .execute();
        }
        return;
      }
      const buckets = new Map<number, Date>();
      for (const f of [...old, ...facts]) buckets.set(f.bucketAt.getTime(), f.bucketAt);
      for (const b of buckets.values()) await this.recompute(m, b, defs);
    });
  }

  /** Whether every row losing answered calls keeps a longest wait held by another call (stored maximum above the removed ones). */
  private async maxStillHeld(m: EntityManager, shrink: Array<RollupRow & { removedMaxWait: number }>): Promise<boolean> {
    for (const r of shrink) {
      const row = await m.findOne(ReportRollup, { where: { dimension: r.dimension, bucketAt: r.bucketAt, dimKey: r.dimKey, queue: r.queue }, select: { maxAnsweredWaitSeconds: true, dimension: true } });
      if (!row || row.maxAnsweredWaitSeconds <= r.removedMaxWait) return false;
    }
    return true;
  }

  /** Adds counters to rollup rows in place, creating the rows that are missing (one statement per chunk). */
  private async addRows(m: EntityManager, rows: RollupRow[]): Promise<void> {
    if (!rows.length) return;
    const meta = m.connection.getMetadata(ReportRollup);
    const cols = meta.columns;
    const names = cols.map((c) => c.databaseName);
    const counters = names.filter((n) => !['dimension', 'bucket_at', 'dim_key', 'queue'].includes(n));
    const q = (n: string) => m.connection.driver.escape(n);
    const mysql = m.connection.options.type !== 'better-sqlite3';
    const set = counters.map((n) => {
      if (n === 'max_answered_wait_seconds') return mysql ? `${q(n)} = GREATEST(${q(n)}, VALUES(${q(n)}))` : `${q(n)} = MAX(${q(n)}, excluded.${q(n)})`;
      return mysql ? `${q(n)} = ${q(n)} + VALUES(${q(n)})` : `${q(n)} = ${q(n)} + excluded.${q(n)}`;
    }).join(', ');
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((r) => {
        for (const c of cols) params.push(m.connection.driver.preparePersistentValue(c.getEntityValue(r as unknown as ReportRollup), c));
        return `(${cols.map(() => '?').join(', ')})`;
      });
      const head = `INSERT INTO ${q(meta.tableName)} (${names.map(q).join(', ')}) VALUES ${values.join(', ')}`;
      await m.query(mysql ? `${head} ON DUPLICATE KEY UPDATE ${set}` : `${head} ON CONFLICT (${['dimension', 'bucket_at', 'dim_key', 'queue'].map(q).join(', ')}) DO UPDATE SET ${set}`, params);
    }
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
      let rows = 0;
      for (const { b } of buckets) rows += await this.recompute(m, toDate(b), defs);
      return { facts, buckets: buckets.length, rows };
    });
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

  private async replaceFacts(m: EntityManager, oldIds: string[], facts: FactRow[]): Promise<void> {
    const ids = [...new Set([...oldIds, ...facts.map((f) => f.id)])];
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) await m.delete(ReportCallFact, { id: In(ids.slice(i, i + INSERT_CHUNK)) });
    for (let i = 0; i < facts.length; i += INSERT_CHUNK) await m.insert(ReportCallFact, facts.slice(i, i + INSERT_CHUNK));
  }

  /** The rows of one bucket, recomputed from all its facts. */
  private async recompute(m: EntityManager, bucketAt: Date, defsOf: (q: string) => QueueDefinitions): Promise<number> {
    const facts = (await m.find(ReportCallFact, { where: { bucketAt } })) as unknown as FactRow[];
    await m.delete(ReportRollup, { bucketAt });
    const rows = rollupRows(facts, defsOf);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await m.insert(ReportRollup, rows.slice(i, i + INSERT_CHUNK));
    return rows.length;
  }
}

/** A datetime as a driver returns it from a raw query (MariaDB: Date; SQLite: 'YYYY-MM-DD HH:MM:SS.SSS' in UTC). */
export function toDate(v: string | Date): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}

const FACT_FIELDS: Array<keyof FactRow> = ['id', 'queue', 'uniqueid', 'callerNumber', 'region', 'city', 'joinedAt', 'bucketAt', 'outcome', 'waitSeconds', 'talkSeconds', 'holdSeconds', 'wrapupSeconds', 'agentId', 'disposition', 'answeredAt', 'endedAt', 'overflowTo'];
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
