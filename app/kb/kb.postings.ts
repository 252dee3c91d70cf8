// The compact posting format of the search index: a token's postings are stored in chunks of at
// most CHUNK_SIZE documents (rows of kb_chunks), each chunk one byte string of varints, documents
// in ascending doc_id order: the number of documents; for each, the doc_id delta (the first one
// absolute), w (BM25 term weight × 1000) and its number of positions; then all the positions as
// deltas (token positions in the article; CJK bigrams only, for phrases), last so that a query
// that needs none stops before them.
// About 5 bytes a posting instead of a B-tree row (~60 bytes with its secondary index), so the
// whole index of 100,000 articles stays in a default 128 MB InnoDB buffer pool, and a query reads
// a few rows per term instead of one row per matching article.

/** Documents per chunk: small enough to rewrite on every change, large enough to amortise a row. */
export const CHUNK_SIZE = 512;

export interface Posting {
  doc: number;
  w: number;
  /** Ascending token positions (empty when not kept). */
  pos: number[];
}

/**
 * A decoded posting list, column-wise in typed arrays (plain arrays and float varint maths were
 * 5–10× slower): docs[0..n) ascending; the positions of docs[i] are pos[pstart[i]..pstart[i+1]).
 */
export interface PostingList {
  n: number;
  docs: Int32Array;
  ws: Int32Array;
  pstart: Int32Array;
  pos: Int32Array;
  npos: number;
}

export const emptyList = (capacity = 64): PostingList => ({
  n: 0,
  docs: new Int32Array(capacity),
  ws: new Int32Array(capacity),
  pstart: new Int32Array(capacity + 1),
  pos: new Int32Array(0),
  npos: 0,
});

const grow = (a: Int32Array, need: number): Int32Array => {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
};

function put(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** Postings (ascending by doc) as one chunk: the count, then (doc delta, w, position count) each, then all positions. */
export function encodeChunk(ps: Posting[]): Buffer {
  const out: number[] = [];
  put(out, ps.length);
  let prev = 0;
  for (const p of ps) {
    put(out, p.doc - prev);
    prev = p.doc;
    put(out, p.w);
    put(out, p.pos.length);
  }
  for (const p of ps) {
    let last = 0;
    for (const x of p.pos) put(out, x - last), (last = x);
  }
  return Buffer.from(out);
}

/** Appends a chunk's postings to `into` (chunks must come in ascending order); positions only when asked. */
export function decodeChunk(buf: Uint8Array, into: PostingList, withPos = false): PostingList {
  // Varints inlined, with shifts (values below 2^31): this runs once per posting of every query term.
  let i = 0;
  let b = buf[i++]!;
  let n = b & 0x7f;
  for (let shift = 7; b >= 0x80; shift += 7) n |= ((b = buf[i++]!) & 0x7f) << shift;
  const from = into.n;
  const docs = (into.docs = grow(into.docs, from + n));
  const ws = (into.ws = grow(into.ws, from + n));
  const pstart = (into.pstart = grow(into.pstart, from + n + 1));
  let doc = 0;
  let total = 0;
  for (let k = from; k < from + n; k++) {
    b = buf[i++]!;
    let d = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) d |= ((b = buf[i++]!) & 0x7f) << shift;
    doc += d;
    b = buf[i++]!;
    let w = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) w |= ((b = buf[i++]!) & 0x7f) << shift;
    b = buf[i++]!;
    let c = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) c |= ((b = buf[i++]!) & 0x7f) << shift;
    docs[k] = doc;
    ws[k] = w;
    if (withPos) total += c;
    pstart[k + 1] = into.npos + (withPos ? total : 0);
  }
  into.n = from + n;
  if (!withPos || !total) return into;
  const pos = (into.pos = grow(into.pos, into.npos + total));
  for (let k = from; k < from + n; k++) {
    let at = 0;
    for (let j = pstart[k]!; j < pstart[k + 1]!; j++) {
      b = buf[i++]!;
      let d = b & 0x7f;
      for (let shift = 7; b >= 0x80; shift += 7) d |= ((b = buf[i++]!) & 0x7f) << shift;
      pos[j] = at += d;
    }
  }
  into.npos += total;
  return into;
}

