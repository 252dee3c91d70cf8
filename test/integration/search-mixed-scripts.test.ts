// Recall over text that mixes Chinese with Latin letters and digits (issue 12, item 4), through
// the real HTTP API on SQLite and MariaDB: every Chinese word after `VIP`, `3`, `400` or `App`
// is found, and so are those Latin words and numbers, in any case; the knowledge base and the
// CRM's customer search (name and company contain the text).
import { expect } from 'chai';
import { DB_KINDS } from '../support/db.js';
import { publish, startKbApp, type KbApp } from '../support/kb.js';
import { startCrmApp, type CrmApp } from './crm-fixtures.js';

const enc = encodeURIComponent;

/** The corpus: titles that hold none of the queries, so every hit comes from the mixed bodies. */
const ARTICLES = {
  vip: { title: '服务规范', body: 'VIP客户优先处理，3个工作日内回复，400电话，App登录失败' },
  unix: { title: '运行要求', body: '本系统运行在类Unix环境' },
  seats: { title: '状态看板', body: '共3个坐席在线' },
  english: { title: 'Mobile troubleshooting', body: 'The mobile app shows a login failure after 3 attempts.' },
  chinese: { title: '回访流程', body: '客户电话回访：先核对身份。' },
  numbers: { title: '时间格式', body: 'Unix时间戳，4000号分机' },
  fullWidth: { title: '全角说明', body: 'ＶＩＰ专线９５５８８客户经理' },
  classA: { title: '分级标准', body: 'A类客户每月回访一次' },
  classB: { title: '分级说明', body: 'B类客户每季度回访' },
} as const;
type Key = keyof typeof ARTICLES;

/** Each query and the articles it must find, exactly. */
const EXPECTED: Array<[string, Key[]]> = [
  // The queries of the issue.
  ['客户', ['vip', 'chinese', 'fullWidth', 'classA', 'classB']],
  ['工作日', ['vip']],
  ['回复', ['vip']],
  ['电话', ['vip', 'chinese']],
  ['登录', ['vip']],
  ['失败', ['vip']],
  ['vip', ['vip', 'fullWidth']],
  ['VIP客户', ['vip', 'fullWidth']], // two terms, both required (not a phrase across scripts)
  ['400电话', ['vip']],
  ['环境', ['unix']],
  ['坐席', ['seats']],
  // Latin words and numbers glued to Chinese, in any case; a number is a whole number.
  ['VIP', ['vip', 'fullWidth']],
  ['Vip', ['vip', 'fullWidth']],
  ['App', ['vip', 'english']],
  ['APPS', ['vip', 'english']],
  ['400', ['vip']],
  ['4000', ['numbers']],
  ['95588', ['fullWidth']],
  ['unix', ['unix', 'numbers']],
  ['UNIX', ['unix', 'numbers']],
  // Mixed queries: every part must match; Chinese of three or more characters is a phrase.
  ['类Unix环境', ['unix']],
  ['Unix时间戳', ['numbers']],
  ['App登录失败', ['vip']],
  ['登录失败', ['vip']],
  ['失败登录', []],
  ['3个', ['vip', 'seats']],
  ['3个坐席', ['seats']],
  ['共3个坐席在线', ['seats']],
  ['客户经理', ['fullWidth']],
  ['vip 处理', ['vip']],
  // A letter glued to Chinese is a label, even when it is an English stopword.
  ['A类客户', ['classA']],
  ['b类', ['classB']],
  ['类', ['unix', 'classA', 'classB']],
  ['回访', ['chinese', 'classA', 'classB']],
  ['登录 login', []],
];

for (const kind of DB_KINDS) {
  describe(`search over mixed Chinese, Latin and digits: knowledge base (${kind})`, function () {
    this.timeout(60_000);
    let app: KbApp;
    const ids = {} as Record<Key, string>;
    const names = new Map<string, Key>();

    before(async () => {
      app = await startKbApp(kind);
      for (const [key, a] of Object.entries(ARTICLES) as Array<[Key, (typeof ARTICLES)[Key]]>) {
        ids[key] = await publish(app, 'agent', 'sup', { ...a });
        names.set(ids[key], key);
      }
    });
    after(() => app?.close());

    it('finds every article by each Chinese word, Latin word and number in it, and nothing else', async () => {
      const wrong: string[] = [];
      for (const [query, want] of EXPECTED) {
        const res = await app.call('agent', 'GET', `/kb/search?q=${enc(query)}&limit=50`);
        expect(res.status, query).to.equal(200);
        const got = res.body.items.map((i: { id: string }) => names.get(i.id)).sort();
        if (JSON.stringify(got) !== JSON.stringify([...want].sort()) || res.body.total !== want.length) wrong.push(`${query}: got [${got}] want [${want}]`);
      }
      expect(wrong, wrong.join('\n')).to.deep.equal([]);
    });

    it('marks the Latin word glued to Chinese in the snippet', async () => {
      const res = await app.call('agent', 'GET', `/kb/search?q=${enc('vip 登录')}`);
      expect(res.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.vip]);
      expect(res.body.items[0].snippet).to.equal('<mark>VIP</mark>客户优先处理,3个工作日内回复,400电话,App<mark>登录</mark>失败');
    });
  });

  describe(`search over mixed Chinese, Latin and digits: CRM customers (${kind})`, function () {
    this.timeout(60_000);
    let app: CrmApp;
    const ids = new Map<string, string>();

    before(async () => {
      app = await startCrmApp(kind);
      for (const [name, company] of [
        ['VIP客户张三', 'App科技400号'],
        ['李四', '类Unix环境有限公司'],
        ['王五', '共3个坐席在线'],
        ['Zhao Liu', 'Mobile App Inc'],
      ]) {
        const res = await app.api('POST', '/customers', { name, company });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        ids.set(res.body.id, name!);
      }
    });
    after(() => app?.close());

    it('finds customers by any Chinese, Latin or digit part of their name or company, in any case', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['name', '客户', ['VIP客户张三']],
        ['name', '张三', ['VIP客户张三']],
        ['name', 'vip', ['VIP客户张三']],
        ['name', 'VIP客户', ['VIP客户张三']],
        ['name', 'zhao', ['Zhao Liu']],
        ['company', '科技', ['VIP客户张三']],
        ['company', 'app', ['VIP客户张三', 'Zhao Liu']],
        ['company', '400', ['VIP客户张三']],
        ['company', 'UNIX', ['李四']],
        ['company', '环境', ['李四']],
        ['company', '坐席', ['王五']],
        ['company', '3个坐席', ['王五']],
      ];
      const wrong: string[] = [];
      for (const [field, text, want] of cases) {
        const res = await app.api('GET', `/customers?${field}=${enc(text)}&limit=50`);
        expect(res.status, text).to.equal(200);
        const got = res.body.items.map((c: { id: string }) => ids.get(c.id)).sort();
        if (JSON.stringify(got) !== JSON.stringify([...want].sort())) wrong.push(`${field}=${text}: got [${got}] want [${want}]`);
      }
      expect(wrong, wrong.join('\n')).to.deep.equal([]);
    });
  });
}
