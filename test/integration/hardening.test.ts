// Hardening of the running service: TLS when configured, security headers, CORS closed
// except for configured origins, request size limits, and the login rate limit.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { freePort } from '../support/hotline.js';
import { ROOT, waitUntil } from '../support/pbx.js';
import { spawn, type ChildProcess } from 'node:child_process';

function get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('hardening (TLS, headers, CORS, limits)', function () {
  this.timeout(60_000);
  let dir: string;
  let db: TestDb;
  let child: ChildProcess;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    db = await createTestDb('sqlite');
    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...db.env,
        HOTLINE_HTTP_PORT: String(port),
        HOTLINE_TLS_CERT_FILE: join(dir, 'cert.pem'),
        HOTLINE_TLS_KEY_FILE: join(dir, 'key.pem'),
        HOTLINE_CORS_ORIGINS: 'https://console.example.test',
        HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: 'Hardening-Secret-77!',
        HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: '5',
      },
      stdio: 'ignore',
    });
    await waitUntil('Hotline over HTTPS', async () => (await get(`${base}/health`).catch(() => undefined))?.status === 200, 30_000);
    await waitUntil('the API to be ready', async () => (await get(`${base}/api/auth/me`)).status === 401, 30_000);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with security headers on every answer', async () => {
    const res = await get(`${base}/api/auth/me`);
    expect(res.status).to.equal(401);
    expect(res.headers['strict-transport-security']).to.contain('max-age');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-frame-options']).to.equal('DENY');
    expect(res.headers['content-security-policy']).to.contain("default-src 'none'");
    expect(res.headers['x-powered-by']).to.equal(undefined);
  });

  it('CORS: a configured origin may call the API; any other gets no CORS headers and a refused preflight', async () => {
    const ok = await get(`${base}/api/auth/me`, { origin: 'https://console.example.test' }, 'OPTIONS');
    expect(ok.status).to.equal(204);
    expect(ok.headers['access-control-allow-origin']).to.equal('https://console.example.test');
    const evil = await get(`${base}/api/auth/me`, { origin: 'https://evil.example' }, 'OPTIONS');
    expect(evil.status).to.equal(403);
    expect(evil.headers['access-control-allow-origin']).to.equal(undefined);
    const simple = await get(`${base}/api/auth/me`, { origin: 'https://evil.example' });
    expect(simple.headers['access-control-allow-origin']).to.equal(undefined);
  });

  it('refuses a request body over 1 MB with 413 and malformed JSON with 400', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(1_100_000) });
    const res = await get(`${base}/api/auth/login`, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }, 'POST', big);
    expect(res.status).to.equal(413);
    const bad = await get(`${base}/api/auth/login`, { 'content-type': 'application/json' }, 'POST', '{"username":');
    expect(bad.status).to.equal(400);
    expect(JSON.parse(bad.body).error.code).to.equal('malformed_json');
  });

  it('rate-limits login attempts (429 with Retry-After) and never says which part was wrong', async () => {
    const attempt = () => get(`${base}/api/auth/login`, { 'content-type': 'application/json' }, 'POST', JSON.stringify({ username: 'admin', password: 'wrong-password-000' }));
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5).every((s) => s === 401 || s === 423)).to.equal(true);
    const limited = await attempt();
    expect(limited.status).to.equal(429);
    expect(limited.headers['retry-after']).to.match(/^\d+$/);
    const unknown = await get(`${base}/api/auth/login`, { 'content-type': 'application/json' }, 'POST', JSON.stringify({ username: 'nobody-here', password: 'wrong-password-000' }));
    expect(JSON.parse(unknown.body).error.message).to.equal('invalid username or password');
  });
});
