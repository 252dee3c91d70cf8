// The OpenAPI document is generated from the schemas routes declare, and handlers can only
// read input through a declared schema: what validates is what is documented.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { z } from 'zod';
import { RouteRegistry, SecureRouter } from '../../app/auth/permissions.js';
import { openApiDocument } from '../../app/http/openapi.js';
import { input } from '../../app/http/validate.js';
import { createLogger } from '../../app/logger.js';
import { serveApi, type Served } from '../support/serve.js';

const body = z.strictObject({ name: z.string().min(1).max(10), size: z.number().int().min(1).default(1) });
const query = z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(20), sort: z.enum(['name', 'size']).default('name') });
const params = z.object({ id: z.uuid() });
const other = z.strictObject({ name: z.string() });

function routes() {
  const registry = new RouteRegistry();
  const r = new SecureRouter({ registry, authenticate: async () => ({ kind: 'user', id: '1', name: 'admin', role: 'admin' }) });
  r.post('/things', { allow: ['admin'], body }, (req, res) => void res.status(201).json(input(req, 'body', body)));
  r.get('/things', { allow: ['admin'], query }, (req, res) => void res.json(input(req, 'query', query)));
  r.post('/things/:id/poke', { allow: ['admin'], params, body: other, bodyOptional: true }, (req, res) => void res.json(input(req, 'body', other)));
  r.put('/things/:id/file', { allow: ['admin'], params, upload: { contentTypes: ['text/csv'], description: 'a csv' } }, (_req, res) => void res.end());
  r.post('/sloppy', { allow: ['admin'] }, (req, res) => void res.json(input(req, 'body', body)));
  r.post('/wrong', { allow: ['admin'], body }, (req, res) => void res.json(input(req, 'body', other)));
  return { registry, r };
}

describe('OpenAPI from declared input schemas', () => {
  const { registry, r } = routes();
  const doc = openApiDocument(registry.documentedRoutes(), 'test') as { paths: Record<string, Record<string, any>> };

  it('a declared body is the requestBody, as JSON Schema of what the client sends', () => {
    const rb = doc.paths['/api/things']!.post.requestBody;
    expect(rb.required).to.equal(true);
    expect(rb.content['application/json'].schema).to.deep.equal({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 10 }, size: { type: 'integer', minimum: 1, default: 1, maximum: Number.MAX_SAFE_INTEGER } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(doc.paths['/api/things/{id}/poke']!.post.requestBody.required).to.equal(false);
  });

  it('a declared query becomes one parameter per field; path parameters get their schema', () => {
    const ps = doc.paths['/api/things']!.get.parameters;
    expect(ps.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required])).to.deep.equal([['limit', 'query', false], ['sort', 'query', false]]);
    expect(ps[0].schema).to.include({ type: 'integer', minimum: 1, maximum: 50, default: 20 });
    const id = doc.paths['/api/things/{id}/poke']!.post.parameters[0];
    expect(id).to.deep.include({ name: 'id', in: 'path', required: true });
    expect(id.schema).to.include({ type: 'string', format: 'uuid' });
  });

  it('an upload is described by its media types, without a JSON schema', () => {
    expect(doc.paths['/api/things/{id}/file']!.put.requestBody).to.deep.equal({ required: true, description: 'a csv', content: { 'text/csv': {} } });
  });

  it('refuses a params schema naming a parameter the path does not have', () => {
    const reg = new RouteRegistry();
    new SecureRouter({ registry: reg, authenticate: async () => null }).get('/x/:id', { allow: ['admin'], params: z.object({ key: z.string() }) }, (_q, s) => void s.end());
    expect(() => openApiDocument(reg.documentedRoutes(), 'test')).to.throw('GET /api/x/:id: the params schema names key');
  });

  it('GET /api/auth/routes still sees method, path and roles only', () => {
    expect(registry.routeDeclarations()[0]).to.deep.equal({ method: 'POST', path: '/api/things', allow: ['admin'] });
  });

  describe('over HTTP', () => {
    let served: Served;
    before(async () => {
      served = await serveApi(createLogger({ level: 'silent', secrets: [] }), r.router);
    });
    after(() => served?.close());
    const send = (method: string, path: string, b?: unknown) =>
      fetch(`${served.base}${path}`, { method, headers: b === undefined ? {} : { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });

    it('validates with the declared schema: 400 names the field', async () => {
      expect((await send('POST', '/things', { name: 'x' })).status).to.equal(201);
      const bad = await send('POST', '/things', { name: 'x', extra: 1 });
      expect(bad.status).to.equal(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal('validation_failed');
      expect((await send('GET', '/things?limit=51')).status).to.equal(400);
      expect(await (await send('GET', '/things?limit=5')).json()).to.deep.equal({ limit: 5, sort: 'name' });
    });

    it('a route declared bodyOptional takes no body as {}', async () => {
      expect((await send('POST', '/things/00000000-0000-4000-8000-000000000000/poke')).status).to.equal(400); // {} lacks name
      expect((await send('POST', '/things/00000000-0000-4000-8000-000000000000/poke', { name: 'a' })).status).to.equal(200);
    });

    it('a handler reading input with a schema its route did not declare is a bug (500), never silently undocumented', async () => {
      expect((await send('POST', '/sloppy', { name: 'x' })).status).to.equal(500);
      expect((await send('POST', '/wrong', { name: 'x' })).status).to.equal(500);
    });
  });

  it('route handlers read request input only through input() (no parse of req.body/query/params)', () => {
    const root = join(import.meta.dirname, '../../app');
    const offenders: string[] = [];
    for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(join(root, dir.name)).filter((n) => n.endsWith('.http.ts'))) {
        const src = readFileSync(join(root, dir.name, f), 'utf8');
        for (const m of src.matchAll(/(?<!JSON\.)\bparse\(/g)) offenders.push(`${dir.name}/${f}: ${src.slice(m.index, m.index + 60).split('\n')[0]}`);
        if (/\.safeParse\(req\./.test(src)) offenders.push(`${dir.name}/${f}: safeParse on request input`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
