// The OpenAPI document as an API user reads it, against the real service (no Asterisk, SQLite):
// request bodies, query and path parameters are there with their schemas, uploads say what
// they take, and the document tells the truth: a body or query it says is valid is accepted,
// one it says is invalid gets 400 validation_failed.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import type { HotlineProcess } from '../support/hotline.js';
import { schemaProblems } from '../support/json-schema.js';
import { concrete, operations as operationsOf, startWithoutPbx, type OpenApiDoc, type Operation, type Schema } from '../support/openapi-cases.js';

/** POST/PUT/PATCH routes that take no body at all (actions named by their path). */
const BODYLESS = [
  'post /api/auth/logout', 'post /api/auth/totp/enrol', 'post /api/acd/reconcile',
  'post /api/acd/agents/{agentId}/login', 'post /api/acd/agents/{agentId}/logout', 'post /api/acd/agents/{agentId}/ready',
  'post /api/wallboard/agents/{agentId}/logout', 'post /api/wallboard/agents/{agentId}/ready',
  'post /api/acd/agents/{agentId}/call/hangup',
  'post /api/io/imports/{jobId}/cancel', 'post /api/ivr/flows/{name}/default', 'post /api/ivr/flows/{name}/publish',
  'post /api/ivr/flows/{name}/validate', 'post /api/reminders/{id}/complete',
  'post /api/reports/schedules/{id}/send',
  'post /api/recordings/keys/rotate', 'post /api/qa/evaluations/{id}/acknowledge', 'post /api/fax/{id}/resend',
  'post /api/voicemails/{id}/reopen',
  'post /api/campaigns/{name}/next', 'post /api/campaigns/{name}/contacts/{id}/dial', 'post /api/campaigns/{name}/contacts/{id}/release',
  'post /api/webhooks/{id}/secret', 'post /api/webhooks/{id}/test', 'post /api/webhooks/deliveries/{deliveryId}/retry',
];

