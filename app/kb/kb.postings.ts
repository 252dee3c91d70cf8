// The compact posting format of the search index: a token's postings are stored in chunks of at
// most CHUNK_SIZE documents (rows of kb_chunks), each chunk one byte string of varints, documents
// in ascending doc_id order:
//   doc_id delta (the first one absolute), w (BM25 term weight × 1000), the number of positions,
//   then the positions as deltas (token positions in the article; CJK bigrams only, for phrases).
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

/** A decoded posting list, column-wise: docs ascending; positions of docs[i] are pos[pstart[i]..pstart[i+1]). */
export interface PostingList {
  docs: number[];
  ws: number[];
  pstart: number[];
  pos: number[];
}

export const emptyList = (): PostingList => ({ docs: [], ws: [], pstart: [0], pos: [] });

function put(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** Postings (ascending by doc) as one chunk. */
export function encodeChunk(ps: Posting[]): Buffer {
  const out: number[] = [];
  let prev = 0;
  for (const p of ps) {
    put(out, p.doc - prev);
    prev = p.doc;
    put(out, p.w);
    put(out, p.pos.length);
    let last = 0;
    for (const x of p.pos) put(out, x - last), (last = x);
  }
  return Buffer.from(out);
}

/** Appends a chunk's postings to `into` (chunks must come in ascending order); positions only when asked. */
export function decodeChunk(buf: Uint8Array, into: PostingList, withPos = false): PostingList {
  let i = 0;
  const next = () => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
  };
  let doc = 0;
  while (i < buf.length) {
    doc += next();
    into.docs.push(doc);
    into.ws.push(next());
    const n = next();
    let at = 0;
    for (let k = 0; k < n; k++) {
      at += next();
      if (withPos) into.pos.push(at);
    }
    into.pstart.push(into.pos.length);
  }
  return into;
}

/** A chunk as Posting objects (for rewriting it). */
export function chunkPostings(buf: Uint8Array): Posting[] {
  const l = decodeChunk(buf, emptyList(), true);
  return l.docs.map((doc, k) => ({ doc, w: l.ws[k]!, pos: l.pos.slice(l.pstart[k], l.pstart[k + 1]) }));
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
  for (const l of lists) if (l.docs.length) max = Math.max(max, l.docs[l.docs.length - 1]!);
  const best = new Int32Array(max + 1).fill(-1);
  for (const l of lists) for (let k = 0; k < l.docs.length; k++) if (l.ws[k]! > best[l.docs[k]!]!) best[l.docs[k]!] = l.ws[k]!;
  const out = emptyList();
  for (let d = 0; d <= max; d++) {
    if (best[d]! < 0) continue;
    out.docs.push(d);
    out.ws.push(best[d]!);
    out.pstart.push(0);
  }
  return out;
}
