// The full-text index of published articles: our own inverted index in plain tables, the same
// SQL on SQLite, MariaDB and MySQL (no FTS engine, no server plugin).
//   kb_search        one row per published article: doc_id <-> article_id (and its filters)
//   kb_search_tokens a document's tokens, to take it out of the index again
//   kb_terms         token -> document frequency (df), and its head (below); the row with token '' holds N
//   kb_chunks        (token, start) -> up to 512 postings packed in one blob (kb.postings.ts):
//                    doc_id, w = the token's BM25 term weight in the document (tf saturated with
//                    k1 = 1.2, length-normalised with b = 0.75, × 1000, title tokens counted three
//                    times), and for CJK bigrams their positions.
// Filters are postings too: token 'f1' / 'f0' (FAQ or not), 'c' + category id.
// Query: every term must match. score = Σ idf(t) · w(t, d), idf = ln(1 + (N − df + .5)/(df + .5)).
// One word without filters pages through the token's head (kb_terms.head: its best postings,
// w >= head_floor) when it reaches far enough: no chunk is read.
// Otherwise the chunks of the query's tokens are read in one statement (a few rows per token: ~190 for a
// token in every one of 100,000 articles), and intersected, checked and ranked here: the rarest
// list drives, a CJK phrase (3+ characters) is the AND of its bigrams at consecutive positions,
// a single CJK character matches every token starting with it (the union of their lists), the
// best `offset + limit` are kept in a heap and the total is the number of matches.
// Ties break on doc_id (descending) so that pages never overlap.
import type { DataSource } from 'typeorm';
import { N_ROW, IndexWriter, batches, marks, type Runner } from './kb.index-write.js';
import { adjacent, decodeChunk, decodeHead, emptyList, union, type Posting, type PostingList } from './kb.postings.js';
import { encodeToken, isCjk, tokenize, type ParsedQuery } from './kb.text.js';

export interface SearchDoc {
  articleId: string;
  categoryId: string | null;
  faq: boolean;
  title: string;
  /** Body and tags: everything else that is searchable. */
  body: string;
}

export interface SearchFilter {
  /** Only these categories (a category and its descendants); undefined: all. */
  categoryIds?: string[];
  faq?: boolean;
}

export interface SearchHit {
  articleId: string;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
/** A fixed average document length (in tokens) for the length normalisation. */
const AVG_LEN = 120;
const TITLE_WEIGHT = 3;
const faqToken = (faq: boolean) => (faq ? 'f1' : 'f0');
const categoryToken = (id: string) => `c${id}`;

/** A document's postings: token -> w = round(1000 · BM25 tf part), and positions for CJK bigrams. */
export function analyse(doc: Pick<SearchDoc, 'title' | 'body'>): Map<string, { w: number; pos: number[] }> {
  const tf = new Map<string, { f: number; pos: number[] }>();
  let len = 0;
  let at = 0;
  const see = (t: string, weight: number) => {
    const e = tf.get(t) ?? { f: 0, pos: [] };
    e.f += weight;
    if ([...t].length === 2 && isCjk(t)) e.pos.push(at);
    at++;
    len += weight;
    tf.set(t, e);
  };
  for (const t of tokenize(doc.title)) see(t, TITLE_WEIGHT);
  for (const t of tokenize(doc.body)) see(t, 1);
  const norm = K1 * (1 - B + (B * len) / AVG_LEN);
  const out = new Map<string, { w: number; pos: number[] }>();
  for (const [t, { f, pos }] of tf) out.set(encodeToken(t), { w: Math.max(1, Math.round((1000 * f * (K1 + 1)) / (f + norm))), pos });
  return out;
}

/** Term weights of a document: token -> round(1000 · BM25 tf part). */
export const weigh = (doc: Pick<SearchDoc, 'title' | 'body'>): Map<string, number> => new Map([...analyse(doc)].map(([t, e]) => [t, e.w]));

/** A required term of a query: its posting list, its idf when it scores, phrase membership. */
interface Need {
  list: PostingList;
  idf: number;
}

export class SearchIndex {
  private readonly mysql: boolean;
  private readonly writer: IndexWriter;

  constructor(private readonly db: DataSource) {
    this.mysql = db.options.type !== 'better-sqlite3';
    this.writer = new IndexWriter(this.mysql);
  }

  /** Writes (or replaces) an article's entry, inside the caller's transaction. */
  put(m: Runner, doc: SearchDoc): Promise<void> {
    return this.putMany(m, [doc]);
  }

