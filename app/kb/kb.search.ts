// The full-text index of published articles: our own inverted index in two plain tables, the
// same SQL on SQLite, MariaDB and MySQL (no FTS engine, no server plugin).
//   kb_search   one row per published article (doc_id, filters, its distinct tokens)
//   kb_search_text  its normalised text, to check CJK phrases verbatim
//   kb_terms    token -> document frequency (df); the row with token '' holds N, the doc count
//   kb_postings (token, doc_id) -> w, the token's BM25 term weight in that document
//               (tf saturated with k1 = 1.2 and length-normalised with b = 0.75, × 1000, title
//               tokens counted three times), indexed (token, w, doc_id): "impact-ordered".
// Query: every term must match. score = Σ idf(t) · w(t, d), idf = ln(1 + (N − df + .5)/(df + .5)).
//  - one word, no filter: the best documents are read straight off the index in w order
//    (O(limit)), and the total is the term's df — fast even for a word in every article;
//  - several terms: the rarest term drives, the others are primary-key lookups per candidate,
//    and one pass with COUNT(*) OVER () gives the page and the total;
//  - a CJK phrase (3+ characters) is the AND of its bigrams, then checked verbatim against
//    the indexed text (kb_search_text); a single CJK character matches every token starting with it.
// Ties break on doc_id so that pages never overlap.
import type { DataSource, EntityManager } from 'typeorm';
import { encodeToken, normalize, tokenize, type ParsedQuery } from './kb.text.js';

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

type Runner = Pick<EntityManager, 'query'>;

const K1 = 1.2;
const B = 0.75;
/** A fixed average document length (in tokens) for the length normalisation. */
const AVG_LEN = 120;
const TITLE_WEIGHT = 3;
const CHUNK = 500;
const N_ROW = '';

const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const marks = (n: number) => Array(n).fill('?').join(', ');

/** Term weights of a document: token -> round(1000 · BM25 tf part). */
export function weigh(doc: Pick<SearchDoc, 'title' | 'body'>): Map<string, number> {
  const tf = new Map<string, number>();
  let len = 0;
  for (const t of tokenize(doc.title)) tf.set(t, (tf.get(t) ?? 0) + TITLE_WEIGHT), (len += TITLE_WEIGHT);
  for (const t of tokenize(doc.body)) tf.set(t, (tf.get(t) ?? 0) + 1), len++;
  const norm = K1 * (1 - B + (B * len) / AVG_LEN);
  const out = new Map<string, number>();
  for (const [t, f] of tf) out.set(encodeToken(t), Math.max(1, Math.round((1000 * f * (K1 + 1)) / (f + norm))));
  return out;
}

export class SearchIndex {
  private readonly mysql: boolean;

  constructor(private readonly db: DataSource) {
    this.mysql = db.options.type !== 'better-sqlite3';
  }

  /** Writes (or replaces) an article's entry, inside the caller's transaction. */
  put(m: Runner, doc: SearchDoc): Promise<void> {
    return this.putMany(m, [doc]);
  }

  /** Writes many entries at once (bulk loads): one df update per distinct token. */
  async putMany(m: Runner, docs: SearchDoc[]): Promise<void> {
    for (const d of docs) await this.remove(m, d.articleId);
    const df = new Map<string, number>();
    const postings: unknown[][] = [];
    for (const d of docs) {
      const weights = weigh(d);
      const tokens = [...weights.keys()].sort();
      await m.query('INSERT INTO kb_search (article_id, category_id, faq, tokens) VALUES (?, ?, ?, ?)', [d.articleId, d.categoryId, d.faq ? 1 : 0, tokens.join(' ')]);
      const [row] = (await m.query('SELECT doc_id FROM kb_search WHERE article_id = ?', [d.articleId])) as Array<{ doc_id: number }>;
      await m.query('INSERT INTO kb_search_text (doc_id, text) VALUES (?, ?)', [row!.doc_id, normalize(`${d.title}\n${d.body}`)]);
      for (const t of tokens) {
        postings.push([t, row!.doc_id, weights.get(t)]);
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
    postings.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0)); // B-tree locality
    for (const c of chunks(postings)) await m.query(`INSERT INTO kb_postings (token, doc_id, w) VALUES ${c.map(() => '(?, ?, ?)').join(', ')}`, c.flat());
    await this.addDf(m, [...df.entries(), [N_ROW, docs.length]]);
  }

