// Local users, lockout, TOTP, API keys, the audit log and secrets in logs, through the real
// auth router and error handler, on each test database (SQLite and MariaDB, see
// test/support/db.ts). The clock is injected so the timed unlock needs no sleep.
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createAuthModule, type AuthModule } from '../../app/auth/index.js';
import { AuditLog } from '../../app/auth/audit.js';
import { totpCode } from '../../app/auth/totp.js';
import { createDataSource } from '../../app/db/data-source.js';
import { serveApi, type Served } from '../support/serve.js';
import { createLogger } from '../../app/logger.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

const LOCK_MS = 10 * 60_000;
const ADMIN_PASSWORD = 'Root-of-all-keys-1';
const USER_PASSWORD = 'Blue-harbour-mist-22';
const WRONG_PASSWORD = 'Wrong-guess-pass-3';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


for (const kind of DB_KINDS) {
  describe(`auth: local users, lockout, TOTP, API keys, audit (${kind})`, function () {
    this.timeout(60_000);
    let testDb: TestDb;
    let ds: DataSource;
    let mod: AuthModule;
    let served: Served | undefined;
    let base: string;
    let now = Date.now();
    const logLines: string[] = [];
    const secrets = new Set<string>([ADMIN_PASSWORD, USER_PASSWORD, WRONG_PASSWORD]);
    let adminToken: string;

    before(async () => {
      testDb = await createTestDb(kind);
      ds = createDataSource(dbConfig(testDb));
      await ds.initialize();
      await ds.runMigrations();
      const log = createLogger({ level: 'debug', secrets: [], destination: { write: (line: string) => void logLines.push(line) } });
      mod = createAuthModule({ db: ds, log, sessionTtlMs: 8 * 3600_000, requireTotpFor: ['supervisor'], lockout: { lockoutMs: LOCK_MS }, now: () => now });
      served = await serveApi(log, mod.middleware, mod.router);
      base = served.base;
      await mod.service.createLocalUser({ username: 'Admin', password: ADMIN_PASSWORD, displayName: 'The Admin', role: 'admin' }, { name: 'system' });
      adminToken = (await (await login('admin', ADMIN_PASSWORD)).json()).token;
      secrets.add(adminToken);
    });

    after(async () => {
      await served?.close();
      if (ds?.isInitialized) await ds.destroy();
      await testDb?.drop();
    });

    const call = (method: string, path: string, opts: { token?: string; body?: unknown } = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
    const login = (username: string, password: string, otp?: string) => call('POST', '/auth/login', { body: { username, password, ...(otp ? { otp } : {}) } });
    async function expectError(res: Response, status: number, code: string): Promise<string> {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, JSON.stringify(body)).to.equal(status);
      expect(body.error.code).to.equal(code);
      return body.error.message;
    }
    const audit = async (query: string) => ((await (await call('GET', `/audit?${query}`, { token: adminToken })).json()) as { items: Json[]; total: number }).items;

    it('creates a local user (policy enforced) and logs in; /auth/me tells who and what role', async () => {
      const weak = await call('POST', '/users', { token: adminToken, body: { username: 'lou', password: 'short', role: 'agent' } });
      expect(await expectError(weak, 400, 'weak_password')).to.match(/at least 12 characters/);
      const created = await call('POST', '/users', { token: adminToken, body: { username: 'Lou', password: USER_PASSWORD, role: 'agent', displayName: 'Lou L.', email: 'lou@hotline.test', team: 'sales' } });
      expect(created.status).to.equal(201);
      const user = (await created.json()) as Json;
      expect(user).to.include({ username: 'lou', role: 'agent', source: 'local', team: 'sales', totpEnabled: false });
      expect(user).to.not.have.any.keys('passwordHash', 'totpSecret');
      await expectError(await call('POST', '/users', { token: adminToken, body: { username: 'lou', password: USER_PASSWORD, role: 'agent' } }), 409, 'username_taken');

      const res = await login('LOU', USER_PASSWORD);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Json;
      expect(body.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(body.user).to.include({ username: 'lou', role: 'agent' });
      const me = (await (await call('GET', '/auth/me', { token: body.token })).json()) as Json;
      expect(me).to.include({ kind: 'user', name: 'lou', role: 'agent' });
      const stored = await testDb.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
      expect(stored.map((s) => s.token_hash)).to.not.include(body.token);
      expect(JSON.stringify(await testDb.query('SELECT * FROM users'))).to.not.contain(USER_PASSWORD);
    });

    it('the same 401 for a wrong password and an unknown user', async () => {
      const wrong = await login('lou', WRONG_PASSWORD);
      const unknown = await login('nobody', WRONG_PASSWORD);
      const empty = await login('lou', '');
      expect([wrong.status, unknown.status, empty.status]).to.deep.equal([401, 401, 401]);
      const bodies = [await wrong.json(), await unknown.json(), await empty.json()];
      for (const b of bodies) expect(b).to.deep.equal({ error: { code: 'invalid_credentials', message: 'invalid username or password' } });
      expect((await login('lou', USER_PASSWORD)).status, 'a success resets the failure count').to.equal(200);
    });

    it('locks after 5 failures in a row (423 with the time), unlocks when the lock ends', async () => {
      for (let i = 1; i <= 4; i++) await expectError(await login('lou', WRONG_PASSWORD), 401, 'invalid_credentials');
      const locked = await login('lou', WRONG_PASSWORD);
      const until = new Date(now + LOCK_MS).toISOString().slice(11, 16);
      expect(await expectError(locked, 423, 'account_locked')).to.equal(`account locked until ${until} UTC after too many failed logins`);
      expect(await expectError(await login('lou', USER_PASSWORD), 423, 'account_locked'), 'even the right password').to.contain(until);
      now += LOCK_MS - 1000;
      await expectError(await login('lou', USER_PASSWORD), 423, 'account_locked');
      now += 2000;
      expect((await login('lou', USER_PASSWORD)).status).to.equal(200);
      await expectError(await login('lou', WRONG_PASSWORD), 401, 'invalid_credentials');
      const [row] = await testDb.query<{ failed_attempts: number; locked_until: unknown }>("SELECT failed_attempts, locked_until FROM users WHERE username = 'lou'");
      expect(row).to.deep.include({ failed_attempts: 1, locked_until: null });
      expect((await audit('action=account.locked&target=lou')).length).to.equal(1);
    });

    it('rate-limits login attempts per IP + username: the 11th in a minute gets 429', async () => {
      // A name nobody has is locked like an account (401 ×4, then 423): the answers tell no names apart.
      for (let i = 0; i < 4; i++) await expectError(await login('guesser', WRONG_PASSWORD), 401, 'invalid_credentials');
      for (let i = 0; i < 6; i++) await expectError(await login('guesser', WRONG_PASSWORD), 423, 'account_locked');
      const res = await login('guesser', WRONG_PASSWORD);
      expect(await expectError(res, 429, 'too_many_attempts')).to.match(/try again in \d+ s/);
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, 60);
      now += 61_000;
      await expectError(await login('guesser', WRONG_PASSWORD), 423, 'account_locked');
      now += LOCK_MS;
      await expectError(await login('guesser', WRONG_PASSWORD), 401, 'invalid_credentials');
    });

    it('TOTP: enrol, confirm, then login needs a valid code, and a code works once', async () => {
      await call('POST', '/users', { token: adminToken, body: { username: 'tina', password: USER_PASSWORD, role: 'agent' } });
      const token = ((await (await login('tina', USER_PASSWORD)).json()) as Json).token as string;
      const enrol = await call('POST', '/auth/totp/enrol', { token });
      expect(enrol.status).to.equal(201);
      const { secret, uri } = (await enrol.json()) as { secret: string; uri: string };
      expect(secret).to.match(/^[A-Z2-7]{32}$/);
      expect(uri).to.equal(`otpauth://totp/Hotline:tina?secret=${secret}&issuer=Hotline&algorithm=SHA1&digits=6&period=30`);
      expect((await login('tina', USER_PASSWORD)).status, 'not enabled before a code is confirmed').to.equal(200);
      await expectError(await call('POST', '/auth/totp/confirm', { token, body: { code: '000000' === totpCode(secret, now) ? '111111' : '000000' } }), 400, 'otp_invalid');
      const confirm = await call('POST', '/auth/totp/confirm', { token, body: { code: totpCode(secret, now) } });
      expect(confirm.status).to.equal(200);
      expect(await confirm.json()).to.include({ totpEnabled: true });

      await expectError(await login('tina', USER_PASSWORD), 401, 'otp_required');
      const wrongCode = String((Number(totpCode(secret, now)) + 1) % 1_000_000).padStart(6, '0');
      await expectError(await login('tina', USER_PASSWORD, wrongCode), 401, 'otp_invalid');
      const replay = await expectError(await login('tina', USER_PASSWORD, totpCode(secret, now)), 401, 'otp_invalid');
      expect(replay, 'the confirm code was used in this step').to.contain('already used');
      now += 30_000;
      const code = totpCode(secret, now);
      expect((await login('tina', USER_PASSWORD, code)).status).to.equal(200);
      await expectError(await login('tina', USER_PASSWORD, code), 401, 'otp_invalid');
      await expectError(await login('tina', WRONG_PASSWORD, totpCode(secret, now + 30_000)), 401, 'invalid_credentials');
      await expectError(await call('POST', '/auth/totp/enrol', { token }), 409, 'totp_already_enabled');
    });

    it('a role that requires TOTP gets an enrolment-only session until a code is confirmed', async () => {
      await call('POST', '/users', { token: adminToken, body: { username: 'sam', password: USER_PASSWORD, role: 'supervisor' } });
      const first = (await (await login('sam', USER_PASSWORD)).json()) as Json;
      expect(first.totpEnrolmentRequired).to.equal(true);
      const token = first.token as string;
      expect(await (await call('GET', '/auth/me', { token })).json()).to.include({ role: 'supervisor', totpEnrolmentRequired: true });
      const { secret } = (await (await call('POST', '/auth/totp/enrol', { token })).json()) as { secret: string };
      expect((await call('POST', '/auth/totp/confirm', { token, body: { code: totpCode(secret, now) } })).status).to.equal(200);
      expect(await (await call('GET', '/auth/me', { token })).json()).to.include({ totpEnrolmentRequired: false });
    });

    it('a password someone else chose: the session may only change it; the change needs the current one and the policy, and ends the other sessions', async () => {
      const own = 'Harbour-lights-at-9';
      secrets.add(own);
      const created = (await (await call('POST', '/users', { token: adminToken, body: { username: 'pia', password: USER_PASSWORD, role: 'agent', passwordChangeRequired: true } })).json()) as Json;
      expect(created).to.include({ username: 'pia', passwordChangeRequired: true });
      const first = (await (await login('pia', USER_PASSWORD)).json()) as Json;
      expect(first).to.include({ passwordChangeRequired: true, totpEnrolmentRequired: false });
      const token = first.token as string;
      const other = ((await (await login('pia', USER_PASSWORD)).json()) as Json).token as string;
      // Nothing but me, logout and the change itself until it is done.
      await expectError(await call('POST', '/auth/totp/enrol', { token }), 403, 'password_change_required');
      expect(await (await call('GET', '/auth/me', { token })).json()).to.include({ passwordChangeRequired: true });
      // Bad input: 400 with a reason, nothing changed.
      await expectError(await call('POST', '/auth/password', { token, body: { currentPassword: USER_PASSWORD } }), 400, 'validation_failed');
      await expectError(await call('POST', '/auth/password', { token, body: { currentPassword: WRONG_PASSWORD, newPassword: own } }), 400, 'current_password_wrong');
      const weak = await call('POST', '/auth/password', { token, body: { currentPassword: USER_PASSWORD, newPassword: 'pia-short' } });
      const weakBody = (await weak.clone().json()) as Json;
      expect(await expectError(weak, 400, 'weak_password')).to.match(/at least 12 characters/);
      expect(weakBody.error.details.codes.map((c: Json) => c.code)).to.deep.equal(['too_short', 'contains_username']);
      await expectError(await call('POST', '/auth/password', { token, body: { currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD } }), 400, 'password_unchanged');
      expect(await (await call('GET', '/auth/me', { token })).json()).to.include({ passwordChangeRequired: true });
      await expectError(await login('pia', own), 401, 'invalid_credentials');
      // The change: done, this session goes on with full access, the other one ended.
      const changed = await call('POST', '/auth/password', { token, body: { currentPassword: USER_PASSWORD, newPassword: own } });
      expect(changed.status).to.equal(200);
      expect(await changed.json()).to.include({ username: 'pia', passwordChangeRequired: false });
      expect(await (await call('GET', '/auth/me', { token })).json()).to.include({ passwordChangeRequired: false });
      expect((await call('POST', '/auth/totp/enrol', { token })).status).to.equal(201);
      await expectError(await call('GET', '/auth/me', { token: other }), 401, 'unauthenticated');
      await expectError(await login('pia', USER_PASSWORD), 401, 'invalid_credentials');
      expect(await (await login('pia', own)).json()).to.include({ passwordChangeRequired: false });
      expect((await audit('target=pia')).map((e) => e.action).filter((a) => a.startsWith('password.'))).to.deep.equal(['password.change', 'password.change.failure']);
      // An admin may ask for a change again.
      expect(await (await call('PATCH', `/users/${created.id}`, { token: adminToken, body: { passwordChangeRequired: true } })).json()).to.include({ passwordChangeRequired: true });
      await expectError(await call('POST', '/auth/totp/enrol', { token }), 403, 'password_change_required');
    });

    it('API key: created once (only its hash stored), works with its role, revoked -> 401', async () => {
      const created = await call('POST', '/auth/api-keys', { token: adminToken, body: { name: 'crm-sync', role: 'readonly' } });
      expect(created.status).to.equal(201);
      const key = (await created.json()) as Json;
      expect(key.key).to.match(/^hlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      expect(key.key.startsWith(`hlk_${key.prefix}_`)).to.equal(true);
      secrets.add(key.key);
      const me = await call('GET', '/auth/me', { token: key.key });
      expect(me.status).to.equal(200);
      expect(await me.json()).to.include({ kind: 'api_key', name: 'api-key:crm-sync', role: 'readonly' });
      await expectError(await call('GET', '/auth/api-keys', { token: key.key }), 403, 'forbidden');
      await expectError(await call('POST', '/auth/password', { token: key.key, body: { currentPassword: USER_PASSWORD, newPassword: 'Another-pass-word-5' } }), 400, 'not_for_api_keys');
      const list = (await (await call('GET', '/auth/api-keys', { token: adminToken })).json()) as { items: Json[] };
      expect(list.items.find((k) => k.id === key.id)).to.include({ name: 'crm-sync', prefix: key.prefix, revokedAt: null }).and.not.have.any.keys('key', 'keyHash');
      expect(JSON.stringify(await testDb.query('SELECT * FROM api_keys'))).to.not.contain(key.key);

      expect((await call('DELETE', `/auth/api-keys/${key.id}`, { token: adminToken })).status).to.equal(204);
      await expectError(await call('GET', '/auth/me', { token: key.key }), 401, 'unauthenticated');
      await expectError(await call('DELETE', '/auth/api-keys/00000000-0000-4000-8000-000000000000', { token: adminToken }), 404, 'not_found');
    });

    it('users: admin only; PATCH changes the role (live) and disabling ends sessions', async () => {
      const lou = ((await (await call('GET', '/users', { token: adminToken })).json()) as { items: Json[] }).items.find((u) => u.username === 'lou')!;
      const louToken = ((await (await login('lou', USER_PASSWORD)).json()) as Json).token as string;
      await expectError(await call('GET', '/users', { token: louToken }), 403, 'forbidden');
      await expectError(await call('GET', '/users'), 401, 'unauthenticated');
      await expectError(await call('PATCH', `/users/${lou.id}`, { token: adminToken, body: { role: 'root' } }), 400, 'validation_failed');
      const patched = await call('PATCH', `/users/${lou.id}`, { token: adminToken, body: { role: 'supervisor', team: null } });
      expect(await patched.json()).to.include({ role: 'supervisor', team: null });
      expect(await (await call('GET', '/auth/me', { token: louToken })).json()).to.include({ role: 'supervisor' });
      await call('PATCH', `/users/${lou.id}`, { token: adminToken, body: { disabled: true } });
      await expectError(await call('GET', '/auth/me', { token: louToken }), 401, 'unauthenticated');
      await expectError(await login('lou', USER_PASSWORD), 401, 'invalid_credentials');
      const changes = await audit('action=user.update&target=lou');
      expect(changes.map((e) => e.detail.changed)).to.deep.equal([['disabled'], ['role', 'team']]);
    });

    it('logout revokes the session', async () => {
      const token = ((await (await login('admin', ADMIN_PASSWORD)).json()) as Json).token as string;
      expect((await call('POST', '/auth/logout', { token })).status).to.equal(204);
      await expectError(await call('GET', '/auth/me', { token }), 401, 'unauthenticated');
    });

    it('audit entries for login success/failure and API key creation; read-only for admins', async () => {
      const failures = await audit('action=login.failure&target=lou');
      expect(failures.length).to.be.at.least(6);
      expect(failures[0]).to.include({ actor: 'anonymous', action: 'login.failure', target: 'lou' });
      expect(failures[0]!.actorIp).to.match(/127\.0\.0\.1/);
      expect(failures.map((f) => f.detail.reason)).to.include.members(['bad_password', 'locked', 'disabled']);
      const successes = await audit('action=login.success&actor=lou');
      expect(successes.length).to.be.at.least(3);
      const keys = await audit('action=apikey.create');
      expect(keys).to.have.length(1);
      expect(keys[0]).to.include({ actor: 'admin', target: 'api-key:crm-sync' });
      expect((await audit('action=apikey.revoke'))[0]).to.include({ actor: 'admin' });
      expect((await audit('action=user.create')).map((e) => e.target)).to.include.members(['admin', 'lou', 'tina', 'sam']);
      const window = await audit(`from=${encodeURIComponent(new Date(now - 1000).toISOString())}&limit=500`);
      const all = await audit('limit=500');
      expect(window.length).to.be.greaterThan(0).and.lessThan(all.length);
      expect(all.map((e) => e.id)).to.deep.equal([...all.map((e) => e.id)].sort((a, b) => b - a));
      await call('POST', '/users', { token: adminToken, body: { username: 'ann', password: USER_PASSWORD, role: 'agent' } });
      const annToken = ((await (await login('ann', USER_PASSWORD)).json()) as Json).token as string;
      await expectError(await call('GET', '/audit', { token: annToken }), 403, 'forbidden');
    });

    it('the audit log cannot be changed: no PATCH/PUT/DELETE route and no such method', async () => {
      const [first] = await audit('limit=1');
      for (const method of ['PATCH', 'PUT', 'DELETE']) {
        for (const path of ['/audit', `/audit/${first!.id}`]) {
          const res = await call(method, path, { token: adminToken, body: method === 'DELETE' ? undefined : { action: 'x' } });
          expect([404, 405], `${method} ${path}`).to.include(res.status);
        }
      }
      expect(mod.registry.routeDeclarations().filter((d) => d.path.startsWith('/api/audit'))).to.deep.equal([{ method: 'GET', path: '/api/audit', allow: ['admin'] }]);
      expect(Object.getOwnPropertyNames(AuditLog.prototype).sort()).to.deep.equal(['append', 'constructor', 'list']);
      expect(Object.getOwnPropertyNames(Object.getPrototypeOf(mod.service)).filter((n) => /audit/i.test(n)).sort()).to.deep.equal(['audit', 'listAudit']);
    });

    it('a session ends at its expiry (sessionTtlMs)', async () => {
      expect((await call('GET', '/auth/me', { token: adminToken })).status).to.equal(200);
      now += 8 * 3600_000 + 1000;
      await expectError(await call('GET', '/auth/me', { token: adminToken }), 401, 'unauthenticated');
    });

    it('no password, key or token appears in any log line', () => {
      expect(logLines.length).to.be.greaterThan(10);
      expect(logLines.join('')).to.contain('login refused');
      for (const line of logLines) for (const secret of secrets) expect(line).to.not.contain(secret);
    });
  });
}
