// Knowledge-base search on real SQLite and MariaDB: a Chinese article found by a two-character
// word inside a sentence, an English one by a stemmed word, ranked, with highlighted snippets;
// filters and pages; and no unpublished content ever reaching an agent (search, list, get).
import { expect } from 'chai';
import { DB_KINDS } from '../support/db.js';
import { publish, startKbApp, type KbApp } from '../support/kb.js';

const q = (s: string) => encodeURIComponent(s);

for (const kind of DB_KINDS) {
  describe(`kb search (${kind})`, function () {
    this.timeout(60_000);
    let app: KbApp;
    const ids: Record<string, string> = {};
    let phone: string;
    let mobile: string;

    before(async () => {
      app = await startKbApp(kind);
      phone = (await app.call('sup', 'POST', '/kb/categories', { name: '电话' })).body.id;
      mobile = (await app.call('sup', 'POST', '/kb/categories', { name: 'Mobile', parentId: phone })).body.id;
      ids.zhStrong = await publish(app, 'agent', 'sup', { title: '坐席使用说明', body: '本系统支持坐席在通话中查看客户资料。坐席可以转接电话。', categoryId: phone, faq: true });
      ids.zhWeak = await publish(app, 'agent', 'sup', { title: '系统说明', body: '本系统支持坐席在通话中查看客户资料', categoryId: mobile });
      ids.zhOther = await publish(app, 'agent2', 'sup', { title: '请假制度', body: '员工请假需要提前申请，资料交给客户经理。' });
      ids.enWeak = await publish(app, 'agent', 'sup', { title: 'Queues', body: 'Calls are routed to the right queue' });
      ids.enStrong = await publish(app, 'agent', 'sup', { title: 'Routing rules', body: 'Routing decides which agent answers. Routes are checked in order.', faq: true });
      // Never published, or no longer:
      ids.draft = (await app.call('agent', 'POST', '/kb/articles', { title: '草稿 draft', body: '坐席 routing 秘密草稿 zebradraft' })).body.id;
      ids.review = (await app.call('agent', 'POST', '/kb/articles', { title: 'In review', body: '坐席 routing 审核中 zebrareview' })).body.id;
      expect((await app.call('agent', 'POST', `/kb/articles/${ids.review}/submit`)).status).to.equal(200);
      ids.archived = await publish(app, 'agent', 'sup', { title: 'Old', body: '坐席 routing 已归档 zebraarchived' });
      expect((await app.call('sup', 'POST', `/kb/articles/${ids.archived}/archive`)).status).to.equal(200);
      // Published, then edited: the new draft version must stay invisible to agents.
      ids.edited = await publish(app, 'agent', 'sup', { title: 'Transfer guide', body: 'Version one: press the transfer key.' });
      expect((await app.call('agent', 'PATCH', `/kb/articles/${ids.edited}`, { body: 'Version two zebranew: 坐席 修订版' })).status).to.equal(200);
    });
    after(() => app?.close());

    it('finds a Chinese article by a two-character word inside a sentence, the better match first, with <mark> snippets', async () => {
      const res = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}`);
      expect(res.status).to.equal(200);
      expect(res.body.items.map((i: any) => i.id)).to.deep.equal([ids.zhStrong, ids.zhWeak]);
      expect(res.body.total).to.equal(2);
      const [strong, weak] = res.body.items;
      expect(strong.score).to.be.greaterThan(weak.score);
      expect(weak.snippet).to.equal('本系统支持<mark>坐席</mark>在通话中查看客户资料');
      expect(strong).to.include({ title: '坐席使用说明', faq: true });
      expect(strong.category).to.deep.equal({ id: phone, name: '电话' });
    });

    it('finds an English article by a stemmed word (routing / route), ranked, highlighted', async () => {
      const routing = await app.call('agent', 'GET', `/kb/search?q=routing`);
      expect(routing.body.items.map((i: any) => i.id)).to.deep.equal([ids.enStrong, ids.enWeak]);
      expect(routing.body.items[1].snippet).to.equal('Calls are <mark>routed</mark> to the right queue');
      expect(routing.body.items[0].snippet).to.contain('<mark>Routing</mark> decides').and.to.contain('<mark>Routes</mark>');
      const route = await app.call('agent', 'GET', `/kb/search?q=route`);
      expect(route.body.items.map((i: any) => i.id)).to.have.members([ids.enStrong, ids.enWeak]);
      const queues = await app.call('agent', 'GET', `/kb/search?q=QUEUING`);
      expect(queues.body.items.map((i: any) => i.id)).to.deep.equal([ids.enWeak]);
    });

    it('a longer Chinese query matches the phrase, not its characters in any order; one character works too', async () => {
      const phrase = await app.call('agent', 'GET', `/kb/search?q=${q('客户资料')}`);
      expect(phrase.body.items.map((i: any) => i.id)).to.have.members([ids.zhStrong, ids.zhWeak]);
      expect((await app.call('agent', 'GET', `/kb/search?q=${q('资料客户')}`)).body.total).to.equal(0);
      const one = await app.call('agent', 'GET', `/kb/search?q=${q('席')}`);
      expect(one.body.items.map((i: any) => i.id)).to.have.members([ids.zhStrong, ids.zhWeak]);
      const mixed = await app.call('agent', 'GET', `/kb/search?q=${q('坐席 转接')}`);
      expect(mixed.body.items.map((i: any) => i.id)).to.deep.equal([ids.zhStrong]);
    });

    it('filters by category (with its subcategories) and FAQ; pages do not overlap', async () => {
      const inPhone = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}&category=${phone}`);
      expect(inPhone.body.items.map((i: any) => i.id)).to.have.members([ids.zhStrong, ids.zhWeak]);
      const inMobile = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}&category=${mobile}`);
      expect(inMobile.body.items.map((i: any) => i.id)).to.deep.equal([ids.zhWeak]);
      const faq = await app.call('agent', 'GET', `/kb/search?q=routing&faq=true`);
      expect(faq.body.items.map((i: any) => i.id)).to.deep.equal([ids.enStrong]);
      const notFaq = await app.call('agent', 'GET', `/kb/search?q=routing&faq=false`);
      expect(notFaq.body.items.map((i: any) => i.id)).to.deep.equal([ids.enWeak]);
      const p1 = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}&limit=1`);
      const p2 = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}&limit=1&offset=1`);
      const p3 = await app.call('agent', 'GET', `/kb/search?q=${q('坐席')}&limit=1&offset=2`);
      expect([p1.body.total, p2.body.total, p3.body.total]).to.deep.equal([2, 2, 2]);
      expect([...p1.body.items, ...p2.body.items].map((i: any) => i.id)).to.deep.equal([ids.zhStrong, ids.zhWeak]);
      expect(p3.body.items).to.deep.equal([]);
    });

    it('bad search input is a 400 with a clear message', async () => {
      for (const bad of ['q=', `q=${'x'.repeat(201)}`, 'q=a&limit=0', 'q=a&limit=101', 'q=a&offset=-1', 'q=a&faq=maybe', 'q=a&category=nope', 'q=a&color=red', '']) {
        const res = await app.call('agent', 'GET', `/kb/search?${bad}`);
        expect(res.status, bad).to.equal(400);
        expect(res.body.error.code, bad).to.equal('validation_failed');
      }
      const unknownCategory = await app.call('agent', 'GET', `/kb/search?q=a&category=00000000-0000-4000-8000-000000000000`);
      expect(unknownCategory.status).to.equal(400);
      expect(unknownCategory.body.error.code).to.equal('unknown_category');
    });

    it('no unpublished article or version reaches an agent: search, list, get', async () => {
      for (const word of ['zebradraft', 'zebrareview', 'zebraarchived', 'zebranew', '秘密草稿', '修订版']) {
        for (const who of ['agent', 'agent2', 'sup'] as const) {
          expect((await app.call(who, 'GET', `/kb/search?q=${q(word)}`)).body.total, `${who} ${word}`).to.equal(0);
        }
      }
      const listed = await app.call('agent', 'GET', '/kb/articles?limit=100');
      expect(listed.status).to.equal(200);
      const listedIds = listed.body.items.map((i: any) => i.id);
      expect(listedIds).to.have.members([ids.zhStrong, ids.zhWeak, ids.zhOther, ids.enWeak, ids.enStrong, ids.edited]);
      expect(listed.body.items.find((i: any) => i.id === ids.edited).title).to.equal('Transfer guide');
      for (const id of [ids.draft, ids.review, ids.archived]) {
        expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).status).to.equal(404);
        expect((await app.call('agent2', 'GET', `/kb/articles/${id}?drafts=true`)).status, 'not theirs').to.equal(404);
        expect((await app.call('agent', 'GET', `/kb/articles/${id}`)).status, 'the author, without the flag').to.equal(404);
      }
      const edited = await app.call('agent2', 'GET', `/kb/articles/${ids.edited}?drafts=true`);
      expect(edited.status).to.equal(200);
      expect(edited.body).to.include({ version: 1, body: 'Version one: press the transfer key.', status: 'published' });
      // Authors and reviewers see the drafts only when they ask for them.
      const mine = await app.call('agent', 'GET', `/kb/articles/${ids.edited}?drafts=true`);
      expect(mine.body).to.include({ version: 2, status: 'draft', publishedVersion: 1 });
      expect((await app.call('sup', 'GET', `/kb/articles/${ids.draft}?drafts=true`)).body.status).to.equal('draft');
      const supDrafts = await app.call('sup', 'GET', '/kb/articles?drafts=true&status=draft&limit=100');
      expect(supDrafts.body.items.map((i: any) => i.id)).to.have.members([ids.draft, ids.edited]);
      const agent2Drafts = await app.call('agent2', 'GET', '/kb/articles?drafts=true&limit=100');
      expect(agent2Drafts.body.items.map((i: any) => i.id)).to.deep.equal([ids.zhOther]);
      expect((await app.call('agent', 'GET', '/kb/articles?status=draft')).status, 'status needs drafts=true').to.equal(400);
    });

    it('lists are filtered and sorted (title, views, updatedAt), with consistent pages', async () => {
      const byTitle = await app.call('agent', 'GET', '/kb/articles?sort=title&order=asc&limit=100');
      const titles = byTitle.body.items.map((i: any) => i.title);
      expect(titles).to.have.length(6);
      expect(titles.slice(0, 3)).to.deep.equal(['Queues', 'Routing rules', 'Transfer guide']);
      expect(byTitle.body.total).to.equal(6);
      const faq = await app.call('agent', 'GET', '/kb/articles?faq=true');
      expect(faq.body.items.map((i: any) => i.id)).to.have.members([ids.zhStrong, ids.enStrong]);
      const cat = await app.call('agent', 'GET', `/kb/articles?category=${phone}`);
      expect(cat.body.items.map((i: any) => i.id)).to.have.members([ids.zhStrong, ids.zhWeak]);
      await app.call('agent', 'GET', `/kb/articles/${ids.enWeak}`);
      await app.call('agent2', 'GET', `/kb/articles/${ids.enWeak}`);
      const byViews = await app.call('agent', 'GET', '/kb/articles?sort=views&order=desc&limit=1');
      expect(byViews.body.items[0]).to.include({ id: ids.enWeak, views: 2 });
      const pages = [];
      for (let offset = 0; offset < 6; offset += 4) pages.push(...(await app.call('agent', 'GET', `/kb/articles?sort=updatedAt&order=asc&limit=4&offset=${offset}`)).body.items);
      expect(new Set(pages.map((i: any) => i.id)).size).to.equal(6);
      expect((await app.call('agent', 'GET', '/kb/articles?sort=size')).status).to.equal(400);
      expect((await app.call('agent', 'GET', '/kb/articles?limit=1000')).status).to.equal(400);
    });
  });
}
