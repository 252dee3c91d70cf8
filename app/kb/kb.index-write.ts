// Writing the search index (see kb.search.ts for the tables): adding and removing articles'
// postings in the token chunks of kb_chunks, and the document frequencies in kb_terms.
// Lock order: kb_terms rows first, in token order (the df upsert), then the chunks of those
// tokens, read with FOR UPDATE on MariaDB/MySQL so that a chunk is always rewritten from its
// latest committed version; two writers touching one token are serialised by its kb_terms row.
import type { EntityManager } from 'typeorm';
import { CHUNK_SIZE, chunkPostings, decodeHead, encodeChunk, encodeHead, updateHead, type Posting } from './kb.postings.js';

export type Runner = Pick<EntityManager, 'query'>;

const BATCH = 500;
/** Keep one INSERT of chunks below this many bytes (max_allowed_packet is 16 MB by default). */
const MAX_STATEMENT_BYTES = 2_000_000;
export const N_ROW = '';

export const batches = <T>(xs: T[], n = BATCH): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
export const marks = (n: number) => Array(n).fill('?').join(', ');
const byToken = <T extends [string, ...unknown[]]>(a: T, b: T) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

interface Chunk {
  token: string;
  start: number;
  data: Buffer;
}

export class IndexWriter {
  constructor(private readonly mysql: boolean) {}

  /** df += delta, in token order (a fixed lock order, so concurrent writers do not deadlock). */
  async addDf(m: Runner, deltas: Array<[string, number]>): Promise<void> {
    const sorted = deltas.sort(byToken);
    const upsert = this.mysql ? 'ON DUPLICATE KEY UPDATE df = df + VALUES(df)' : 'ON CONFLICT (token) DO UPDATE SET df = df + excluded.df';
    for (const c of batches(sorted)) await m.query(`INSERT INTO kb_terms (token, df) VALUES ${c.map(() => '(?, ?)').join(', ')} ${upsert}`, c.flat());
  }

  /** Adds postings (token -> postings ascending by doc, all docs new to those tokens). */
  async add(m: Runner, postings: Map<string, Posting[]>): Promise<void> {
    const tokens = [...postings.keys()].sort();
    if (!tokens.length) return;
    const from = Math.min(...tokens.map((t) => postings.get(t)![0]!.doc));
    // Normally only each token's last chunk: documents get ever larger ids.
    const starts = await this.locate(m, tokens, from);
    const old = await this.read(m, tokens.map((t) => [t, starts.get(t)] as [string, number | undefined]), 'from');
    const writes: Chunk[] = [];
    const deletes: Array<[string, number]> = [];
    for (const t of tokens) {
      const mine = old.get(t) ?? [];
      const merged = new Map<number, Posting>();
      for (const c of mine) for (const p of chunkPostings(c.data)) merged.set(p.doc, p);
      for (const p of postings.get(t)!) merged.set(p.doc, p);
      const all = [...merged.values()].sort((a, b) => a.doc - b.doc);
      const pieces = split(all);
      const keys = pieces.map((p, i) => (i === 0 && mine.length ? Math.min(mine[0]!.start, p[0]!.doc) : p[0]!.doc));
      pieces.forEach((p, i) => {
        const data = encodeChunk(p);
        const before = mine.find((c) => c.start === keys[i]);
        if (!before || !before.data.equals(data)) writes.push({ token: t, start: keys[i]!, data });
      });
      for (const c of mine) if (!keys.includes(c.start)) deletes.push([t, c.start]);
    }
    await this.remove(m, deletes);
    await this.write(m, writes);
    await this.heads(m, new Map(tokens.map((t) => [t, postings.get(t)!])), new Set());
  }

  /** Removes one document's postings of these tokens. */
  async drop(m: Runner, doc: number, tokens: string[]): Promise<void> {
    const starts = await this.locate(m, tokens, doc);
    const old = await this.read(m, [...starts.entries()], 'at');
    const writes: Chunk[] = [];
    const deletes: Array<[string, number]> = [];
    for (const [t, chunks] of old) {
      for (const c of chunks) {
        const left = chunkPostings(c.data).filter((p) => p.doc !== doc);
        if (left.length) writes.push({ ...c, data: encodeChunk(left) });
        else deletes.push([t, c.start]);
      }
    }
    await this.remove(m, deletes);
    await this.write(m, writes);
    await this.heads(m, new Map(tokens.map((t) => [t, []])), new Set([doc]));
  }

