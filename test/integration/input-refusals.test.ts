// Input Hotline must refuse on every route, checked against the running service (no Asterisk)
// on real SQLite and MariaDB, with the cases generated from the OpenAPI document so a route
// added tomorrow is covered too:
// - a NUL character or an unpaired UTF-16 surrogate in any string of a JSON body, or a NUL in
//   any query or path parameter, is a 400 validation_failed naming the field, and changes
//   nothing; a path segment that is not UTF-8 (a lone surrogate) is a 400 malformed_path;
// - a query parameter the route does not know is a 400 on every route;
// - a query string over Node's 16 KB header limit gets a 431 in the JSON error shape.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import type { HotlineProcess } from '../support/hotline.js';
import { concrete, operations, startWithoutPbx, stringFields, valueAt, type OpenApiDoc } from '../support/openapi-cases.js';

const BAD = [
  { what: 'a NUL', text: 'a\u0000b', message: /NUL/ },
  { what: 'a lone surrogate', text: 'a\ud800b', message: /unpaired UTF-16 surrogate/ },
];

/** Every row of every table, hashed per table: equal fingerprints mean nothing was written. */
async function fingerprint(db: TestDb): Promise<Record<string, string>> {
  const tables =
    db.kind === 'sqlite'
      ? (await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => `"${r.name}"`)
      : (await db.query<Record<string, string>>('SHOW TABLES')).map((r) => `\`${Object.values(r)[0]}\``);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const rows = (await db.query(`SELECT * FROM ${t}`)).map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    out[t] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

for (const kind of DB_KINDS) {
  describe(`refused input on every route (${kind})`, function () {
    this.timeout(180_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let doc: OpenApiDoc;
    let stop: (() => Promise<void>) | undefined;

    before(async () => {
      db = await createTestDb(kind);
      ({ hotline, doc, stop } = await startWithoutPbx(db));
    });
    after(async () => {
      await stop?.();
      await db?.drop();
    });

    it('a NUL or a lone surrogate in any string of any JSON body or path, or a NUL in any query parameter: 400 naming the field, nothing written', async () => {
      const before = await fingerprint(db);
      const wrong: string[] = [];
      let bodies = 0;
      let queries = 0;
      let paths = 0;
      for (const { path, method, o } of operations(doc)) {
        const url = concrete(path, o);
        const schema = o.requestBody?.content['application/json']?.schema;
        for (const field of schema ? stringFields(schema) : []) {
          for (const bad of BAD) {
            bodies++;
            const res = await api(hotline.url, method.toUpperCase(), url, valueAt(field, bad.text));
            const details = (res.body?.error?.details ?? []) as Array<{ field: string; message: string }>;
            const named = field.join('.') || 'body';
            if (res.status !== 400 || res.body.error.code !== 'validation_failed' || details.length !== 1 || details[0]!.field !== named || !bad.message.test(details[0]!.message)) {
              wrong.push(`${method.toUpperCase()} ${path} body.${named} with ${bad.what} -> ${res.status} ${JSON.stringify(res.body?.error ?? res.body).slice(0, 160)}`);
            }
          }
        }
        for (const p of (o.parameters ?? []).filter((x) => x.in === 'path')) {
          // A NUL in a path segment, and a lone surrogate as UTF-8 (which no decoder accepts).
          paths++;
          const at = (v: string) => concrete(path.replace(`{${p.name}}`, '__bad__'), o).replace('__bad__', v);
          const nul = await api(hotline.url, method.toUpperCase(), at('a%00b'));
          const surrogate = await api(hotline.url, method.toUpperCase(), at('a%ED%A0%80b'));
          if (nul.status !== 400 || nul.body.error.code !== 'validation_failed' || nul.body.error.details?.[0]?.field !== p.name) {
            wrong.push(`${method.toUpperCase()} ${path} {${p.name}} with a NUL -> ${nul.status} ${JSON.stringify(nul.body?.error ?? nul.body).slice(0, 160)}`);
          }
          if (surrogate.status !== 400 || surrogate.body.error.code !== 'malformed_path') {
            wrong.push(`${method.toUpperCase()} ${path} {${p.name}} with a lone surrogate -> ${surrogate.status} ${JSON.stringify(surrogate.body?.error ?? surrogate.body).slice(0, 160)}`);
          }
        }
        for (const p of (o.parameters ?? []).filter((x) => x.in === 'query')) {
          queries++;
          const res = await api(hotline.url, method.toUpperCase(), `${url}?${p.name}=a%00b`);
          const details = (res.body?.error?.details ?? []) as Array<{ field: string; message: string }>;
          if (res.status !== 400 || res.body.error.code !== 'validation_failed' || details[0]?.field !== p.name || !/NUL/.test(details[0]!.message)) {
            wrong.push(`${method.toUpperCase()} ${path}?${p.name} with a NUL -> ${res.status} ${JSON.stringify(res.body?.error ?? res.body).slice(0, 160)}`);
          }
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(bodies, 'string fields in bodies checked').to.be.greaterThan(200);
      expect(queries, 'query parameters checked').to.be.greaterThan(40);
      expect(paths, 'path parameters checked').to.be.greaterThan(60);
      expect(await fingerprint(db)).to.deep.equal(before);
    });

    it('a customer whose name holds a NUL or a lone surrogate is refused and not stored, on create and on change', async () => {
      for (const bad of BAD) {
        const res = await api(hotline.url, 'POST', '/api/customers', { name: `Ann${bad.text}Lee`, phones: ['13800138999'] });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error).to.deep.include({ code: 'validation_failed' });
        expect(res.body.error.details).to.have.length(1);
        expect(res.body.error.details[0].field).to.equal('name');
        expect(res.body.error.details[0].message).to.match(bad.message);
      }
      expect((await api(hotline.url, 'GET', '/api/customers?phone=13800138999')).body.total).to.equal(0);
      expect(await db.query('SELECT id FROM customers')).to.deep.equal([]);

      const created = await api(hotline.url, 'POST', '/api/customers', { name: 'Ann Lee', phones: ['13800138999'], customFields: { note: 'ok' } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      for (const body of [{ name: 'Ann\u0000' }, { company: '\udc00ACME' }, { customFields: { ['k\u0000']: 'x' } }, { tags: ['ok', 'v\ud800ip'] }]) {
        const res = await api(hotline.url, 'PATCH', `/api/customers/${created.body.id}`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      const stored = await api(hotline.url, 'GET', `/api/customers/${created.body.id}`);
      expect(stored.body).to.deep.include({ name: 'Ann Lee', company: '', tags: [] });
      expect(stored.body.customFields).to.deep.equal({ note: 'ok' });
    });

    it('a query parameter the route does not know: 400 on every route', async () => {
      const ignored: string[] = [];
      for (const { path, method, o } of operations(doc)) {
        const res = await api(hotline.url, method.toUpperCase(), `${concrete(path, o)}?zzUnknown=1`);
        const details = (res.body?.error?.details ?? []) as Array<{ field: string; message: string }>;
        if (res.status !== 400 || res.body.error.code !== 'validation_failed' || !JSON.stringify(details).includes('zzUnknown')) {
          ignored.push(`${method.toUpperCase()} ${path} -> ${res.status} ${JSON.stringify(res.body?.error ?? '').slice(0, 160)}`);
        }
      }
      expect(ignored).to.deep.equal([]);
      const stats = await api(hotline.url, 'GET', '/api/acd/queues/sales/stats?tz=Asia/Shanghai&bogus=1');
      expect(stats.status).to.equal(400);
    });

    it('a query string over 16 KB: 431 with the JSON error shape', async () => {
      const res = await fetch(`${hotline.url}/api/customers?name=${'x'.repeat(17 * 1024)}`, { headers: { authorization: 'Bearer whatever' } });
      expect(res.status).to.equal(431);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal('headers_too_large');
      expect(body.error.message).to.match(/16 KB/);
      // The service goes on serving.
      expect((await api(hotline.url, 'GET', '/api/customers?name=x')).status).to.equal(200);
    });
  });
}
