// The knowledge base's review flow, versions and diff, votes and views, categories,
// attachments and bad input, on real SQLite and MariaDB. Refused requests change nothing.
import { expect } from 'chai';
import { AuthService } from '../../app/auth/auth.service.js';
import { createLogger } from '../../app/logger.js';
import { DB_KINDS } from '../support/db.js';
import { publish, startKbApp, type KbApp } from '../support/kb.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n');
const LIMIT = 64 * 1024;

for (const kind of DB_KINDS) {
  describe(`kb review flow and input (${kind})`, function () {
    this.timeout(60_000);
    let app: KbApp;
    before(async () => {
      app = await startKbApp(kind, { maxAttachmentBytes: LIMIT });
    });
    after(() => app?.close());

    const snapshot = async () => {
      const tables = ['kb_categories', 'kb_articles', 'kb_article_versions', 'kb_attachments', 'kb_votes', 'kb_search'];
      return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await app.count(t)])));
    };

    it('refuses transitions the state does not allow (409) and lets no author approve their own version', async () => {
      const id = (await app.call('agent', 'POST', '/kb/articles', { title: 'Hold music', body: 'line' })).body.id;
      const refused = async (who: 'agent' | 'sup', action: string, status: string) => {
        const res = await app.call(who, 'POST', `/kb/articles/${id}/${action}`, action === 'reject' ? { note: 'no' } : {});
        expect(res.status, `${action} while ${status}`).to.equal(409);
        expect(res.body.error).to.include({ code: 'transition_not_allowed' });
        expect(res.body.error.details).to.deep.equal({ action, status });
      };
      await refused('sup', 'approve', 'draft');
      await refused('sup', 'reject', 'draft');
      await refused('sup', 'archive', 'draft');
      await refused('agent', 'revise', 'draft');
      expect((await app.call('agent', 'POST', `/kb/articles/${id}/submit`)).body.status).to.equal('in_review');
      await refused('agent', 'submit', 'in_review');
      const locked = await app.call('agent', 'PATCH', `/kb/articles/${id}`, { body: 'sneaky' });
      expect(locked.status).to.equal(409);
      expect(locked.body.error.code).to.equal('article_not_editable');
      expect((await app.call('agent', 'POST', `/kb/articles/${id}/approve`, {})).status, 'agents do not approve').to.equal(403);
      expect((await app.call('sup', 'POST', `/kb/articles/${id}/reject`, {})).status, 'a rejection says why').to.equal(400);
      const rejected = await app.call('sup', 'POST', `/kb/articles/${id}/reject`, { note: 'too short' });
      expect(rejected.body).to.include({ status: 'draft' });
      expect(rejected.body.review).to.include({ by: 'sam', outcome: 'rejected', note: 'too short' });
      // A supervisor's own version needs another reviewer (four eyes).
      expect((await app.call('sup', 'PATCH', `/kb/articles/${id}`, { body: 'line\nmore' })).status).to.equal(200);
      await app.call('sup', 'POST', `/kb/articles/${id}/submit`);
      const own = await app.call('sup', 'POST', `/kb/articles/${id}/approve`, {});
      expect(own.status).to.equal(403);
      expect(own.body.error.code).to.equal('four_eyes_required');
      expect((await app.call('agent', 'GET', `/kb/articles/${id}`)).status, 'still unpublished').to.equal(404);
      const approved = await app.call('sup2', 'POST', `/kb/articles/${id}/approve`, { note: 'ok' });
      expect(approved.body).to.include({ status: 'published', publishedVersion: 2, version: 2 });
      await refused('sup', 'approve', 'published');
      expect((await app.call('agent', 'GET', `/kb/articles/${id}`)).body.body).to.equal('line\nmore');
      // archive -> hidden; revise -> draft, editable again
      expect((await app.call('sup', 'POST', `/kb/articles/${id}/archive`)).body.status).to.equal('archived');
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).status).to.equal(404);
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, { title: 'x' })).body.error.code).to.equal('article_not_editable');
      expect((await app.call('agent', 'POST', `/kb/articles/${id}/revise`)).body.status).to.equal('draft');
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, { title: 'Hold music v3' })).body).to.include({ version: 3, status: 'draft' });
      // Another agent may read what is published, but not change someone else's article.
      const other = await app.call('agent2', 'PATCH', `/kb/articles/${id}`, { title: 'mine now' });
      expect(other.status).to.equal(404); // nothing of it is published now
      const audit = await app.ds.query(`SELECT actor, action, target FROM audit_log WHERE action = 'config.change' ORDER BY id`);
      expect(audit.map((r: any) => `${r.actor} ${r.target}`)).to.include.members([
        `alice POST /api/kb/articles`,
        `sue POST /api/kb/articles/${id}/approve`,
        `sam POST /api/kb/articles/${id}/archive`,
      ]);
      expect(audit.some((r: any) => r.actor === 'sam' && r.target === `POST /api/kb/articles/${id}/approve`), 'a refused approval is not audited').to.equal(false);
    });

    it('names authors (by user id) and reviewers (by username) by display name; a caller who is no user keeps their username', async () => {
      const users = new AuthService(app.ds, createLogger({ level: 'silent', secrets: [] }), null, { sessionTtlMs: 60_000 }).users;
      for (const [id, username, role, displayName] of [['u-agent', 'alice', 'agent', 'Alice Wang'], ['u-sup', 'sam', 'supervisor', '王经理']] as const) {
        await users.createLocal({ username, password: 'Kb-Names-Secret-2026!', role, displayName }, { name: 'test' });
        await app.ds.query('UPDATE users SET id = ? WHERE username = ?', [id, username]);
      }
      const id = (await app.call('agent', 'POST', '/kb/articles', { title: 'Names', body: 'v1' })).body.id;
      const made = await app.call('agent', 'GET', `/kb/articles/${id}?drafts=true`);
      expect(made.body).to.include({ author: 'alice', authorName: 'Alice Wang' });
      await app.call('agent', 'POST', `/kb/articles/${id}/submit`);
      const rejected = await app.call('sup', 'POST', `/kb/articles/${id}/reject`, { note: 'more' });
      expect(rejected.body.review).to.include({ by: 'sam', byName: '王经理' });
      expect((await app.call('sup2', 'PATCH', `/kb/articles/${id}`, { body: 'v2' })).body).to.include({ author: 'sue', authorName: 'sue' });
      const versions = (await app.call('sup', 'GET', `/kb/articles/${id}/versions`)).body.items;
      expect(versions.map((v: any) => [v.version, v.author, v.authorName, v.review?.byName ?? null])).to.deep.equal([
        [2, 'sue', 'sue', null],
        [1, 'alice', 'Alice Wang', '王经理'],
      ]);
      const listed = (await app.call('sup', 'GET', '/kb/articles?drafts=true&limit=100')).body.items.find((a: any) => a.id === id);
      expect(listed).to.include({ author: 'sue', authorName: 'sue' });
    });

    it('every edit is a version; versions are listed and diffed line by line', async () => {
      const id = await publish(app, 'agent', 'sup', { title: 'Callbacks', body: 'step one\nstep two\nstep three', tags: ['cb'] });
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, { body: 'step one\nstep 2\nstep three\nstep four', faq: true, baseVersion: 1 })).status).to.equal(200);
      const stale = await app.call('agent', 'PATCH', `/kb/articles/${id}`, { title: 'stale', baseVersion: 1 });
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal('version_conflict');
      const versions = await app.call('agent', 'GET', `/kb/articles/${id}/versions`);
      expect(versions.body).to.include({ latestVersion: 2, publishedVersion: 1 });
      expect(versions.body.items.map((v: any) => [v.version, v.published, v.latest, v.author])).to.deep.equal([
        [2, false, true, 'alice'],
        [1, true, false, 'alice'],
      ]);
      const diff = await app.call('agent', 'GET', `/kb/articles/${id}/diff?from=1&to=2`);
      expect(diff.status).to.equal(200);
      expect(diff.body.lines).to.deep.equal([
        { op: 'same', text: 'step one' },
        { op: 'removed', text: 'step two' },
        { op: 'added', text: 'step 2' },
        { op: 'same', text: 'step three' },
        { op: 'added', text: 'step four' },
      ]);
      expect(diff.body.fields).to.deep.equal({ faq: { from: false, to: true } });
      expect(diff.body.unified).to.equal('  step one\n- step two\n+ step 2\n  step three\n+ step four');
      expect((await app.call('agent', 'GET', `/kb/articles/${id}/diff?from=1&to=9`)).status).to.equal(404);
      expect((await app.call('agent', 'GET', `/kb/articles/${id}/diff?from=one&to=2`)).status).to.equal(400);
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}/versions`)).status, 'drafts are the authors\'').to.equal(404);
      // Agents keep reading version 1 until version 2 is approved.
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).body).to.include({ version: 1, body: 'step one\nstep two\nstep three' });
      await app.call('agent', 'POST', `/kb/articles/${id}/submit`);
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).body.version).to.equal(1);
      await app.call('admin', 'POST', `/kb/articles/${id}/approve`, {});
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).body).to.include({ version: 2, faq: true });
      expect((await app.call('agent2', 'GET', `/kb/search?q=four`)).body.items.map((i: any) => i.id)).to.deep.equal([id]);
    });

    it('counts views when agents open a published article, and helpful votes per user (changeable)', async () => {
      const id = await publish(app, 'agent', 'sup', { title: 'Votes', body: 'v' });
      await app.call('sup', 'GET', `/kb/articles/${id}`);
      await app.call('agent2', 'GET', `/kb/articles/${id}`);
      expect((await app.call('agent', 'GET', `/kb/articles/${id}`)).body.views).to.equal(2);
      expect((await app.call('agent', 'PUT', `/kb/articles/${id}/vote`, { helpful: true })).body).to.deep.equal({ yes: 1, no: 0, mine: true });
      expect((await app.call('agent', 'PUT', `/kb/articles/${id}/vote`, { helpful: false })).body).to.deep.equal({ yes: 0, no: 1, mine: false });
      expect((await app.call('agent2', 'PUT', `/kb/articles/${id}/vote`, { helpful: true })).body).to.deep.equal({ yes: 1, no: 1, mine: true });
      expect((await app.call('agent2', 'GET', `/kb/articles/${id}`)).body.helpful).to.deep.equal({ yes: 1, no: 1, mine: true });
      expect((await app.call('agent', 'PUT', `/kb/articles/${id}/vote`, { helpful: 'yes' })).status).to.equal(400);
      const draft = (await app.call('agent', 'POST', '/kb/articles', { title: 'd', body: 'd' })).body.id;
      expect((await app.call('agent2', 'PUT', `/kb/articles/${draft}/vote`, { helpful: true })).status).to.equal(404);
      expect(await app.count('kb_votes')).to.equal(2);
    });

    it('keeps the category tree sound: no cycles, no deleting a non-empty category, no unknown parent', async () => {
      const mk = async (name: string, parentId?: string) => (await app.call('sup', 'POST', '/kb/categories', { name, parentId })).body.id as string;
      const a = await mk('A');
      const b = await mk('B', a);
      const c = await mk('C', b);
      const before = await snapshot();
      const cycle = await app.call('sup', 'PATCH', `/kb/categories/${a}`, { parentId: c });
      expect(cycle.status).to.equal(409);
      expect(cycle.body.error.code).to.equal('category_cycle');
      expect((await app.call('sup', 'PATCH', `/kb/categories/${b}`, { parentId: b })).body.error.code).to.equal('category_cycle');
      const unknown = await app.call('sup', 'PATCH', `/kb/categories/${b}`, { parentId: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal('unknown_category');
      expect((await app.call('sup', 'POST', '/kb/categories', { name: 'B', parentId: a })).body.error.code).to.equal('category_name_taken');
      const notEmpty = await app.call('sup', 'DELETE', `/kb/categories/${a}`);
      expect(notEmpty.status).to.equal(409);
      expect(notEmpty.body.error.code).to.equal('category_not_empty');
      expect((await app.call('agent', 'POST', '/kb/categories', { name: 'agents do not' })).status).to.equal(403);
      expect(await snapshot()).to.deep.equal(before);
      const tree = (await app.call('agent', 'GET', '/kb/categories')).body.items;
      const nodeA = tree.find((n: any) => n.id === a);
      expect(nodeA.children[0]).to.include({ id: b });
      expect(nodeA.children[0].children[0]).to.include({ id: c });
      expect(nodeA.children[0].children[0].path).to.deep.equal(['A', 'B', 'C']);
      // An article in C makes C non-empty; moving C to the root is fine.
      const art = (await app.call('agent', 'POST', '/kb/articles', { title: 'in C', body: '', categoryId: c })).body.id;
      expect((await app.call('sup', 'DELETE', `/kb/categories/${c}`)).status).to.equal(409);
      expect((await app.call('sup', 'PATCH', `/kb/categories/${c}`, { parentId: null })).body).to.include({ parentId: null });
      expect((await app.call('sup', 'DELETE', `/kb/categories/${b}`)).status).to.equal(204);
      expect((await app.call('agent', 'PATCH', `/kb/articles/${art}`, { categoryId: a })).status).to.equal(200);
      expect((await app.call('sup', 'DELETE', `/kb/categories/${c}`)).status).to.equal(204);
      expect((await app.call('sup', 'GET', `/kb/categories/${c}`)).status).to.equal(404);
    });

    it('refuses bad article input with a clear 4xx and stores nothing', async () => {
      const before = await snapshot();
      const cases: Array<[unknown, string]> = [
        [{ title: 'x', body: 'y', color: 'red' }, 'color'],
        [{ title: 42, body: 'y' }, 'title'],
        [{ title: '', body: 'y' }, 'title'],
        [{ title: 'x', body: 'y', faq: 'yes' }, 'faq'],
        [{ title: 'x', body: 'y', tags: 'a,b' }, 'tags'],
        [{ title: 'x', body: 'y', categoryId: 'not-a-uuid' }, 'categoryId'],
      ];
      for (const [body, field] of cases) {
        const res = await app.call('agent', 'POST', '/kb/articles', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.message, JSON.stringify(body)).to.contain(field);
      }
      const missing = await app.call('agent', 'POST', '/kb/articles', { title: 'x', body: 'y', categoryId: '00000000-0000-4000-8000-000000000000' });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.code).to.equal('unknown_category');
      expect((await app.call('agent', 'GET', '/kb/articles/not-a-uuid')).status).to.equal(400);
      expect((await app.call('agent', 'GET', '/kb/articles/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
      const id = await publish(app, 'agent', 'sup', { title: 'Input', body: 'b' });
      const mid = await snapshot();
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, {})).status).to.equal(400);
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, { title: 'x', views: 9 })).status).to.equal(400);
      expect((await app.call('agent', 'PATCH', `/kb/articles/${id}`, { categoryId: '00000000-0000-4000-8000-000000000000' })).status).to.equal(400);
      expect((await app.call('agent2', 'PATCH', `/kb/articles/${id}`, { title: 'not mine' })).body.error.code).to.equal('not_author');
      expect(await snapshot()).to.deep.equal(mid);
      expect(before.kb_articles + 1).to.equal(mid.kb_articles);
    });

    it('attachments: PDF/PNG/JPEG/text by their magic bytes, a size limit (413), wrong types refused (415)', async () => {
      const id = await publish(app, 'agent', 'sup', { title: 'Files', body: 'f' });
      const png = await app.upload('agent', id, '截图.png', PNG, 'image/png');
      expect(png.status).to.equal(201);
      expect(png.body).to.include({ filename: '截图.png', contentType: 'image/png', sizeBytes: PNG.length });
      expect((await app.upload('agent', id, 'guide.pdf', PDF)).body.contentType).to.equal('application/pdf');
      expect((await app.upload('agent', id, 'jpg.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).body.contentType).to.equal('image/jpeg');
      expect((await app.upload('agent', id, 'notes.txt', Buffer.from('坐席须知\n第一条'))).body.contentType).to.equal('text/plain; charset=utf-8');
      const before = await snapshot();
      const exe = await app.upload('agent', id, 'evil.pdf', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe]), 'application/pdf');
      expect(exe.status).to.equal(415);
      expect(exe.body.error.code).to.equal('unsupported_attachment');
      const big = await app.upload('agent', id, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(LIMIT)]));
      expect(big.status).to.equal(413);
      expect(big.body.error.message).to.contain('limit');
      expect((await app.upload('agent', id, 'a.json', Buffer.from('{"a":1}'), 'application/json')).status).to.equal(415);
      expect((await app.upload('agent', id, '../x.txt', Buffer.from('x'))).status).to.equal(400);
      expect((await app.upload('agent2', id, 'x.txt', Buffer.from('x'))).status).to.equal(403);
      expect(await snapshot()).to.deep.equal(before);
      const article = await app.call('agent2', 'GET', `/kb/articles/${id}`);
      expect(article.body.attachments.map((a: any) => a.filename)).to.deep.equal(['截图.png', 'guide.pdf', 'jpg.jpg', 'notes.txt']);
      const res = await fetch(`${app.base}/kb/articles/${id}/attachments/${png.body.id}`, { headers: { authorization: 'Bearer agent2' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).to.equal(true);
      expect(res.headers.get('content-disposition')).to.contain(`filename*=UTF-8''${encodeURIComponent('截图.png')}`);
      expect((await app.call('agent', 'DELETE', `/kb/articles/${id}/attachments/${png.body.id}`)).status).to.equal(204);
      expect((await app.call('agent', 'DELETE', `/kb/articles/${id}/attachments/${png.body.id}`)).status).to.equal(404);
    });
  });
}
