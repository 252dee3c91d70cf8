import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import { highestRole, requireRole, RouteRegistry, SecureRouter, type Principal } from '../../app/auth/permissions.js';
import { RateLimiter } from '../../app/auth/rate-limit.js';

const ok: express.RequestHandler = (_req, res) => void res.json({ ok: true });

describe('auth: permissions (SecureRouter and registry)', () => {
  const make = () => {
    const registry = new RouteRegistry();
    const tokens: Record<string, Principal> = {
      agent: { kind: 'user', id: '1', name: 'alice', role: 'agent' },
      admin: { kind: 'user', id: '2', name: 'carol', role: 'admin' },
      pending: { kind: 'user', id: '3', name: 'erin', role: 'admin', totpEnrolmentPending: true },
    };
    const r = new SecureRouter({
      registry,
      authenticate: async (req) => tokens[(req.headers.authorization ?? '').replace('Bearer ', '')] ?? null,
    });
    return { registry, r };
  };

  it('records every declaration with its path under /api', () => {
    const { registry, r } = make();
    r.get('/calls', { allow: ['admin', 'supervisor', 'agent', 'readonly'] }, ok);
    r.post('/auth/login', { public: true }, ok);
    r.delete('/users/:id', { allow: ['admin'] }, ok);
    expect(registry.routeDeclarations()).to.deep.equal([
      { method: 'GET', path: '/api/calls', allow: ['admin', 'supervisor', 'agent', 'readonly'] },
      { method: 'POST', path: '/api/auth/login', allow: 'public' },
      { method: 'DELETE', path: '/api/users/:id', allow: ['admin'] },
    ]);
  });

  it('throws at registration when a route has no declaration (or a bad one)', () => {
    const { r } = make();
    const loose = r as unknown as { get(path: string, ...rest: unknown[]): unknown };
    expect(() => loose.get('/calls', ok)).to.throw(/GET \/api\/calls: no access declaration/);
    expect(() => loose.get('/calls', {}, ok)).to.throw(/invalid access declaration/);
    expect(() => loose.get('/calls', { allow: [] }, ok)).to.throw(/invalid access declaration/);
    expect(() => loose.get('/calls', { allow: ['root'] }, ok)).to.throw(/invalid access declaration/);
    expect(() => loose.get('/calls', { allow: ['admin'], public: true }, ok)).to.throw(/invalid access declaration/);
    expect(() => loose.get('/calls', { public: true })).to.throw(/no handler/);
  });

  it('refuses the same method and path declared twice', () => {
    const { r } = make();
    r.get('/x', { allow: ['admin'] }, ok);
    expect(() => r.get('/x', { public: true }, ok)).to.throw(/declared twice/);
  });

  describe('enforcement over HTTP', () => {
    let server: Server;
    let base: string;
    before(async () => {
      const { r } = make();
      r.get('/calls', { allow: ['admin', 'agent'] }, ok);
      r.get('/admin-only', { allow: ['admin'] }, ok);
      r.get('/open', { public: true }, ok);
      r.get('/me', { allow: ['admin', 'agent'], duringTotpEnrolment: true }, ok);
      const app = express();
      app.use('/api', r.router);
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const addr = server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api`;
    });
    after(() => server?.close());
    const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('401 without a valid token, as JSON { error: { code, message } }', async () => {
      for (const token of [undefined, 'nonsense']) {
        const res = await get('/calls', token);
        expect(res.status).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).to.equal('unauthenticated');
        expect(body.error.message).to.be.a('string').and.not.empty;
      }
    });

    it('403 with a role not allowed; 200 with one allowed; public needs nothing', async () => {
      const res = await get('/admin-only', 'agent');
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('forbidden');
      expect((await get('/admin-only', 'admin')).status).to.equal(200);
      expect((await get('/calls', 'agent')).status).to.equal(200);
      expect((await get('/open')).status).to.equal(200);
    });

    it('a session waiting for TOTP enrolment reaches only routes that allow it', async () => {
      const res = await get('/admin-only', 'pending');
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('totp_enrolment_required');
      expect((await get('/me', 'pending')).status).to.equal(200);
    });
  });

  it('requireRole for WebSocket upgrades: 401 without principal, 403 with the wrong role', () => {
    const agent: Principal = { kind: 'user', id: '1', name: 'alice', role: 'agent' };
    expect(() => requireRole(null, 'agent')).to.throw().with.property('status', 401);
    expect(() => requireRole(agent, 'admin', 'supervisor')).to.throw().with.property('status', 403);
    expect(requireRole(agent, 'agent')).to.equal(agent);
  });

  it('picks the highest role: admin > supervisor > agent > readonly', () => {
    expect(highestRole(['readonly', 'supervisor', 'agent'])).to.equal('supervisor');
    expect(highestRole(['agent', 'admin'])).to.equal('admin');
    expect(highestRole([])).to.equal(null);
  });

  it('the login limiter allows max attempts per window per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 3, windowMs: 60_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.hit('ip|alice'))).to.deep.equal([0, 0, 0]);
    expect(limiter.hit('ip|alice')).to.equal(60);
    expect(limiter.hit('ip|bob')).to.equal(0);
    now = 60_001;
    expect(limiter.hit('ip|alice')).to.equal(0);
    const small = new RateLimiter({ max: 1, windowMs: 1000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 1000; i++) small.hit(`k${i}`);
    expect(small.size).to.be.at.most(100);
  });
});
