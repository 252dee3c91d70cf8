// The permission matrix, generated from Hotline's own route declarations: every route ×
// every role (and no token, and an API key) gets exactly what its declaration says.
// Hotline refuses to start with a route that has no declaration (test/unit/route-check).
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx } from '../support/pbx.js';

type Decl = { method: string; path: string; allow: string[] | 'public' };
const ROLES = ['admin', 'supervisor', 'agent', 'readonly'] as const;

/** A concrete URL for a declared path: parameters get harmless values that match nothing. */
function concrete(path: string): string {
  return path
    .replace(':id', '00000000-0000-4000-8000-000000000000')
    .replace(':jobId', '00000000-0000-4000-8000-000000000000')
    .replace(':ticketId', '00000000-0000-4000-8000-000000000000')
    .replace(':attachmentId', '00000000-0000-4000-8000-000000000000')
    .replace(':agentId', '00000000-0000-4000-8000-000000000000')
    .replace(':queue', 'zz-permission-test')
    .replace(':priority', 'normal')
    .replace(':customerId', '00000000-0000-4000-8000-000000000000')
    .replace(':tag', 'zz-permission-test')
    .replace(':categoryId', '00000000-0000-4000-8000-000000000000')
    .replace(':articleId', '00000000-0000-4000-8000-000000000000')
        .replace(':name', 'zz-permission-test')
    .replace(':number', '000999')
    .replace(':version', '1')
    .replace(':kind', 'summary');
}

describe('permission matrix (every declared route × every role)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let decls: Decl[];
  const tokens: Record<string, string> = {};

  before(async () => {
    ensurePbx();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env, { waitForPbx: false });
    const me = await api(hotline.url, 'GET', '/api/auth/me');
    expect(me.status).to.equal(200);
    for (const role of ROLES) {
      const username = `perm-${role}`;
      const password = `Matrix-Secret-42!-${role.length}`;
      const created = await api(hotline.url, 'POST', '/api/users', { username, password, role, displayName: username });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const login = await api(hotline.url, 'POST', '/api/auth/login', { username, password }, null);
      expect(login.status, JSON.stringify(login.body)).to.equal(200);
      tokens[role] = login.body.token;
    }
    const key = await api(hotline.url, 'POST', '/api/auth/api-keys', { name: 'perm readonly key', role: 'readonly' });
    expect(key.status, JSON.stringify(key.body)).to.equal(201);
    tokens['api-key(readonly)'] = key.body.key;
    const res = await api(hotline.url, 'GET', '/api/auth/routes');
    expect(res.status).to.equal(200);
    // Logout revokes the token it is called with: do it last.
    const revokes = (d: Decl) => Number(d.path === '/api/auth/logout');
    decls = (res.body.items as Decl[]).sort((a, b) => revokes(a) - revokes(b));
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  it('covers every module', () => {
    const prefixes = new Set(decls.map((d) => d.path.split('/')[2]));
    expect([...prefixes]).to.include.members(['auth', 'users', 'audit', 'calls', 'ivr', 'prompts', 'customers', 'companies', 'reminders', 'io', 'acd', 'tickets', 'kb', 'voicemails']);
    expect(decls.length).to.be.greaterThan(30);
  });

  it('serves an OpenAPI document that lists every declared route with its roles', async () => {
    const doc = await api(hotline.url, 'GET', '/api/openapi.json', undefined, null);
    expect(doc.status).to.equal(200);
    expect(doc.body.openapi).to.equal('3.1.0');
    for (const d of decls) {
      const op = doc.body.paths[d.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[d.method.toLowerCase()];
      expect(op, `${d.method} ${d.path}`).to.not.equal(undefined);
      expect(op['x-hotline-roles']).to.deep.equal(d.allow);
    }
    const count = Object.values(doc.body.paths as Record<string, object>).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(count).to.equal(decls.length);
  });

  it('gives each role exactly what its declaration allows', async () => {
    const wrong: string[] = [];
    for (const d of decls) {
      const url = concrete(d.path);
      const body = d.method === 'GET' || d.method === 'DELETE' ? undefined : {};
      const anon = await api(hotline.url, d.method, url, body, null);
      if (d.allow === 'public' ? [401, 403].includes(anon.status) : anon.status !== 401) wrong.push(`${d.method} ${d.path} anonymous -> ${anon.status}`);
      for (const [who, token] of Object.entries(tokens)) {
        const role = who.startsWith('api-key') ? 'readonly' : who;
        const allowed = d.allow === 'public' || d.allow.includes(role);
        const res = await api(hotline.url, d.method, url, body, token);
        const denied = res.status === 401 || res.status === 403;
        if (allowed === denied || (!allowed && res.status !== 403)) wrong.push(`${d.method} ${d.path} ${who} -> ${res.status} (${allowed ? 'allowed' : 'denied'} by declaration)`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
