// npx tsx bench/kb.bench.ts — knowledge-base search latency on a real database (not run in CI).
// Loads BENCH_KB_ARTICLES (100,000) published articles of generated mixed Chinese/English text
// (words drawn with a Zipf-like skew, so common words hit most articles, as in a real KB),
// bulk-inserted through the same index code the service uses, then runs BENCH_KB_QUERIES (500)
// searches through the HTTP API (GET /api/kb/search, limit 20: ranking, total count, snippets)
// one after another and prints p50/p95/p99 per database and per kind of query.
// Env: BENCH_KB_DBS=sqlite,mariadb (MariaDB as in test/support/db.ts: HOTLINE_TEST_MARIADB_*)
//      BENCH_KB_ARTICLES=100000 BENCH_KB_QUERIES=500 BENCH_KB_KEEP=1 (keep the database, print where)
// Target (issue 5): p95 < 50 ms.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { People } from '../app/auth/auth.people.js';
import { createDataSource } from '../app/db/data-source.js';
import { createKbModule } from '../app/kb/index.js';
import { KbArticle } from '../app/kb/kb.entities.js';
import { createLogger } from '../app/logger.js';
import { adminRoutes } from '../test/support/auth.js';
import { createTestDb, dbConfig, type DbKind } from '../test/support/db.js';
import { serveApi } from '../test/support/serve.js';

const env = process.env;
const KINDS = (env.BENCH_KB_DBS ?? 'sqlite,mariadb').split(',').map((s) => s.trim() as DbKind);
const ARTICLES = Number(env.BENCH_KB_ARTICLES ?? 100_000);
const QUERIES = Number(env.BENCH_KB_QUERIES ?? 500);
const out = (s: string) => process.stdout.write(`${s}\n`);

// ------------------------------------------------------------------ generated text
/** A seeded PRNG (mulberry32), so every run loads the same articles and asks the same queries. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = rng(42);

const ZH_REAL = (
  '坐席 客户 资料 通话 转接 队列 工单 投诉 退款 账户 密码 登录 系统 设置 电话 号码 短信 服务 质检 录音 报表 班组 排班 技能 满意 回访 地址 订单 ' +
  '物流 发票 会员 积分 优惠 活动 价格 套餐 宽带 流量 信号 故障 维修 预约 上门 安装 升级 版本 网络 设备 手机 电脑 邮件 微信 支付 银行 转账 余额 ' +
  '冻结 解冻 实名 认证 身份 证件 合同 续费 欠费 停机 复机 挂失 补卡 国际 漫游 话费 查询 办理 取消 变更 申请 审核 流程 规则 政策 说明 指南 ' +
  '常见 问题 处理 方法 步骤 注意 事项 时间 工作 节假 延迟 紧急 升级 主管 经理 专员 培训 考核 绩效 知识 文章 分类 标签 搜索'
).split(' ');
const ZH_CHARS = [...'安保备便标表部财采参产长场车成城程出传创达代单导道得灯等地点电调定动度断对多发法反方放费分服付复改感高告格工公功共关管光规国过海行号合和核户化话环换回活机积基级即集计记技价检建将交接结解金进经精境据开看可客控口库快况来类理力联量料流路率码买卖满门面名明模目内能年配批品平评期其企气器前强情请区取全权确让人任日容入软扫商上设社身审生声时识实使示市事试收手受书数双水税说司送算索他台态特提体条听通同统投图推外完网为位文问无务物系下线相项销小效协心新信行形型修需选询压验业页一移已以意易应营用优由有语预员原源月运在责增展占站账找者证支知执值指制质中重主注转状准资子自总租组最作'];
// 1,000 Chinese "words": the real ones first (the common end of the Zipf curve), then pairs.
const ZH = [...new Set(ZH_REAL)];
while (ZH.length < 1000) ZH.push(ZH_CHARS[Math.floor(rand() * ZH_CHARS.length)]! + ZH_CHARS[Math.floor(rand() * ZH_CHARS.length)]!);
const EN_BASE = (
  'route queue agent call transfer ticket refund account password login system setting phone number message service quality record report team ' +
  'shift skill survey callback address order delivery invoice member point discount campaign price plan broadband data signal fault repair ' +
  'appointment install upgrade version network device mobile computer mail payment bank balance freeze verify identity contract renew bill ' +
  'suspend restore roam query apply cancel change review process rule policy guide question answer step note time holiday delay urgent ' +
  'supervisor manager training score knowledge article category tag search customer caller voicemail fax recording greeting menu option ' +
  'holdmusic escalate priority wait abandon answer dial extension trunk gateway codec latency jitter echo volume headset browser screen pop'
).split(' ');
const inflect = (w: string) => {
  const r = rand();
  if (r < 0.55) return w;
  if (r < 0.75) return w.endsWith('e') ? `${w}s` : `${w}s`;
  if (r < 0.88) return w.endsWith('e') ? `${w}d` : `${w}ed`;
  return w.endsWith('e') ? `${w.slice(0, -1)}ing` : `${w}ing`;
};
/** Zipf-like pick (s = 0.9): the first words of a list are far more frequent than the last. */
function zipf(n: number, s = 0.9): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cdf.push((sum += 1 / k ** s));
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
const zhPick = zipf(ZH.length);
const enPick = zipf(EN_BASE.length);
const zhWords = (n: number) => Array.from({ length: n }, () => ZH[zhPick()]!).join('');
const enWords = (n: number) => Array.from({ length: n }, () => inflect(EN_BASE[enPick()]!)).join(' ');