describe('OpenAPI document: input schemas from the zod schemas the routes validate with', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let doc: OpenApiDoc;
  let stop: (() => Promise<void>) | undefined;

  const op = (method: string, path: string): Operation => {
    const o = doc.paths[path]?.[method];
    if (!o) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return o;
  };
  const jsonBody = (method: string, path: string): Schema => {
    const schema = op(method, path).requestBody?.content['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON body`);
    return schema;
  };
  const queryParams = (path: string) => new Map((op('get', path).parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
  const operations = () => operationsOf(doc);

  before(async () => {
    db = await createTestDb('sqlite');
    ({ hotline, doc, stop } = await startWithoutPbx(db));
  });
  after(async () => {
    await stop?.();
    await db?.drop();
  });

  it('is OpenAPI 3.1 and lists exactly the declared routes', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    const routes = await api(hotline.url, 'GET', '/api/auth/routes');
    expect(operations().map((x) => `${x.method.toUpperCase()} ${x.path}`).sort()).to.deep.equal(
      (routes.body.items as Array<{ method: string; path: string }>).map((d) => `${d.method} ${d.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`).sort(),
    );
  });

  it('POST /api/customers documents its required fields, their limits, and refuses unknown fields', () => {
    const o = op('post', '/api/customers');
    expect(o.requestBody!.required).to.equal(true);
    const s = jsonBody('post', '/api/customers');
    expect(s.type).to.equal('object');
    expect(s.required).to.deep.equal(['name']);
    expect(s.additionalProperties).to.equal(false);
    expect(s.properties.name).to.include({ type: 'string', minLength: 1, maxLength: 128 });
    expect(s.properties.vipLevel).to.include({ type: 'integer', minimum: 0, maximum: 9, default: 0 });
    expect(s.properties.phones).to.include({ type: 'array', maxItems: 20 });
    expect(Object.keys(s.properties)).to.include.members(['phones', 'emails', 'company', 'tags', 'customFields']);
  });

  it('list routes document pagination, filters and sorting as typed query parameters', () => {
    for (const path of ['/api/customers', '/api/tickets', '/api/calls', '/api/companies', '/api/reminders', '/api/audit']) {
      const q = queryParams(path);
      expect(q.get('limit')?.schema, `${path} limit`).to.include({ type: 'integer', minimum: 1 });
      expect(q.get('offset')?.schema, `${path} offset`).to.include({ type: 'integer', minimum: 0 });
      expect(q.get('limit')!.required).to.equal(false);
    }
    const customers = queryParams('/api/customers');
    expect(customers.get('sort')!.schema.enum).to.include.members(['name', 'createdAt', 'updatedAt']);
    expect(customers.get('order')!.schema).to.deep.include({ enum: ['asc', 'desc'], default: 'desc' });
    expect(customers.get('limit')!.schema).to.include({ default: 20, maximum: 100 });
    expect([...customers.keys()]).to.include.members(['name', 'phone', 'tag', 'region']);
    expect(queryParams('/api/tickets').get('sort')!.schema.enum).to.be.an('array').that.is.not.empty;
    expect(queryParams('/api/kb/articles').get('sort')!.schema.enum).to.include('title');
  });

  it('path parameters are typed (uuid, integer, enum, pattern)', () => {
    const param = (method: string, path: string, name: string) => op(method, path).parameters!.find((p) => p.in === 'path' && p.name === name)!;
    expect(param('get', '/api/customers/{id}', 'id').schema).to.include({ type: 'string', format: 'uuid' });
    expect(param('get', '/api/ivr/flows/{name}/versions/{version}', 'version').schema).to.include({ type: 'integer', minimum: 1 });
    expect(param('put', '/api/ticket-sla/{priority}', 'priority').schema.enum).to.include('normal');
    expect(param('get', '/api/ivr/flows/{name}', 'name').schema.pattern).to.be.a('string');
    for (const { path, method, o } of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const documented = (o.parameters ?? []).filter((p) => p.in === 'path');
      expect(documented.map((p) => p.name), `${method} ${path}`).to.deep.equal(inPath);
      for (const p of documented) expect(p.required, `${method} ${path} ${p.name}`).to.equal(true);
    }
  });

  it('every route that takes a body documents it: JSON with its schema, or an upload with its media types', () => {
    const missing = operations()
      .filter(({ method }) => ['post', 'put', 'patch'].includes(method))
      .filter(({ path, method, o }) => !o.requestBody && !BODYLESS.includes(`${method} ${path}`))
      .map(({ path, method }) => `${method} ${path}`);
    expect(missing).to.deep.equal([]);
    for (const name of BODYLESS) {
      const [method, path] = name.split(' ');
      expect(op(method!, path!).requestBody, name).to.equal(undefined);
    }
    const upload = (method: string, path: string) => Object.keys(op(method, path).requestBody!.content);
    expect(upload('put', '/api/prompts/{name}')).to.include('audio/wav').and.not.include('application/json');
    expect(upload('post', '/api/io/imports/customers')).to.have.members(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv']);
    expect(upload('post', '/api/tickets/{ticketId}/attachments')).to.deep.equal(['*/*']);
    expect(upload('post', '/api/kb/articles/{articleId}/attachments')).to.deep.equal(['*/*']);
    const promptQuery = op('put', '/api/prompts/{name}').parameters!.find((p) => p.in === 'query' && p.name === 'language');
    expect(promptQuery?.schema.enum).to.have.members(['en', 'zh']);
  });

  it('every JSON body with required fields: {} is invalid by the document and refused by the server with 400 naming a required field', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { path, method, o } of operations()) {
      const schema = o.requestBody?.content['application/json']?.schema;
      if (!schema?.required?.length) continue;
      if (path === '/api/auth/login') continue; // public and rate-limited: covered by the auth tests
      expect(schemaProblems(schema, {}), `${method} ${path}`).to.not.deep.equal([]);
      const res = await api(hotline.url, method.toUpperCase(), concrete(path, o), {});
      checked++;
      const fields = ((res.body?.error?.details ?? []) as Array<{ field: string }>).map((d) => d.field.split('.')[0]);
      if (res.status !== 400 || res.body.error.code !== 'validation_failed' || !fields.some((f) => schema.required.includes(f))) {
        wrong.push(`${method.toUpperCase()} ${path} -> ${res.status} ${JSON.stringify(res.body?.error ?? res.body).slice(0, 200)}`);
      }
    }
    expect(checked).to.be.greaterThan(20);
    expect(wrong).to.deep.equal([]);
  });

  it('every GET route, called as the document describes it (typed path values, no query), never fails with 500', async () => {
    const broken: string[] = [];
    for (const { path, method, o } of operations().filter((x) => x.method === 'get')) {
      const res = await api(hotline.url, 'GET', concrete(path, o));
      if (res.status >= 500) broken.push(`${method.toUpperCase()} ${path} -> ${res.status} ${JSON.stringify(res.body?.error ?? '').slice(0, 200)}`);
    }
    expect(broken).to.deep.equal([]);
  });

  it('round trip: bodies the document accepts are accepted, bodies it refuses get 400 (customers, tickets, SLA)', async () => {
    const send = async (method: string, path: string, url: string, body: unknown, expectValid: boolean, okStatus: number) => {
      const problems = schemaProblems(jsonBody(method, path), body);
      expect(problems.length === 0, `document on ${JSON.stringify(body)}: ${problems.join('; ')}`).to.equal(expectValid);
      const res = await api(hotline.url, method.toUpperCase(), url, body);
      expect(res.status, `${method.toUpperCase()} ${url} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`).to.equal(expectValid ? okStatus : 400);
      if (!expectValid) expect(res.body.error.code).to.equal('validation_failed');
      return res.body;
    };

    const customer = await send('post', '/api/customers', '/api/customers', { name: 'Open API', phones: ['+86 138 0013 8123'], vipLevel: 2, tags: ['docs'] }, true, 201);
    await send('post', '/api/customers', '/api/customers', { phones: ['+86 138 0013 8124'] }, false, 201);
    await send('post', '/api/customers', '/api/customers', { name: 'Open API', nickname: 'not a field' }, false, 201);
    await send('post', '/api/customers', '/api/customers', { name: 'Open API', vipLevel: 10 }, false, 201);

    await send('post', '/api/tickets', '/api/tickets', { title: 'Documented', customerId: customer.id, priority: 'high' }, true, 201);
    await send('post', '/api/tickets', '/api/tickets', { customerId: customer.id }, false, 201);
    await send('post', '/api/tickets', '/api/tickets', { title: 'Documented', customerId: customer.id, priority: 'whenever' }, false, 201);

    await send('put', '/api/ticket-sla/{priority}', '/api/ticket-sla/low', { firstResponseSeconds: 3600, resolutionSeconds: 86400 }, true, 200);
    await send('put', '/api/ticket-sla/{priority}', '/api/ticket-sla/low', { firstResponseSeconds: 3600 }, false, 200);
    await send('put', '/api/ticket-sla/{priority}', '/api/ticket-sla/low', { firstResponseSeconds: 0, resolutionSeconds: 86400 }, false, 200);
  });

  it('round trip for query parameters: values the document allows are accepted, others get 400', async () => {
    const q = queryParams('/api/customers');
    const check = async (params: Record<string, string | number>, expectValid: boolean) => {
      const problems = Object.entries(params).flatMap(([k, v]) => (q.has(k) ? schemaProblems(q.get(k)!.schema, v, k) : [`${k}: not a documented parameter`]));
      expect(problems.length === 0, `document on ${JSON.stringify(params)}: ${problems.join('; ')}`).to.equal(expectValid);
      const res = await api(hotline.url, 'GET', `/api/customers?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
      expect(res.status, `${JSON.stringify(params)} -> ${JSON.stringify(res.body)}`).to.equal(expectValid ? 200 : 400);
      return res.body;
    };
    const page = await check({ sort: 'name', order: 'asc', limit: 5, offset: 0, tag: 'docs' }, true);
    expect(page.items.map((c: { name: string }) => c.name)).to.deep.equal(['Open API']);
    await check({ sort: 'shoeSize' }, false);
    await check({ limit: 101 }, false);
    await check({ limit: 0 }, false);
  });
});
