import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { publishedDocs, reindexPublished } from '../../kb/kb.reindex.js';
import { weigh } from '../../kb/kb.search.js';
import { normalize } from '../../kb/kb.text.js';

/**
 * The knowledge-base search index packs each token's postings into chunks (kb_chunks, see
 * app/kb/kb.postings.ts) instead of one B-tree row per (token, article) plus a second index:
 * ~10× smaller, so it stays in a default 128 MB InnoDB buffer pool. Filters become postings and
 * CJK phrases are checked by position, so kb_search loses its wide columns and kb_search_text
 * goes. The old index tables are dropped and the index is rebuilt from the published versions.
 */
export class KbChunks1764520000000 implements MigrationInterface {
  name = 'KbChunks1764520000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    for (const t of ['kb_postings', 'kb_terms', 'kb_search_text', 'kb_search']) await q.dropTable(t);
    // Tokens: 't' + hex of up to 40 characters (160 bytes of UTF-8), or 'c' + category id, 'f0' / 'f1'.
    const token = { name: 'token', type: 'varchar', length: '400', isPrimary: true, ...(sqlite ? {} : { charset: 'ascii', collation: 'ascii_bin' }) };
    const docId = { name: 'doc_id', type: sqlite ? 'integer' : 'bigint', isPrimary: true };
    await q.createTable(
      new Table({
        name: 'kb_search',
        columns: [
          { ...docId, isGenerated: true, generationStrategy: 'increment' },
          { name: 'article_id', type: 'varchar', length: '36', isUnique: true },
          { name: 'category_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'faq', type: 'boolean', default: false },
        ],
      }),
    );
    await q.createTable(new Table({ name: 'kb_search_tokens', columns: [docId, { name: 'tokens', type: sqlite ? 'text' : 'mediumtext' }] }));
    // head: the token's best postings (w >= head_floor), so a one-word query reads no chunk.
    const head = [{ name: 'head_floor', type: 'int', default: 0 }, { name: 'head', type: sqlite ? 'blob' : 'mediumblob', isNullable: true }];
    await q.createTable(new Table({ name: 'kb_terms', withoutRowid: sqlite, columns: [token, { name: 'df', type: 'int' }, ...head] }));
    await q.createTable(
      new Table({
        name: 'kb_chunks',
        withoutRowid: sqlite, // clustered by (token, start) like InnoDB
        columns: [token, { name: 'start', type: sqlite ? 'integer' : 'bigint', isPrimary: true }, { name: 'data', type: sqlite ? 'blob' : 'mediumblob' }],
      }),
    );
    await reindexPublished(q);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to the tables of Kb1764100000000, filled again.
    const sqlite = q.connection.options.type === 'better-sqlite3';
    for (const t of ['kb_chunks', 'kb_terms', 'kb_search_tokens', 'kb_search']) await q.dropTable(t);
    const token = { name: 'token', type: 'varchar', length: '100', ...(sqlite ? {} : { charset: 'ascii', collation: 'ascii_bin' }) };
    const docId = { name: 'doc_id', type: sqlite ? 'integer' : 'bigint' };
    const text = sqlite ? 'text' : 'mediumtext';
    await q.query(`CREATE TABLE kb_search (doc_id ${sqlite ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'bigint NOT NULL AUTO_INCREMENT PRIMARY KEY'}, article_id varchar(36) NOT NULL UNIQUE, category_id varchar(36) NULL, faq boolean NOT NULL DEFAULT 0, tokens ${text} NOT NULL)`);
    await q.query('CREATE INDEX idx_kb_search_category ON kb_search (category_id)');
    await q.createTable(new Table({ name: 'kb_search_text', columns: [{ ...docId, isPrimary: true }, { name: 'text', type: text }] }));
    await q.createTable(new Table({ name: 'kb_terms', withoutRowid: sqlite, columns: [{ ...token, isPrimary: true }, { name: 'df', type: 'int' }] }));
    await q.createTable(new Table({ name: 'kb_postings', withoutRowid: sqlite, columns: [{ ...token, isPrimary: true }, { ...docId, isPrimary: true }, { name: 'w', type: 'int' }] }));
    await q.query('CREATE INDEX idx_kb_postings_rank ON kb_postings (token, w, doc_id)');
    await publishedDocs(q, async (docs) => {
      const df = new Map<string, number>([['', docs.length]]);
      for (const d of docs) {
        const weights = weigh(d);
        const tokens = [...weights.keys()].sort();
        await q.query('INSERT INTO kb_search (article_id, category_id, faq, tokens) VALUES (?, ?, ?, ?)', [d.articleId, d.categoryId, d.faq ? 1 : 0, tokens.join(' ')]);
        const [row] = (await q.query('SELECT doc_id FROM kb_search WHERE article_id = ?', [d.articleId])) as Array<{ doc_id: number }>;
        await q.query('INSERT INTO kb_search_text (doc_id, text) VALUES (?, ?)', [row!.doc_id, normalize(`${d.title}\n${d.body}`)]);
        for (const t of tokens) {
          await q.query('INSERT INTO kb_postings (token, doc_id, w) VALUES (?, ?, ?)', [t, row!.doc_id, weights.get(t)]);
          df.set(t, (df.get(t) ?? 0) + 1);
        }
      }
      const upsert = sqlite ? 'ON CONFLICT (token) DO UPDATE SET df = df + excluded.df' : 'ON DUPLICATE KEY UPDATE df = df + VALUES(df)';
      for (const [t, n] of df) await q.query(`INSERT INTO kb_terms (token, df) VALUES (?, ?) ${upsert}`, [t, n]);
    });
  }
}