  /** Updates the heads (kb.postings.ts) of word tokens (not filters); their kb_terms rows are already locked. */
  private async heads(m: Runner, add: Map<string, Array<{ w: number; doc: number }>>, drop: Set<number>): Promise<void> {
    const tokens = [...add.keys()].filter((t) => t.startsWith('t')).sort();
    const upsert = this.mysql
      ? 'ON DUPLICATE KEY UPDATE head_floor = VALUES(head_floor), head = VALUES(head)'
      : 'ON CONFLICT (token) DO UPDATE SET head_floor = excluded.head_floor, head = excluded.head';
    for (const c of batches(tokens)) {
      const rows = (await m.query(`SELECT token, head_floor, head FROM kb_terms WHERE token IN (${marks(c.length)})${this.mysql ? ' FOR UPDATE' : ''}`, c)) as Array<{
        token: string;
        head_floor: number | string;
        head: Buffer | null;
      }>;
      const values = rows.map((r) => {
        const h = updateHead({ floor: Number(r.head_floor), entries: decodeHead(r.head) }, add.get(r.token)!, drop);
        return [r.token, 0, h.floor, encodeHead(h.entries)];
      });
      if (values.length) await m.query(`INSERT INTO kb_terms (token, df, head_floor, head) VALUES ${values.map(() => '(?, ?, ?, ?)').join(', ')} ${upsert}`, values.flat());
    }
  }

  /** For each token, the start of its chunk holding `doc` (the last chunk starting at or before it). */
  private async locate(m: Runner, tokens: string[], doc: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const c of batches(tokens)) {
      const rows = (await m.query(`SELECT token, MAX(start) AS s FROM kb_chunks WHERE token IN (${marks(c.length)}) AND start <= ? GROUP BY token`, [...c, doc])) as Array<{
        token: string;
        s: number | string;
      }>;
      for (const r of rows) out.set(r.token, Number(r.s));
    }
    return out;
  }

  /**
   * Chunks, locked: `at` a token's given start, or `from` it on (a token without one: all its chunks).
   */
  private async read(m: Runner, keys: Array<[string, number | undefined]>, mode: 'at' | 'from'): Promise<Map<string, Chunk[]>> {
    const out = new Map<string, Chunk[]>();
    const lock = this.mysql ? ' FOR UPDATE' : '';
    for (const c of batches(keys, 200)) {
      const cond = c.map(([, s]) => (s === undefined ? '(token = ?)' : mode === 'at' ? '(token = ? AND start = ?)' : '(token = ? AND start >= ?)'));
      const params = c.flatMap(([t, s]) => (s === undefined ? [t] : [t, s]));
      const rows = (await m.query(`SELECT token, start, data FROM kb_chunks WHERE ${cond.join(' OR ')} ORDER BY token, start${lock}`, params)) as Array<{
        token: string;
        start: number | string;
        data: Buffer;
      }>;
      for (const r of rows) {
        const list = out.get(r.token) ?? [];
        list.push({ token: r.token, start: Number(r.start), data: r.data });
        out.set(r.token, list);
      }
    }
    return out;
  }

  private async write(m: Runner, chunks: Chunk[]): Promise<void> {
    const upsert = this.mysql ? 'ON DUPLICATE KEY UPDATE data = VALUES(data)' : 'ON CONFLICT (token, start) DO UPDATE SET data = excluded.data';
    chunks.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : a.start - b.start));
    for (let at = 0; at < chunks.length; ) {
      const part: Chunk[] = [];
      let bytes = 0;
      while (at < chunks.length && part.length < BATCH && (bytes += chunks[at]!.data.length + 64) < MAX_STATEMENT_BYTES) part.push(chunks[at++]!);
      if (!part.length) part.push(chunks[at++]!);
      await m.query(`INSERT INTO kb_chunks (token, start, data) VALUES ${part.map(() => '(?, ?, ?)').join(', ')} ${upsert}`, part.flatMap((x) => [x.token, x.start, x.data]));
    }
  }

  private async remove(m: Runner, keys: Array<[string, number]>): Promise<void> {
    for (const c of batches(keys, 200)) await m.query(`DELETE FROM kb_chunks WHERE ${c.map(() => '(token = ? AND start = ?)').join(' OR ')}`, c.flat());
  }
}

/** Postings cut into chunks of at most CHUNK_SIZE. */
function split(ps: Posting[]): Posting[][] {
  const out: Posting[][] = [];
  for (let i = 0; i < ps.length; i += CHUNK_SIZE) out.push(ps.slice(i, i + CHUNK_SIZE));
  return out;
}
