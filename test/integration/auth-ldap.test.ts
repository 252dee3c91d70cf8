// LDAP login against a REAL OpenLDAP (test/support/slapd.ts starts its own slapd; it must be
// installed: apt-get install -y slapd ldap-utils — without it the before hook fails), through
// the real auth router and error handler, users synced into a real SQLite database.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import type { DataSource } from 'typeorm';
import { createAuthModule } from '../../app/auth/index.js';
import { LdapDirectory, type LdapOptions } from '../../app/auth/ldap.js';
import { createDataSource } from '../../app/db/data-source.js';
import { serveApi, type Served } from '../support/serve.js';
import { createLogger } from '../../app/logger.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { ROOT } from '../support/pbx.js';
import { spawn } from 'node:child_process';
import { freePort, groupDn, GROUPS, PEOPLE, SERVICE_DN, startSlapd, userDn, USERS, type Slapd } from '../support/slapd.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pw = (uid: string) => USERS.find((u) => u.uid === uid)!.password;
const WRONG_BIND_PASSWORD = 'Not-the-service-password-9';

/** `node app/main.ts` with only these settings; it must stop on its own (a config error). */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('auth: LDAP login against a real OpenLDAP (slapd)', function () {
  this.timeout(60_000);
  let slapd: Slapd;
  let root: string;
  let ds: DataSource;
  let ldap: LdapOptions;
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [], destination: { write: (line: string) => void logLines.push(line) } });
  const servers: Served[] = [];

  before('start slapd (fails when slapd is not installed)', async () => {
    slapd = await startSlapd();
  });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hotline-auth-ldap-'));
    ds = createDataSource({ type: 'sqlite', path: join(root, 'hotline.sqlite') });
    await ds.initialize();
    await ds.runMigrations();
    ldap = {
      url: slapd.url,
      bindDn: SERVICE_DN,
      bindPassword: slapd.servicePassword,
      baseDn: PEOPLE,
      groupSearch: { baseDn: GROUPS },
      roleMap: [
        { group: groupDn('agents'), role: 'agent' },
        { group: groupDn('supervisors'), role: 'supervisor' },
        { group: 'CN=Admins, OU=Groups, DC=hotline, DC=test', role: 'admin' },
      ],
      timeoutMs: 2000,
    };
  });

  after(async () => {
    for (const s of servers) await s.close();
    if (ds?.isInitialized) await ds.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
    await slapd?.stop();
  });

  /** An API on the auth module with the given LDAP options; returns a login function. */
  async function api(options: LdapOptions) {
    const mod = createAuthModule({ db: ds, log, ldap: options, sessionTtlMs: 3600_000, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    const served = await serveApi(log, mod.middleware, mod.router);
    servers.push(served);
    const base = served.base;
    return async (username: string, password: string) => {
      const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return { status: res.status, body: (await res.json()) as Json };
    };
  }

  const userRow = async (username: string) =>
    (await ds.query('SELECT username, display_name, email, role, source, password_hash FROM users WHERE username = ?', [username]))[0] as Json | undefined;

  it('the right password logs in and maps the group to the role (agent, supervisor, admin)', async () => {
    const login = await api(ldap);
    for (const [uid, role] of [['alice', 'agent'], ['bob', 'supervisor'], ['carol', 'admin']] as const) {
      const res = await login(uid, pw(uid));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user).to.include({ username: uid, role, source: 'ldap' });
      expect(res.body.token).to.be.a('string');
    }
    expect(await userRow('alice')).to.deep.equal({
      username: 'alice', display_name: 'Alice A.', email: 'alice@hotline.test', role: 'agent', source: 'ldap', password_hash: null,
    });
  });

  it('wrong password, unknown user, empty password and filter injections all get the same 401', async () => {
    const login = await api(ldap);
    const attempts: Array<[string, string]> = [
      ['alice', 'wrong-password-1'],
      ['alice', pw('bob')],
      ['mallory', 'whatever-pass-1'],
      ['alice', ''],
      ['*', pw('alice')],
      ['ali*', pw('alice')],
      ['*)(uid=*', pw('alice')],
      ['alice)(|(uid=*', pw('alice')],
      ['\\2a', pw('alice')],
      ['*', ''],
    ];
    for (const [username, password] of attempts) {
      const res = await login(username, password);
      expect(res, JSON.stringify(username)).to.deep.equal({ status: 401, body: { error: { code: 'invalid_credentials', message: 'invalid username or password' } } });
    }
    // A NUL never reaches the directory: the one text rule refuses it, whoever the user is.
    const nul = await login('alice\u0000', pw('alice'));
    expect(nul.status).to.equal(400);
    expect((nul.body as { error: { code: string } }).error.code).to.equal('validation_failed');
  });

  it('the empty password is refused before any bind (an unauthenticated bind would "succeed")', async () => {
    const dir = new LdapDirectory(ldap, log);
    expect(await dir.authenticate('alice', '')).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
    // Even against a directory that is down: nothing was attempted.
    const dead = new LdapDirectory({ ...ldap, url: `ldap://127.0.0.1:${await freePort()}` }, log);
    expect(await dead.authenticate('alice', '')).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
  });

  it('dave (in no mapped group) is refused with no_role', async () => {
    const res = await (await api(ldap))('dave', pw('dave'));
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('no_role');
    expect(await userRow('dave')).to.equal(undefined);
  });

  it('reads groups from memberOf too (the overlay), with the same mapping', async () => {
    const dir = new LdapDirectory({ ...ldap, groupSearch: undefined }, log);
    const r = await dir.authenticate('bob', pw('bob'));
    expect(r).to.deep.include({ ok: true });
    if (r.ok) expect(r.user).to.deep.include({ dn: userDn('bob'), username: 'bob', role: 'supervisor', groups: [groupDn('supervisors')] });
    expect(await dir.authenticate('dave', pw('dave'))).to.deep.equal({ ok: false, reason: 'no_role' });
  });

  it('syncs attributes and role on each login', async () => {
    const admin = await slapd.admin();
    await admin.modify(userDn('alice'), [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'displayName', values: ['Alice Renamed'] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['alice.new@hotline.test'] }) }),
    ]);
    await admin.modify(groupDn('supervisors'), [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [userDn('alice')] }) })]);
    await admin.unbind();
    const res = await (await api(ldap))('Alice', pw('alice'));
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ username: 'alice', displayName: 'Alice Renamed', email: 'alice.new@hotline.test', role: 'supervisor' });
    expect(await userRow('alice')).to.include({ display_name: 'Alice Renamed', email: 'alice.new@hotline.test', role: 'supervisor' });
    const [sync] = await ds.query("SELECT actor, detail FROM audit_log WHERE action = 'user.sync' AND target = 'alice'");
    expect(JSON.parse(sync.detail).changed).to.deep.equal(['displayName', 'email', 'role']);
  });

  /** A directory user added during the test (in agents), who has never signed in to Hotline. */
  async function addDirectoryUser(uid: string, password: string) {
    const admin = await slapd.admin();
    await admin.add(userDn(uid), { objectClass: ['inetOrgPerson'], uid, cn: `${uid} New`, sn: 'New', displayName: `${uid} N.`, mail: `${uid}@hotline.test`, userPassword: password });
    await admin.modify(groupDn('agents'), [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [userDn(uid)] }) })]);
    await admin.unbind();
  }

  it('a directory user who has never signed in is locked after the configured failures (the right password then gets 423 too)', async () => {
    await addDirectoryUser('erin', 'Erin-pass-123456');
    expect(await userRow('erin')).to.equal(undefined);
    const mod = createAuthModule({ db: ds, log, ldap, sessionTtlMs: 3600_000, lockout: { maxFailedAttempts: 3 }, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    const served = await serveApi(log, mod.middleware, mod.router);
    servers.push(served);
    const post = (password: string) => fetch(`${served.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'erin', password }) });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(`wrong-${i}-password`)).status);
    const right = await post('Erin-pass-123456');
    expect([...statuses, right.status]).to.deep.equal([401, 401, 423, 423]);
    expect(((await right.json()) as Json).error.code).to.equal('account_locked');
    expect(await userRow('erin'), 'no row is made for a refused directory user').to.equal(undefined);
  });

  it('known, never-seen and unknown usernames get the same answers, status codes and time (medians within 30 ms)', async () => {
    // Every LDAP reply arrives 40 ms late (a directory a hop away), so one bind more or less
    // for one kind of name is a visible difference, not noise.
    const proxy = await startTcpProxy(Number(new URL(slapd.url).port), '127.0.0.1', { replyDelayMs: 40 });
    try {
      await addDirectoryUser('frank', 'Frank-pass-123456');
      const login = await api({ ...ldap, url: `ldap://127.0.0.1:${proxy.port}` });
      expect((await login('bob', pw('bob'))).status, 'bob has signed in before').to.equal(200);
      const names = { known: 'bob', neverSeen: 'frank', unknown: 'nobody-here' } as const;
      const right: Record<string, string> = { bob: pw('bob'), frank: 'Frank-pass-123456', 'nobody-here': 'Any-pass-123456' };
      type Kind = keyof typeof names;
      const answers: Record<Kind, Array<{ status: number; body: string; ms: number }>> = { known: [], neverSeen: [], unknown: [] };
      // Default limit 5: four 401s, the fifth failure locks (423), then a wrong and the right password.
      const attempts = ['wrong-pass-1', 'wrong-pass-2', 'wrong-pass-3', 'wrong-pass-4', 'wrong-pass-5', 'wrong-pass-6', 'RIGHT'];
      for (const attempt of attempts) {
        for (const kind of Object.keys(names) as Kind[]) {
          const name = names[kind];
          const started = performance.now();
          const res = await login(name, attempt === 'RIGHT' ? right[name]! : attempt);
          const ms = performance.now() - started;
          // The lock's end differs by the milliseconds between the attempts: compare its shape.
          const body = JSON.stringify(res.body).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T').replace(/\d\d:\d\d UTC/g, 'HH:MM UTC');
          answers[kind].push({ status: res.status, body, ms });
        }
      }
      expect(answers.known.map((a) => a.status)).to.deep.equal([401, 401, 401, 401, 423, 423, 423]);
      expect(answers.neverSeen.map((a) => [a.status, a.body])).to.deep.equal(answers.known.map((a) => [a.status, a.body]));
      expect(answers.unknown.map((a) => [a.status, a.body])).to.deep.equal(answers.known.map((a) => [a.status, a.body]));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const TOLERANCE_MS = 30;
      for (const status of [401, 423]) {
        const m = Object.fromEntries((Object.keys(names) as Kind[]).map((k) => [k, median(answers[k].filter((a) => a.status === status).map((a) => a.ms))]));
        const spread = Math.max(...Object.values(m)) - Math.min(...Object.values(m));
        console.log(`      ${status} medians (ms): ${JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])))}, spread ${Math.round(spread)}`);
        expect(spread, `${status} medians ${JSON.stringify(m)}`).to.be.at.most(TOLERANCE_MS);
      }
    } finally {
      await proxy.close();
    }
  });

  it('a role map with the docs table escape "\\|" pasted as written stops the start with one line naming the setting', async () => {
    const dead = String(await freePort()); // were it to start anyway, it must not touch the shared Asterisk
    const { code, stderr, stdout } = await runMain({
      HOTLINE_DB_PATH: join(root, 'never.sqlite'),
      HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`,
      HOTLINE_AMI_PORT: dead,
      HOTLINE_LDAP_URL: slapd.url,
      HOTLINE_LDAP_BIND_DN: SERVICE_DN,
      HOTLINE_LDAP_BIND_PASSWORD: slapd.servicePassword,
      HOTLINE_LDAP_BASE_DN: PEOPLE,
      HOTLINE_LDAP_ROLE_MAP: `admin:${groupDn('admins')}\\|agent:${groupDn('agents')}`,
    });
    expect(code).to.equal(78);
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).to.have.length(1);
    expect(lines[0]).to.match(/^hotline: Invalid configuration: HOTLINE_LDAP_ROLE_MAP: contains "\\\|"/);
    expect(stdout).to.not.contain('listening');
    expect(stderr + stdout).to.not.contain(slapd.servicePassword);
  });

  it('the parsed role map is logged when LDAP login is enabled (no password)', async () => {
    await api(ldap);
    const line = logLines.filter((l) => l.includes('LDAP login enabled')).at(-1)!;
    expect(JSON.parse(line).ldap.roleMap).to.deep.equal([
      `agent <- ${groupDn('agents')}`,
      `supervisor <- ${groupDn('supervisors')}`,
      'admin <- cn=admins,ou=groups,dc=hotline,dc=test',
    ]);
    expect(line).to.not.contain(slapd.servicePassword);
  });

  it('a wrong service-account password: 503 directory_unavailable saying that the service bind failed', async () => {
    const res = await (await api({ ...ldap, bindPassword: WRONG_BIND_PASSWORD }))('alice', pw('alice'));
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('directory_unavailable');
    expect(res.body.error.message).to.contain('service bind failed');
    expect(logLines.some((l) => l.includes('ldap: the service bind failed'))).to.equal(true);
    expect(JSON.stringify(res.body)).to.not.contain(WRONG_BIND_PASSWORD);
  });

  it('a directory that accepts TCP but never answers: 503 within the timeout', async () => {
    const silent: NetServer = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const addr = silent.address();
    try {
      const started = Date.now();
      const res = await (await api({ ...ldap, url: `ldap://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, timeoutMs: 500 }))('alice', pw('alice'));
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('directory_unavailable');
      expect(Date.now() - started).to.be.lessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('directory down (slapd stopped): 503 directory_unavailable', async () => {
    const login = await api(ldap);
    await slapd.stop();
    const res = await login('alice', pw('alice'));
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ error: { code: 'directory_unavailable', message: 'the user directory (LDAP) is not reachable; try again later' } });
  });

  it('no log line holds the bind password or a user password', () => {
    expect(logLines.join('')).to.contain('ldap: directory unavailable');
    const secrets = [slapd.servicePassword, slapd.rootPassword, WRONG_BIND_PASSWORD, ...USERS.map((u) => u.password)];
    for (const line of logLines) for (const s of secrets) expect(line).to.not.contain(s);
  });
});
