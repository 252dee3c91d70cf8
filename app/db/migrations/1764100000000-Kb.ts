import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The knowledge base. The search index is one row per published article in kb_search; the
 * tokens (see app/kb/kb.text.ts) live in an FTS5 table kb_fts on SQLite (rowid = doc_id) and
 * in kb_search.tokens with an InnoDB FULLTEXT index on MariaDB/MySQL.
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
    if (sqlite) {
      await q.query(
        `CREATE TABLE kb_search (doc_id INTEGER PRIMARY KEY AUTOINCREMENT, article_id varchar(36) NOT NULL UNIQUE, category_id varchar(36), faq boolean NOT NULL DEFAULT 0)`,
      );
      await q.query(`CREATE INDEX idx_kb_search_category ON kb_search (category_id)`);
      // Columns hold our own encoded tokens; unicode61 only splits them at the spaces.
      await q.query(`CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, tokenize = 'unicode61')`);
    } else {
      await q.query(
        `CREATE TABLE kb_search (doc_id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, article_id varchar(36) NOT NULL, category_id varchar(36) NULL, faq tinyint(1) NOT NULL DEFAULT 0, tokens mediumtext NOT NULL, UNIQUE KEY uq_kb_search_article (article_id), KEY idx_kb_search_category (category_id), FULLTEXT KEY ft_kb_search_tokens (tokens)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'better-sqlite3') await q.query('DROP TABLE kb_fts');
    await q.query('DROP TABLE kb_search');
    for (const t of ['kb_votes', 'kb_attachments', 'kb_article_versions', 'kb_articles', 'kb_categories']) await q.dropTable(t);
  }
}