function article(i: number) {
  const title = i % 2 ? `${zhWords(3)} ${enWords(2)}` : `${enWords(3)} ${zhWords(2)}`;
  const body = `${zhWords(12)}，${enWords(10)}。${zhWords(10)}：${enWords(8)}. ${zhWords(8)}。`;
  return { title, body, faq: i % 10 === 0 };
}

// ------------------------------------------------------------------ load
async function load(ds: DataSource, kb: ReturnType<typeof createKbModule>): Promise<number> {
  const started = Date.now();
  const meta = ds.getMetadata(KbArticle);
  const now = ds.driver.preparePersistentValue(new Date(), meta.findColumnWithPropertyName('updatedAt')!);
  const BATCH = 500;
  for (let at = 0; at < ARTICLES; at += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ARTICLES - at) }, (_, k) => ({ id: randomUUID(), ...article(at + k) }));
    await ds.transaction(async (m) => {
      const tuple = (n: number) => `(${Array(n).fill('?').join(', ')})`;
      await m.query(
        `INSERT INTO kb_articles (id, status, latest_version, published_version, created_by, views, created_at, updated_at) VALUES ${rows.map(() => tuple(8)).join(', ')}`,
        rows.flatMap((r) => [r.id, 'published', 1, 1, 'bench', 0, now, now]),
      );
      await m.query(
        `INSERT INTO kb_article_versions (article_id, version, title, body, tags, faq, category_id, author_id, author_name, created_at, reviewed_by, reviewed_at, review_outcome) VALUES ${rows.map(() => tuple(13)).join(', ')}`,
        rows.flatMap((r) => [r.id, 1, r.title, r.body, '[]', r.faq ? 1 : 0, null, 'bench', 'bench', now, 'bench', now, 'approved']),
      );
      await kb.service.index.putMany(m, rows.map((r) => ({ articleId: r.id, categoryId: null, faq: r.faq, title: r.title, body: r.body })));
    });
    if ((at / BATCH) % 40 === 0) process.stderr.write(`  loaded ${at + rows.length}\r`);
  }
  return (Date.now() - started) / 1000;
}

// ------------------------------------------------------------------ queries
type Kind = 'zh 2-char word' | 'en word (inflected)' | 'zh 4-char phrase' | 'zh + en';
function queries(): Array<{ kind: Kind; q: string }> {
  const qs: Array<{ kind: Kind; q: string }> = [];
  const anyZh = () => ZH[Math.floor(rand() * ZH.length)]!;
  const commonZh = () => ZH[zhPick()]!;
  const anyEn = () => inflect(EN_BASE[Math.floor(rand() * EN_BASE.length)]!);
  for (let i = 0; i < QUERIES; i++) {
    const r = i % 4;
    // Half the words are drawn like the text (common words: many hits), half uniformly.
    if (r === 0) qs.push({ kind: 'zh 2-char word', q: i % 8 === 0 ? commonZh() : anyZh() });
    else if (r === 1) qs.push({ kind: 'en word (inflected)', q: i % 8 === 1 ? inflect(EN_BASE[enPick()]!) : anyEn() });
    else if (r === 2) qs.push({ kind: 'zh 4-char phrase', q: commonZh() + commonZh() });
    else qs.push({ kind: 'zh + en', q: `${commonZh()} ${anyEn()}` });
  }
  return qs;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (n: number) => n.toFixed(1).padStart(7);

async function run(kind: DbKind): Promise<void> {
  rand = rng(7); // the same articles and queries on every database
  const db = await createTestDb(kind);
  const ds = createDataSource(dbConfig(db));
  await ds.initialize();
  await ds.runMigrations();
  const log = createLogger({ level: 'silent', secrets: [] });
  const kb = createKbModule({ db: ds, log, people: new People(ds), routes: adminRoutes() });
  const served = await serveApi(log, kb.router);
  try {
    const seconds = await load(ds, kb);
    out(`${kind}: loaded ${ARTICLES} articles in ${seconds.toFixed(1)} s (${Math.round(ARTICLES / seconds)}/s)`);
    const search = async (q: string) => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${served.base}/kb/search?q=${encodeURIComponent(q)}&limit=20`);
      const body = (await res.json()) as { total: number; items: unknown[] };
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, total: body.total };
    };
    for (const w of queries().slice(0, 20)) await search(w.q); // warm-up
    const results: Array<{ kind: Kind; ms: number; total: number }> = [];
    for (const w of queries()) results.push({ kind: w.kind, ...(await search(w.q)) });
    const rows = [['all', results] as const, ...(['zh 2-char word', 'en word (inflected)', 'zh 4-char phrase', 'zh + en'] as Kind[]).map((k) => [k, results.filter((r) => r.kind === k)] as const)];
    out(`${'queries'.padEnd(22)} ${'n'.padStart(4)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'hits avg'.padStart(9)} ${'hits max'.padStart(9)}`);
    for (const [name, rs] of rows) {
      const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
      const hits = rs.map((r) => r.total);
      out(
        `${name.padEnd(22)} ${String(rs.length).padStart(4)} ${fmt(pct(ms, 50))} ${fmt(pct(ms, 95))} ${fmt(pct(ms, 99))} ${fmt(ms[ms.length - 1]!)} ${String(Math.round(hits.reduce((a, b) => a + b, 0) / hits.length)).padStart(9)} ${String(Math.max(...hits)).padStart(9)}`,
      );
    }
  } finally {
    await served.close();
    await ds.destroy();
    if (env.BENCH_KB_KEEP) out(`kept ${JSON.stringify(db.env)}`);
    else await db.drop();
  }
}

out(`kb search benchmark: ${ARTICLES} articles, ${QUERIES} searches (limit 20) per database, node ${process.version}`);
for (const kind of KINDS) await run(kind);