  /** Writes many entries at once (bulk loads): one df update per distinct token, each chunk rewritten once. */
  async putMany(m: Runner, docs: SearchDoc[]): Promise<void> {
    for (const d of docs) await this.remove(m, d.articleId);
    if (!docs.length) return;
    await m.query(`INSERT INTO kb_search (article_id, category_id, faq) VALUES ${docs.map(() => '(?, ?, ?)').join(', ')}`, docs.flatMap((d) => [d.articleId, d.categoryId, d.faq ? 1 : 0]));
    const ids = new Map<string, number>();
    for (const c of batches(docs)) {
      const rows = (await m.query(`SELECT doc_id, article_id FROM kb_search WHERE article_id IN (${marks(c.length)})`, c.map((d) => d.articleId))) as Array<{ doc_id: number | string; article_id: string }>;
      for (const r of rows) ids.set(r.article_id, Number(r.doc_id));
    }
    const postings = new Map<string, Posting[]>();
    const df = new Map<string, number>();
    const lists: unknown[][] = [];
    for (const d of [...docs].sort((a, b) => ids.get(a.articleId)! - ids.get(b.articleId)!)) {
      const doc = ids.get(d.articleId)!;
      const entries = analyse(d);
      entries.set(faqToken(d.faq), { w: 1, pos: [] });
      if (d.categoryId) entries.set(categoryToken(d.categoryId), { w: 1, pos: [] });
      for (const [t, e] of entries) {
        const list = postings.get(t) ?? [];
        list.push({ doc, w: e.w, pos: e.pos });
        postings.set(t, list);
        df.set(t, (df.get(t) ?? 0) + 1);
      }
      lists.push([doc, [...entries.keys()].sort().join(' ')]);
    }
    for (const c of batches(lists)) await m.query(`INSERT INTO kb_search_tokens (doc_id, tokens) VALUES ${c.map(() => '(?, ?)').join(', ')}`, c.flat());
    await this.writer.addDf(m, [...df.entries(), [N_ROW, docs.length]]);
    await this.writer.add(m, postings);
  }

  async remove(m: Runner, articleId: string): Promise<void> {
    const [old] = (await m.query('SELECT s.doc_id, t.tokens FROM kb_search s LEFT JOIN kb_search_tokens t ON t.doc_id = s.doc_id WHERE s.article_id = ?', [articleId])) as Array<{
      doc_id: number | string;
      tokens: string | null;
    }>;
    if (!old) return;
    const doc = Number(old.doc_id);
    const tokens = old.tokens ? old.tokens.split(' ') : [];
    await this.writer.addDf(m, [...tokens.map((t) => [t, -1] as [string, number]), [N_ROW, -1]]);
    await this.writer.drop(m, doc, tokens);
    await m.query('DELETE FROM kb_search_tokens WHERE doc_id = ?', [doc]);
    await m.query('DELETE FROM kb_search WHERE doc_id = ?', [doc]);
  }

