// Migration 1764720000000-KbMixedScripts on a knowledge base indexed by the tokenizer before
// issue 12 (SQLite and MariaDB): that index held `vip客户优先处理` as one word, so 客户, `vip` and
// 400 found nothing; after the migration the same articles are found by each part, through the
// real HTTP API, and the index counts are those of a fresh index.
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { IndexWriter, N_ROW } from '../../app/kb/kb.index-write.js';
import type { Posting } from '../../app/kb/kb.postings.js';
import { encodeToken, isCjk, normalize, stem, STOPWORDS } from '../../app/kb/kb.text.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { publish, startKbApp, type KbApp } from '../support/kb.js';

const MIGRATION = 'KbMixedScripts1764720000000';
const enc = encodeURIComponent;

/** The tokenizer before issue 12: the Latin branch also took the Chinese after a letter or digit. */
function oldTokenize(text: string): string[] {
  const out: string[] = [];
  for (const [piece] of normalize(text).matchAll(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+/gu)) {
    if (isCjk(piece[0]!)) {
      const chars = [...piece];
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
      out.push(chars[chars.length - 1]!);
    } else if (!STOPWORDS.has(piece)) out.push(stem([...piece].slice(0, 40).join('')));
  }
  return out;
}

/** Replaces the index with the one the old tokenizer wrote for these (non-FAQ, uncategorised) articles. */
async function writeOldIndex(ds: DataSource, articles: Map<string, { title: string; body: string }>): Promise<void> {
  const mysql = ds.options.type !== 'better-sqlite3';
  for (const t of ['kb_chunks', 'kb_terms', 'kb_search_tokens']) await ds.query(`DELETE FROM ${t}`);
  const rows = (await ds.query('SELECT doc_id, article_id FROM kb_search ORDER BY doc_id')) as Array<{ doc_id: number | string; article_id: string }>;
  const postings = new Map<string, Posting[]>();
  for (const r of rows) {
    const doc = Number(r.doc_id);
    const a = articles.get(r.article_id)!;
    const pos = new Map<string, number[]>();
    [...oldTokenize(a.title), ...oldTokenize(a.body)].forEach((t, at) => pos.set(encodeToken(t), [...(pos.get(encodeToken(t)) ?? []), ...([...t].length === 2 && isCjk(t) ? [at] : [])]));
    pos.set('f0', []);
    for (const [t, p] of pos) postings.set(t, [...(postings.get(t) ?? []), { doc, w: 500, pos: p }]);
    await ds.query('INSERT INTO kb_search_tokens (doc_id, tokens) VALUES (?, ?)', [doc, [...pos.keys()].sort().join(' ')]);
  }
  const writer = new IndexWriter(mysql);
  await writer.addDf(ds.manager, [...[...postings].map(([t, ps]) => [t, ps.length] as [string, number]), [N_ROW, rows.length]]);
  await writer.add(ds.manager, postings);
}

const ARTICLES = {
  mixed: { title: '服务规范', body: 'VIP客户优先处理，3个工作日内回复，400电话，App登录失败' },
  unix: { title: '运行要求', body: '本系统运行在类Unix环境' },
  plain: { title: 'Routing rules', body: '坐席 routing decides which agent answers' },
};
type Key = keyof typeof ARTICLES;

const FOUND: Array<[string, Key[]]> = [
  ['客户', ['mixed']],
  ['vip', ['mixed']],
  ['400', ['mixed']],
  ['登录失败', ['mixed']],
  ['App', ['mixed']],
  ['环境', ['unix']],
  ['unix', ['unix']],
  ['坐席', ['plain']],
  ['routing', ['plain']],
];

for (const kind of DB_KINDS) {
  describe(`KB migration KbMixedScripts (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let old: KbApp | undefined;
    let app: KbApp | undefined;
    after(async () => {
      await old?.close();
      await app?.close();
      await db?.drop();
    });

    it('rebuilds an index the old tokenizer wrote: articles become findable by every Chinese and Latin part', async () => {
      db = await createTestDb(kind);
      old = await startKbApp(kind, { db, without: [MIGRATION] });
      const ids = {} as Record<Key, string>;
      const byId = new Map<string, { title: string; body: string }>();
      for (const [key, a] of Object.entries(ARTICLES) as Array<[Key, { title: string; body: string }]>) {
        ids[key] = await publish(old, 'agent', 'sup', a);
        byId.set(ids[key], a);
      }
      await writeOldIndex(old.ds, byId);
      const search = async (a: KbApp, q: string) => {
        const res = await a.call('agent', 'GET', `/kb/search?q=${enc(q)}`);
        expect(res.status, q).to.equal(200);
        return (res.body.items as Array<{ id: string }>).map((i) => i.id).sort();
      };
      // What users saw before: the mixed article is lost, the plain one is found.
      for (const q of ['客户', 'vip', '400', '环境', 'unix']) expect(await search(old, q), q).to.deep.equal([]);
      expect(await search(old, '坐席')).to.deep.equal([ids.plain]);
      await old.close();
      old = undefined;

      app = await startKbApp(kind, { db }); // runs the pending migration
      const ran = (await app.ds.query('SELECT name FROM migrations')) as Array<{ name: string }>;
      expect(ran.map((r) => r.name)).to.include(MIGRATION);
      for (const [q, want] of FOUND) expect(await search(app, q), q).to.deep.equal(want.map((k) => ids[k]).sort());
      const [n] = (await app.ds.query('SELECT df FROM kb_terms WHERE token = ?', [N_ROW])) as Array<{ df: number | string }>;
      expect(Number(n!.df)).to.equal(3);
      expect(await app.count('kb_search')).to.equal(3);
      expect(await app.count('kb_search_tokens')).to.equal(3);
      // The old one-word tokens are gone from the index.
      expect((await app.ds.query('SELECT token FROM kb_terms WHERE token = ?', [encodeToken(oldTokenize('VIP客户优先处理')[0]!)])).length).to.equal(0);
    });
  });
}
