// The rules every route's input passes, whatever the route: the text rule (no NUL, no unpaired
// surrogate, anywhere), strict schemas (a route cannot be declared with a query or body schema
// that ignores unknown fields, and a route without a query schema takes no query), and the
// JSON answer to requests Node's HTTP parser refuses.
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { z } from 'zod';
import { RouteRegistry, SecureRouter } from '../../app/auth/permissions.js';
import { answerClientErrorsAsJson } from '../../app/http/client-errors.js';
import { input, refuseBadText } from '../../app/http/validate.js';
import { ValidationError } from '../../app/errors.js';
import { createLogger } from '../../app/logger.js';
import { serveApi, type Served } from '../support/serve.js';

const details = (fn: () => void): Array<{ field: string; message: string }> => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    return (err as ValidationError).details as Array<{ field: string; message: string }>;
  }
  return [];
};

describe('input rules for every route', () => {
  describe('the text rule', () => {
    it('accepts any valid Unicode text: Chinese, emoji (a surrogate pair), control characters other than NUL', () => {
      expect(details(() => refuseBadText({ name: '王小明 😀 tab\there', tags: ['a', 'b'], n: 1, ok: true, nil: null }, 'body'))).to.deep.equal([]);
    });

    it('refuses NUL and unpaired surrogates (high at the end, low at the start, high before a non-low), naming each field', () => {
      const found = details(() => refuseBadText({ name: 'a\u0000b', phones: ['ok', 'x\ud800'], nested: { deep: ['\udc00y'] }, pair: '\ud83d!' }, 'body'));
      expect(found.map((d) => d.field)).to.deep.equal(['name', 'phones.1', 'nested.deep.0', 'pair']);
      expect(found[0]!.message).to.match(/NUL/);
      expect(found[1]!.message).to.match(/unpaired UTF-16 surrogate/);
    });

    it('refuses a bad object key and a bad top-level string (named by the part)', () => {
      expect(details(() => refuseBadText({ customFields: { 'k\u0000': 1 } }, 'body'))).to.deep.equal([{ field: 'customFields', message: 'a key contains a NUL character (U+0000)' }]);
      expect(details(() => refuseBadText('\u0000', 'query'))[0]!.field).to.equal('query');
    });

    it('walks a deeply nested body without overflowing the stack', () => {
      let deep: unknown = 'a\u0000';
      for (let i = 0; i < 200_000; i++) deep = [deep];
      expect(details(() => refuseBadText(deep, 'body'))).to.have.length(1);
    });
  });

  describe('declarations', () => {
    const router = () => new SecureRouter({ registry: new RouteRegistry(), authenticate: async () => ({ kind: 'user', id: '1', name: 'admin', role: 'admin' }) });
    const ok: http.RequestListener = (_q, s) => void s.end();

    it('a query schema that ignores unknown parameters stops the start, naming the route', () => {
      expect(() => router().get('/loose', { allow: ['admin'], query: z.object({ tz: z.string() }) }, ok)).to.throw('GET /api/loose: the query schema must refuse unknown parameters');
      expect(() => router().get('/loose', { allow: ['admin'], query: z.looseObject({ tz: z.string() }) }, ok)).to.throw('refuse unknown parameters');
      expect(() => router().get('/strict', { allow: ['admin'], query: z.strictObject({ tz: z.string() }).refine((q) => q.tz !== 'x') }, ok)).to.not.throw();
    });

    it('an object body schema that ignores unknown fields stops the start', () => {
      expect(() => router().post('/loose', { allow: ['admin'], body: z.object({ name: z.string() }) }, ok)).to.throw('POST /api/loose: the body schema must refuse unknown fields');
      expect(() => router().post('/strict', { allow: ['admin'], body: z.strictObject({ name: z.string() }) }, ok)).to.not.throw();
    });
  });

  describe('over HTTP', () => {
    let served: Served;
    const query = z.strictObject({ tz: z.string().default('UTC') });
    before(async () => {
      const r = new SecureRouter({ registry: new RouteRegistry(), authenticate: async () => ({ kind: 'user', id: '1', name: 'admin', role: 'admin' }) });
      let reads = 0;
      r.get('/plain', { allow: ['admin'] }, (_req, res) => void res.json({ reads: ++reads }));
      r.get('/stats', { allow: ['admin'], query }, (req, res) => void res.json(input(req, 'query', query)));
      r.post('/things/:name', { allow: ['admin'], params: z.object({ name: z.string() }) }, (_req, res) => void res.status(201).end());
      served = await serveApi(createLogger({ level: 'silent', secrets: [] }), r.router);
    });
    after(() => served?.close());
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${served.base}${path}`, init);
      return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string; details: Array<{ field: string }> } } | null };
    };

    it('a route that declares no query refuses any query parameter with 400 naming it', async () => {
      expect((await get('/plain')).status).to.equal(200);
      const res = await get('/plain?since=today');
      expect(res.status).to.equal(400);
      expect(res.body!.error!.code).to.equal('validation_failed');
      expect(res.body!.error!.details).to.deep.equal([{ field: 'since', message: 'unknown query parameter' }]);
      expect((await get('/stats?tz=UTC&bogus=1')).status).to.equal(400);
    });

    it('the text rule holds for parts a handler never reads (an undeclared body, a path segment)', async () => {
      const bodyRes = await get('/things/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":"\\ud800"}' });
      expect(bodyRes.status).to.equal(400);
      expect(bodyRes.body!.error!.details[0]!.field).to.equal('note');
      const pathRes = await get('/things/a%00b', { method: 'POST' });
      expect(pathRes.status).to.equal(400);
      expect(pathRes.body!.error!.details[0]!.field).to.equal('name');
    });
  });

  describe('requests the HTTP parser refuses', () => {
    let server: http.Server;
    let port: number;
    before(async () => {
      server = http.createServer((_req, res) => void res.end('ok'));
      answerClientErrorsAsJson(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    /** Sends raw bytes on one connection and collects everything until the server closes it. */
    const raw = (...requests: string[]) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => {
          got += d.toString();
          if (requests.length && got.endsWith('ok')) s.write(requests.shift()!);
        });
        s.on('end', () => resolve(got));
        s.on('error', reject);
        s.write(requests.shift()!);
      });
    const answer = (text: string) => {
      const last = text.slice(text.lastIndexOf('HTTP/1.1 '));
      const [head, body] = last.split('\r\n\r\n');
      return { status: Number(head!.split(' ')[1]), head: head!, body: JSON.parse(body!) as { error: { code: string; message: string } } };
    };
    const huge = `GET /api/customers?name=${'x'.repeat(17 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`;

    it('a query string over 16 KB: 431 as JSON with a stable code', async () => {
      const a = answer(await raw(huge));
      expect(a.status).to.equal(431);
      expect(a.head).to.match(/content-type: application\/json/i);
      expect(a.body.error).to.deep.equal({ code: 'headers_too_large', message: 'the request line and headers (query string included) exceed 16 KB' });
    });

    it('also on a keep-alive connection that already served a request', async () => {
      const text = await raw('GET / HTTP/1.1\r\nHost: x\r\n\r\n', huge);
      expect(text).to.match(/^HTTP\/1\.1 200/);
      expect(answer(text).status).to.equal(431);
    });

    it('a malformed request: 400 as JSON', async () => {
      const a = answer(await raw('NOT HTTP AT ALL\r\n\r\n'));
      expect(a.status).to.equal(400);
      expect(a.body.error.code).to.equal('malformed_request');
    });
  });
});