  async search(q: ParsedQuery, filter: SearchFilter, page: { limit: number; offset: number }): Promise<{ total: number; hits: SearchHit[] }> {
    const none = { total: 0, hits: [] };
    const words = [...new Set(q.terms.flatMap((t) => (t.kind === 'word' ? [t.token] : t.kind === 'phrase' ? t.tokens : [])))];
    const prefixes = q.terms.flatMap((t) => (t.kind === 'prefix' ? [t.token] : []));
    const phrases = q.terms.flatMap((t) => (t.kind === 'phrase' ? [t.tokens] : []));
    if (!words.length && !prefixes.length) return none;
    if (filter.categoryIds && !filter.categoryIds.length) return none;
    const { df, heads } = await this.terms([N_ROW, ...words]);
    if (words.some((w) => !df.get(w))) return none;
    const n = Math.max(1, df.get(N_ROW) ?? 0);
    const idf = (t: string) => Math.log(1 + (n - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
    const prefixSets: string[][] = [];
    for (const p of prefixes) {
      const rows = (await this.db.query('SELECT token FROM kb_terms WHERE token >= ? AND token < ? ORDER BY df DESC LIMIT 1000', [p, `${p}g`])) as Array<{ token: string }>;
      if (!rows.length) return none;
      prefixSets.push(rows.map((r) => r.token));
    }
    const head = heads.get(words[0]!);
    if (words.length === 1 && !prefixes.length && !phrases.length && filter.faq === undefined && !filter.categoryIds && head) {
      // One word: its head holds every posting at or above its floor, best first.
      const entries = decodeHead(head.data);
      if (head.floor === 0 || entries.length >= page.offset + page.limit) {
        const f = idf(words[0]!);
        return { total: df.get(words[0]!)!, hits: await this.articles(entries.slice(page.offset, page.offset + page.limit).map((e) => ({ doc: e.doc, score: e.w * f }))) };
      }
    }
    const filters: string[][] = [];
    if (filter.faq !== undefined) filters.push([faqToken(filter.faq)]);
    if (filter.categoryIds) filters.push(filter.categoryIds.map(categoryToken));

    const inPhrase = new Set(phrases.flat());
    const lists = await this.lists([...words, ...prefixSets.flat(), ...filters.flat()], inPhrase);
    const get = (t: string) => lists.get(t) ?? emptyList();
    // Words score; a prefix or filter only narrows (unless there are no words: then the first prefix scores).
    const needs: Need[] = words.map((t) => ({ list: get(t), idf: idf(t) }));
    prefixSets.forEach((set, i) => needs.push({ list: union(set.map(get)), idf: !words.length && i === 0 ? 1 : 0 }));
    for (const f of filters) needs.push({ list: union(f.map(get)), idf: 0 });
    const phraseNeeds = phrases.map((p) => p.map((t) => needs[words.indexOf(t)]!));
    return this.rank(needs, phraseNeeds, page);
  }

  /** Intersects the lists (the shortest drives), checks phrases, keeps the best offset + limit. */
  private async rank(needs: Need[], phrases: Need[][], page: { limit: number; offset: number }): Promise<{ total: number; hits: SearchHit[] }> {
    const order = [...needs].sort((a, b) => a.list.n - b.list.n);
    const lists = order.map((x) => x.list);
    const idfs = order.map((x) => x.idf);
    const at = new Int32Array(order.length); // each list's index of the current document
    const phraseLists = phrases.map((p) => p.map((x) => x.list));
    const phraseSlots = phrases.map((p) => p.map((x) => order.indexOf(x)));
    const phraseAt = phrases.map((p) => new Array<number>(p.length).fill(0));
    const top = new TopK(page.offset + page.limit);
    let total = 0;
    const d0 = lists[0]!;
    next: for (let k = 0; k < d0.n; k++) {
      const doc = d0.docs[k]!;
      let score = idfs[0]! * d0.ws[k]!;
      at[0] = k;
      for (let j = 1; j < lists.length; j++) {
        const l = lists[j]!;
        let i = at[j]!;
        while (i < l.n && l.docs[i]! < doc) i++;
        at[j] = i;
        if (i === l.n) break next;
        if (l.docs[i] !== doc) continue next;
        score += idfs[j]! * l.ws[i]!;
      }
      for (let p = 0; p < phrases.length; p++) {
        const slots = phraseSlots[p]!;
        const idx = phraseAt[p]!;
        for (let j = 0; j < slots.length; j++) idx[j] = at[slots[j]!]!;
        if (!adjacent(phraseLists[p]!, idx)) continue next;
      }
      total++;
      top.offer(score, doc);
    }
    return { total, hits: await this.articles(top.sorted().slice(page.offset)) };
  }

  /** The article ids of ranked documents. */
  private async articles(best: Array<{ doc: number; score: number }>): Promise<SearchHit[]> {
    if (!best.length) return [];
    const rows = (await this.db.query(`SELECT doc_id, article_id FROM kb_search WHERE doc_id IN (${marks(best.length)})`, best.map((b) => b.doc))) as Array<{ doc_id: number | string; article_id: string }>;
    const article = new Map(rows.map((r) => [Number(r.doc_id), r.article_id]));
    return best.flatMap((b) => (article.has(b.doc) ? [{ articleId: article.get(b.doc)!, score: round(b.score / 1000) }] : []));
  }

  /** The posting lists of these tokens, all chunks in one statement per 500 tokens. */
  private async lists(tokens: string[], withPos: Set<string>): Promise<Map<string, PostingList>> {
    const out = new Map<string, PostingList>();
    for (const c of batches([...new Set(tokens)].sort())) {
      const rows = (await this.db.query(`SELECT token, data FROM kb_chunks WHERE token IN (${marks(c.length)}) ORDER BY token, start`, c)) as Array<{ token: string; data: Uint8Array }>;
      for (const r of rows) {
        let l = out.get(r.token);
        if (!l) out.set(r.token, (l = emptyList()));
        decodeChunk(r.data, l, withPos.has(r.token));
      }
    }
    return out;
  }

  /** Document frequencies, and the heads of word tokens. */
  private async terms(tokens: string[]): Promise<{ df: Map<string, number>; heads: Map<string, { floor: number; data: Uint8Array | null }> }> {
    const rows = (await this.db.query(`SELECT token, df, head_floor, head FROM kb_terms WHERE token IN (${marks(tokens.length)})`, tokens)) as Array<{
      token: string;
      df: number | string;
      head_floor: number | string;
      head: Uint8Array | null;
    }>;
    return { df: new Map(rows.map((r) => [r.token, Number(r.df)])), heads: new Map(rows.map((r) => [r.token, { floor: Number(r.head_floor), data: r.head }])) };
  }
}

/** The k best (score descending, then doc descending), in a min-heap of the worst kept. */
class TopK {
  private readonly heap: Array<{ score: number; doc: number }> = [];

  constructor(private readonly k: number) {}

  private static worse(a: { score: number; doc: number }, b: { score: number; doc: number }) {
    return a.score < b.score || (a.score === b.score && a.doc < b.doc);
  }

  offer(score: number, doc: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push({ score, doc });
      for (let i = h.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!TopK.worse(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
      return;
    }
    if (!h.length || !TopK.worse(h[0]!, { score, doc })) return;
    h[0] = { score, doc };
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && TopK.worse(h[l]!, h[m]!)) m = l;
      if (r < h.length && TopK.worse(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  sorted(): Array<{ score: number; doc: number }> {
    return [...this.heap].sort((a, b) => (TopK.worse(a, b) ? 1 : TopK.worse(b, a) ? -1 : 0));
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function createSearchIndex(db: DataSource): SearchIndex {
  return new SearchIndex(db);
}
