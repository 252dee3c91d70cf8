import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The knowledge base, and its search index: kb_search (one row per published article),
 * kb_terms (document frequencies) and kb_postings (impact-ordered postings); see
 * app/kb/kb.search.ts. Plain tables and B-tree indexes: no FTS engine, no server plugin.
 */
export class Kb1764100000000 implements MigrationInterface {
  name = 'Kb1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const id = (name = 'id') => ({ name, type: 'varchar', length: '36', isPrimary: true });
    await q.createTable(
      new Table({
        name: 'kb_categories',
        columns: [id(), { name: 'parent_id', type: 'varchar', length: '36', isNullable: true }, { name: 'name', type: 'varchar', length: '128' }, ts('created_at'), ts('updated_at')],
        indices: [new TableIndex({ name: 'idx_kb_categories_parent', columnNames: ['parent_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'kb_articles',
        columns: [
          id(),
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'latest_version', type: 'int' },
          { name: 'published_version', type: 'int', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '64' },
          { name: 'views', type: 'int', default: 0 },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_kb_articles_status', columnNames: ['status'] }),
          new TableIndex({ name: 'idx_kb_articles_published', columnNames: ['published_version'] }),
          new TableIndex({ name: 'idx_kb_articles_updated', columnNames: ['updated_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'kb_article_versions',
        columns: [
          id('article_id'),
          { name: 'version', type: 'int', isPrimary: true },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: sqlite ? 'text' : 'mediumtext' },
          { name: 'tags', type: 'text' },
          { name: 'faq', type: 'boolean', default: false },
          { name: 'category_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'author_id', type: 'varchar', length: '64' },
          { name: 'author_name', type: 'varchar', length: '128' },
          ts('created_at'),
          { name: 'reviewed_by', type: 'varchar', length: '128', isNullable: true },
          ts('reviewed_at', true),
          { name: 'review_outcome', type: 'varchar', length: '16', isNullable: true },
          { name: 'review_note', type: 'varchar', length: '500', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_kb_versions_category', columnNames: ['category_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'kb_attachments',
        columns: [
          id(),
          { name: 'article_id', type: 'varchar', length: '36' },
          { name: 'filename', type: 'varchar', length: '200' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'size_bytes', type: 'int' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'data', type: sqlite ? 'blob' : 'mediumblob' },
          { name: 'created_by', type: 'varchar', length: '128' },
          ts('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_kb_attachments_article', columnNames: ['article_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'kb_votes',
        columns: [id('article_id'), { name: 'user_id', type: 'varchar', length: '64', isPrimary: true }, { name: 'helpful', type: 'boolean' }, ts('updated_at')],
      }),
    );
    // The search index (app/kb/kb.search.ts): our own inverted index, the same on every database.
    const token = { name: 'token', type: 'varchar', length: '100', ...(sqlite ? {} : { charset: 'ascii', collation: 'ascii_bin' }) };
    const docId = { name: 'doc_id', type: sqlite ? 'integer' : 'bigint' };
    await q.createTable(
      new Table({
        name: 'kb_search',
        columns: [
          { ...docId, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'article_id', type: 'varchar', length: '36', isUnique: true },
          { name: 'category_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'faq', type: 'boolean', default: false },
          { name: 'tokens', type: sqlite ? 'text' : 'mediumtext' },
        ],
        indices: [new TableIndex({ name: 'idx_kb_search_category', columnNames: ['category_id'] })],
      }),
    );
    // The indexed text (NFKC, lower case), to check a CJK phrase verbatim.
    await q.createTable(new Table({ name: 'kb_search_text', columns: [{ ...docId, isPrimary: true }, { name: 'text', type: sqlite ? 'text' : 'mediumtext' }] }));
    await q.createTable(new Table({ name: 'kb_terms', withoutRowid: sqlite, columns: [{ ...token, isPrimary: true }, { name: 'df', type: 'int' }] }));
    await q.createTable(
      new Table({
        name: 'kb_postings',
        withoutRowid: sqlite, // clustered by (token, doc_id) like InnoDB
        columns: [{ ...token, isPrimary: true }, { ...docId, isPrimary: true }, { name: 'w', type: 'int' }],
        indices: [new TableIndex({ name: 'idx_kb_postings_rank', columnNames: ['token', 'w', 'doc_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['kb_postings', 'kb_terms', 'kb_search_text', 'kb_search', 'kb_votes', 'kb_attachments', 'kb_article_versions', 'kb_articles', 'kb_categories']) await q.dropTable(t);
  }
}