  async remove(m: Runner, articleId: string): Promise<void> {
    const [old] = (await m.query('SELECT doc_id, tokens FROM kb_search WHERE article_id = ?', [articleId])) as Array<{ doc_id: number; tokens: string }>;
    if (!old) return;
    const tokens = old.tokens ? old.tokens.split(' ') : [];
    for (const c of chunks(tokens)) await m.query(`DELETE FROM kb_postings WHERE doc_id = ? AND token IN (${marks(c.length)})`, [old.doc_id, ...c]);
    await this.addDf(m, [...tokens.map((t) => [t, -1] as [string, number]), [N_ROW, -1]]);
    await m.query('DELETE FROM kb_search_text WHERE doc_id = ?', [old.doc_id]);
    await m.query('DELETE FROM kb_search WHERE doc_id = ?', [old.doc_id]);
  }

  /** df += delta, in token order (a fixed lock order, so concurrent writers do not deadlock). */
  private async addDf(m: Runner, deltas: Array<[string, number]>): Promise<void> {
    const sorted = deltas.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const upsert = this.mysql ? 'ON DUPLICATE KEY UPDATE df = df + VALUES(df)' : 'ON CONFLICT (token) DO UPDATE SET df = df + excluded.df';
    for (const c of chunks(sorted)) await m.query(`INSERT INTO kb_terms (token, df) VALUES ${c.map(() => '(?, ?)').join(', ')} ${upsert}`, c.flat());
  }

