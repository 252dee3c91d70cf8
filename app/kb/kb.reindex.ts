// Rebuilding the search index from the published versions, for migrations that change how text
// is tokenized or how the index is stored (the old index is emptied or dropped first).
import type { QueryRunner } from 'typeorm';
import { SearchIndex, type SearchDoc } from './kb.search.js';
import { parseTags } from './kb.views.js';

/** Indexes every published version again (into empty index tables). */
export function reindexPublished(q: QueryRunner): Promise<void> {
  const index = new SearchIndex(q.connection);
  return publishedDocs(q, (docs) => index.putMany(q, docs));
}

/** Every published version as a search document, 500 articles at a time. */
export async function publishedDocs(q: QueryRunner, each: (docs: SearchDoc[]) => Promise<void>): Promise<void> {
  for (let after = ''; ; ) {
    const rows = (await q.query(
      'SELECT a.id, v.title, v.body, v.tags, v.faq, v.category_id FROM kb_articles a JOIN kb_article_versions v ON v.article_id = a.id AND v.version = a.published_version WHERE a.id > ? ORDER BY a.id LIMIT 500',
      [after],
    )) as Array<{ id: string; title: string; body: string; tags: string; faq: number | boolean; category_id: string | null }>;
    if (!rows.length) return;
    const docs: SearchDoc[] = rows.map((r) => ({ articleId: r.id, categoryId: r.category_id, faq: Boolean(r.faq), title: r.title, body: `${r.body}\n${parseTags(r.tags).join(' ')}` }));
    await each(docs);
    after = rows[rows.length - 1]!.id;
  }
}
