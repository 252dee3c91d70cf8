import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reindexPublished } from '../../kb/kb.reindex.js';

/**
 * The tokenizer now ends a word where Chinese (or other CJK) text begins or ends (issue 12):
 * `VIP客户优先处理` was one token and is now `vip` + the bigrams of 客户优先处理. Articles indexed
 * before could not be found by 客户 or `vip`, so the index is emptied and rebuilt from the
 * published versions. The tables keep their shape.
 */
export class KbMixedScripts1764720000000 implements MigrationInterface {
  name = 'KbMixedScripts1764720000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of ['kb_chunks', 'kb_terms', 'kb_search_tokens', 'kb_search']) await q.query(`DELETE FROM ${t}`);
    await reindexPublished(q);
  }

  async down(): Promise<void> {
    // The tables are unchanged, so there is nothing to drop. The old tokens cannot be made again
    // (that tokenizer is gone): the finer index stays, and the old code then misses a query that
    // is exactly one mixed word such as `400电话`, which its own index found.
  }
}