/** A chunk as Posting objects (for rewriting it). */
export function chunkPostings(buf: Uint8Array): Posting[] {
  const l = decodeChunk(buf, emptyList(), true);
  return Array.from({ length: l.n }, (_, k) => ({ doc: l.docs[k]!, w: l.ws[k]!, pos: Array.from(l.pos.subarray(l.pstart[k], l.pstart[k + 1])) }));
}

/** Whether the positions of consecutive phrase tokens (one list per token, at index idx[j]) line up somewhere. */
export function adjacent(lists: PostingList[], idx: number[]): boolean {
  const first = lists[0]!;
  for (let a = first.pstart[idx[0]!]!; a < first.pstart[idx[0]! + 1]!; a++) {
    const p = first.pos[a]!;
    let ok = true;
    for (let j = 1; ok && j < lists.length; j++) {
      const l = lists[j]!;
      ok = false;
      for (let b = l.pstart[idx[j]!]!; b < l.pstart[idx[j]! + 1]!; b++) {
        if (l.pos[b] === p + j) {
          ok = true;
          break;
        }
      }
    }
    if (ok) return true;
  }
  return false;
}

/** The union of posting lists as one list (docs ascending, w the largest; no positions). */
export function union(lists: PostingList[]): PostingList {
  if (lists.length === 1) return lists[0]!;
  let max = 0;
  for (const l of lists) if (l.n) max = Math.max(max, l.docs[l.n - 1]!);
  const best = new Int32Array(max + 1).fill(-1);
  let count = 0;
  for (const l of lists) {
    for (let k = 0; k < l.n; k++) {
      const d = l.docs[k]!;
      if (best[d]! < 0) count++;
      if (l.ws[k]! > best[d]!) best[d] = l.ws[k]!;
    }
  }
  const out = emptyList(count);
  for (let d = 0; d <= max; d++) {
    if (best[d]! < 0) continue;
    out.docs[out.n] = d;
    out.ws[out.n++] = best[d]!;
  }
  return out;
}

/**
 * A token's head: every posting with w >= its floor, best first (w, then doc, descending), as
 * (w, doc) varint pairs. A one-word query pages through it without reading the chunks; a
 * removed posting leaves it, so it always holds exactly the postings at or above its floor.
 */
export const HEAD_SIZE = 256;

export interface Head {
  floor: number;
  entries: Array<{ w: number; doc: number }>;
}

const better = (a: { w: number; doc: number }, b: { w: number; doc: number }) => b.w - a.w || b.doc - a.doc;

export function encodeHead(entries: Head['entries']): Buffer {
  const out: number[] = [];
  for (const e of entries) put(out, e.w), put(out, e.doc);
  return Buffer.from(out);
}

export function decodeHead(buf: Uint8Array | null): Head['entries'] {
  const out: Head['entries'] = [];
  if (!buf) return out;
  let i = 0;
  const next = () => {
    let b = buf[i++]!;
    let n = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) n += ((b = buf[i++]!) & 0x7f) * 2 ** shift;
    return n;
  };
  while (i < buf.length) {
    const w = next();
    out.push({ w, doc: next() });
  }
  return out;
}

/** The head after adding postings (those at or above the floor) and dropping docs; trimmed to about HEAD_SIZE. */
export function updateHead(head: Head, add: Array<{ w: number; doc: number }>, drop: Set<number> = new Set()): Head {
  let entries = head.entries.filter((e) => !drop.has(e.doc));
  for (const p of add) if (p.w >= head.floor) entries.push({ w: p.w, doc: p.doc });
  entries.sort(better);
  let floor = head.floor;
  if (entries.length > 2 * HEAD_SIZE) {
    floor = entries[HEAD_SIZE - 1]!.w;
    entries = entries.filter((e) => e.w >= floor);
    if (entries.length > 4 * HEAD_SIZE) (floor += 1), (entries = entries.filter((e) => e.w >= floor)); // one weight shared by very many
  }
  return { floor, entries };
}
