// The KB search index under concurrent writes, on real SQLite and MariaDB: approvals and
// archivals racing on articles that share words all land, and a token's head (its best
// postings) stays right as articles come and go.
import { expect } from 'chai';
import { DB_KINDS } from '../support/db.js';
import { startKbApp, type KbApp } from '../support/kb.js';

const q = (s: string) => encodeURIComponent(s);

for (const kind of DB_KINDS) {
  describe(`kb search index writes (${kind})`, function () {
    this.timeout(60_000);
    let app: KbApp;
    before(async () => {
      app = await startKbApp(kind);
    });
    after(() => app?.close());

    it('concurrent approvals and archivals of articles sharing words all land in the index', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const body = `共享词条 zebrashared ${'filler '.repeat(i)}${i % 2 ? '坐席转接' : ''}`;
        const id = (await app.call('agent', 'POST', '/kb/articles', { title: `Shared ${i}`, body })).body.id as string;
        expect((await app.call('agent', 'POST', `/kb/articles/${id}/submit`)).status).to.equal(200);
        ids.push(id);
      }
      const approved = await Promise.all(ids.map((id) => app.call('sup', 'POST', `/kb/articles/${id}/approve`, {})));
      expect(approved.map((r) => r.status)).to.deep.equal(ids.map(() => 200));
      const all = await app.call('agent', 'GET', `/kb/search?q=zebrashared`);
      expect(all.body.total).to.equal(8);
      // The shortest article ranks first (length normalisation), and pages agree with the total.
      expect(all.body.items[0].id).to.equal(ids[0]);
      expect((await app.call('agent', 'GET', `/kb/search?q=${q('共享词条')}`)).body.total).to.equal(8);
      const archived = await Promise.all(ids.filter((_, i) => i % 2).map((id) => app.call('sup', 'POST', `/kb/articles/${id}/archive`)));
      expect(archived.map((r) => r.status)).to.deep.equal([200, 200, 200, 200]);
      const left = await app.call('agent', 'GET', `/kb/search?q=zebrashared&limit=100`);
      expect(left.body.items.map((i: any) => i.id)).to.have.members(ids.filter((_, i) => i % 2 === 0));
      expect((await app.call('agent', 'GET', `/kb/search?q=${q('坐席转接')}`)).body.total).to.equal(0);
      expect((await app.call('agent', 'GET', `/kb/search?q=${q('共享词条 zebrashared')}`)).body.total).to.equal(4);
    });
  });
}
