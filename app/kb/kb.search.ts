// The full-text index of published articles, one implementation per database family, both
// fed the same encoded tokens (kb.text.ts) and the same parsed query:
//  - SQLite: FTS5 table kb_fts(title, body), rowid = kb_search.doc_id, ranked by bm25 with
//    the title weighted 4:1.
//  - MariaDB/MySQL: kb_search.tokens with an InnoDB FULLTEXT index, boolean mode, ranked by
//    InnoDB's relevance (tf-idf); the title's tokens are written twice to weigh more.
// Every term must match: a word is a token, a CJK phrase is consecutive bigrams, a single
// CJK character is a prefix. Tie-break on doc_id so that pages never overlap.
import type { DataSource, EntityManager } from 'typeorm';
import { indexText, type ParsedQuery } from './kb.text.js';

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

export interface SearchIndex {
  /** Writes (or replaces) an article's entry, inside the caller's transaction. */
  put(m: Runner, doc: SearchDoc): Promise<void>;
  remove(m: Runner, articleId: string): Promise<void>;
  search(q: ParsedQuery, filter: SearchFilter, page: { limit: number; offset: number }): Promise<{ total: number; hits: SearchHit[] }>;
}

function filters(filter: SearchFilter, alias: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.faq !== undefined) {
    parts.push(`${alias}.faq = ?`);
    params.push(filter.faq ? 1 : 0);
  }
  if (filter.categoryIds) {
    if (filter.categoryIds.length === 0) parts.push('1 = 0');
    else {
      parts.push(`${alias}.category_id IN (${filter.categoryIds.map(() => '?').join(', ')})`);
      params.push(...filter.categoryIds);
    }
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

export class SqliteSearchIndex implements SearchIndex {
  constructor(private readonly db: DataSource) {}

  async put(m: Runner, doc: SearchDoc): Promise<void> {
    await this.remove(m, doc.articleId);
    await m.query('INSERT INTO kb_search (article_id, category_id, faq) VALUES (?, ?, ?)', [doc.articleId, doc.categoryId, doc.faq ? 1 : 0]);
    const [row] = (await m.query('SELECT doc_id FROM kb_search WHERE article_id = ?', [doc.articleId])) as Array<{ doc_id: number }>;
    await m.query('INSERT INTO kb_fts (rowid, title, body) VALUES (?, ?, ?)', [row!.doc_id, indexText(doc.title), indexText(doc.body)]);
  }

  async remove(m: Runner, articleId: string): Promise<void> {
    const rows = (await m.query('SELECT doc_id FROM kb_search WHERE article_id = ?', [articleId])) as Array<{ doc_id: number }>;
    for (const r of rows) await m.query('DELETE FROM kb_fts WHERE rowid = ?', [r.doc_id]);
    await m.query('DELETE FROM kb_search WHERE article_id = ?', [articleId]);
  }

  static match(q: ParsedQuery): string {
    return q.terms.map((t) => (t.kind === 'word' ? t.token : t.kind === 'prefix' ? `${t.token}*` : `"${t.tokens.join(' ')}"`)).join(' AND ');
  }

  async search(q: ParsedQuery, filter: SearchFilter, page: { limit: number; offset: number }) {
    if (q.terms.length === 0) return { total: 0, hits: [] };
    const f = filters(filter, 's');
    const from = `FROM kb_fts JOIN kb_search s ON s.doc_id = kb_fts.rowid WHERE kb_fts MATCH ?${f.sql}`;
    const params = [SqliteSearchIndex.match(q), ...f.params];
    const [count] = (await this.db.query(`SELECT COUNT(*) AS n ${from}`, params)) as Array<{ n: number }>;
    const total = Number(count?.n ?? 0);
    if (total === 0 || page.offset >= total) return { total, hits: [] };
    const rows = (await this.db.query(`SELECT s.article_id, bm25(kb_fts, 4.0, 1.0) AS rank ${from} ORDER BY rank, s.doc_id LIMIT ? OFFSET ?`, [
      ...params,
      page.limit,
      page.offset,
    ])) as Array<{ article_id: string; rank: number }>;
    return { total, hits: rows.map((r) => ({ articleId: r.article_id, score: round(-r.rank) })) };
  }
}

export class MysqlSearchIndex implements SearchIndex {
  constructor(private readonly db: DataSource) {}

  async put(m: Runner, doc: SearchDoc): Promise<void> {
    const title = indexText(doc.title);
    const tokens = `${title} ${title} ${indexText(doc.body)}`;
    await m.query(
      'INSERT INTO kb_search (article_id, category_id, faq, tokens) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE category_id = VALUES(category_id), faq = VALUES(faq), tokens = VALUES(tokens)',
      [doc.articleId, doc.categoryId, doc.faq ? 1 : 0, tokens],
    );
  }

  async remove(m: Runner, articleId: string): Promise<void> {
    await m.query('DELETE FROM kb_search WHERE article_id = ?', [articleId]);
  }

  static against(q: ParsedQuery): string {
    return q.terms.map((t) => (t.kind === 'word' ? `+${t.token}` : t.kind === 'prefix' ? `+${t.token}*` : `+"${t.tokens.join(' ')}"`)).join(' ');
  }

  async search(q: ParsedQuery, filter: SearchFilter, page: { limit: number; offset: number }) {
    if (q.terms.length === 0) return { total: 0, hits: [] };
    const f = filters(filter, 's');
    const against = MysqlSearchIndex.against(q);
    const where = `WHERE MATCH(s.tokens) AGAINST (? IN BOOLEAN MODE)${f.sql}`;
    const [count] = (await this.db.query(`SELECT COUNT(*) AS n FROM kb_search s ${where}`, [against, ...f.params])) as Array<{ n: number | string }>;
    const total = Number(count?.n ?? 0);
    if (total === 0 || page.offset >= total) return { total, hits: [] };
    const rows = (await this.db.query(
      `SELECT s.article_id, MATCH(s.tokens) AGAINST (? IN BOOLEAN MODE) AS score FROM kb_search s ${where} ORDER BY score DESC, s.doc_id LIMIT ? OFFSET ?`,
      [against, against, ...f.params, page.limit, page.offset],
    )) as Array<{ article_id: string; score: number }>;
    return { total, hits: rows.map((r) => ({ articleId: r.article_id, score: round(Number(r.score)) })) };
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function createSearchIndex(db: DataSource): SearchIndex {
  return db.options.type === 'better-sqlite3' ? new SqliteSearchIndex(db) : new MysqlSearchIndex(db);
}