  async search(q: ParsedQuery, filter: SearchFilter, page: { limit: number; offset: number }): Promise<{ total: number; hits: SearchHit[] }> {
    const none = { total: 0, hits: [] };
    const words = [...new Set(q.terms.flatMap((t) => (t.kind === 'word' ? [t.token] : t.kind === 'phrase' ? t.tokens : [])))];
    const prefixes = q.terms.flatMap((t) => (t.kind === 'prefix' ? [t.token] : []));
    const phrases = q.cjk.filter((s) => [...s].length >= 3);
    if (!words.length && !prefixes.length) return none;
    const df = await this.dfOf([N_ROW, ...words]);
    const n = Math.max(1, df.get(N_ROW) ?? 0);
    if (words.some((w) => !df.get(w))) return none;
    const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
    const prefixSets: string[][] = [];
    for (const p of prefixes) {
      const rows = (await this.db.query('SELECT token FROM kb_terms WHERE token >= ? AND token < ? ORDER BY df DESC LIMIT 1000', [p, `${p}g`])) as Array<{ token: string }>;
      if (!rows.length) return none;
      prefixSets.push(rows.map((r) => r.token));
    }
    const plain = filter.faq === undefined && !filter.categoryIds && !phrases.length && !prefixes.length;
    if (words.length === 1 && plain) return this.single(words[0]!, df.get(words[0]!)!, idf(words[0]!), page);

    // The rarest word drives; each other word is a primary-key lookup; prefixes are EXISTS.
    const joins: string[] = [];
    const where: string[] = [];
    const params: unknown[] = [];
    let source: string;
    let score: string;
    if (words.length) {
      const [driver, ...rest] = [...words].sort((a, b) => df.get(a)! - df.get(b)!);
      source = 'kb_postings p0';
      where.push('p0.token = ?');
      const parts = [`p0.w * ${idf(driver!).toFixed(6)}`];
      rest.forEach((t, i) => {
        joins.push(`JOIN kb_postings p${i + 1} ON p${i + 1}.token = ? AND p${i + 1}.doc_id = p0.doc_id`);
        parts.push(`p${i + 1}.w * ${idf(t).toFixed(6)}`);
      });
      params.push(...rest, driver);
      score = parts.join(' + ');
    } else {
      const first = prefixSets.shift()!;
      source = `(SELECT doc_id, MAX(w) AS w FROM kb_postings WHERE token IN (${marks(first.length)}) GROUP BY doc_id) p0`;
      params.unshift(...first);
      score = 'p0.w';
    }
    for (const set of prefixSets) {
      where.push(`EXISTS (SELECT 1 FROM kb_postings x WHERE x.token IN (${marks(set.length)}) AND x.doc_id = p0.doc_id)`);
      params.push(...set);
    }
    const filtered = filter.faq !== undefined || filter.categoryIds !== undefined;
    if (filtered) joins.push('JOIN kb_search s ON s.doc_id = p0.doc_id');
    if (filter.faq !== undefined) where.push('s.faq = ?'), params.push(filter.faq ? 1 : 0);
    if (filter.categoryIds) {
      if (!filter.categoryIds.length) return none;
      where.push(`s.category_id IN (${marks(filter.categoryIds.length)})`);
      params.push(...filter.categoryIds);
    }
    if (phrases.length) {
      joins.push('JOIN kb_search_text t ON t.doc_id = p0.doc_id');
      for (const p of phrases) {
        where.push(`t.text LIKE ? ESCAPE '!'`);
        params.push(`%${p.replace(/[!%_]/g, '!$&')}%`);
      }
    }
    // Parameters in the order they appear: the source, joins (other words), then WHERE.
    const from = `FROM ${source} ${joins.join(' ')} WHERE ${where.length ? where.join(' AND ') : '1 = 1'}`;
    // One pass for the page and the total; kb_search only for the page's article ids.
    const rows = (await this.db.query(
      `SELECT s.article_id, r.score, r.total FROM (SELECT ${this.mysql ? 'STRAIGHT_JOIN ' : ''}p0.doc_id, ${score} AS score, COUNT(*) OVER () AS total ${from} ORDER BY score DESC, p0.doc_id DESC LIMIT ? OFFSET ?) r JOIN kb_search s ON s.doc_id = r.doc_id ORDER BY r.score DESC, r.doc_id DESC`,
      [...params, page.limit, page.offset],
    )) as Array<{ article_id: string; score: number; total: number | string }>;
    let total = rows.length ? Number(rows[0]!.total) : 0;
    if (!rows.length && page.offset > 0) {
      const [c] = (await this.db.query(`SELECT COUNT(*) AS n ${from}`, params)) as Array<{ n: number | string }>;
      total = Number(c?.n ?? 0);
    }
    return { total, hits: rows.map((r) => ({ articleId: r.article_id, score: round(Number(r.score) / 1000) })) };
  }

  /** One word, no filter: the top of the (token, w, doc_id) index, and df as the total. */
  private async single(token: string, total: number, idf: number, page: { limit: number; offset: number }) {
    const rows = (await this.db.query(
      // MariaDB otherwise may scan kb_search and sort (seen: 175 ms at p95 instead of a few ms).
      `SELECT ${this.mysql ? 'STRAIGHT_JOIN ' : ''}s.article_id, p.w FROM kb_postings p ${this.mysql ? 'FORCE INDEX (idx_kb_postings_rank) ' : ''}JOIN kb_search s ON s.doc_id = p.doc_id WHERE p.token = ? ORDER BY p.w DESC, p.doc_id DESC LIMIT ? OFFSET ?`,
      [token, page.limit, page.offset],
    )) as Array<{ article_id: string; w: number }>;
    return { total, hits: rows.map((r) => ({ articleId: r.article_id, score: round((Number(r.w) * idf) / 1000) })) };
  }

  private async dfOf(tokens: string[]): Promise<Map<string, number>> {
    const rows = (await this.db.query(`SELECT token, df FROM kb_terms WHERE token IN (${marks(tokens.length)})`, tokens)) as Array<{ token: string; df: number | string }>;
    return new Map(rows.map((r) => [r.token, Number(r.df)]));
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function createSearchIndex(db: DataSource): SearchIndex {
  return new SearchIndex(db);
}
