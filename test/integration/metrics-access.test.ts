// /metrics against the running service (no Asterisk, SQLite): served to the configured
// addresses (default: this machine's 127.0.0.1 and ::1 only) or to a request with the metrics
// token; anyone else gets 403 in the JSON error shape, and the token never reaches the log.
// Other client addresses are real: the requests leave from 127.0.0.2, 127.0.0.5 (loopback).
import http from 'node:http';
import { expect } from 'chai';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { freePort } from '../support/ports.js';

const TOKEN = 'metrics-Token-7f3a9c2e51d4b8';

/** GET /metrics from a chosen local address. */
function scrape(hotline: HotlineProcess, from: string, token?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: hotline.port, path: '/metrics', localAddress: from, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
  });
}

const isMetrics = (r: { status: number; body: string }) => r.status === 200 && r.body.includes('hotline_calls_in_progress');
const isRefused = (r: { status: number; type: string; body: string }) => {
  expect(r.status, r.body).to.equal(403);
  expect(r.type).to.match(/^application\/json/);
  const err = (JSON.parse(r.body) as { error: { code: string; message: string } }).error;
  expect(err.code).to.equal('metrics_forbidden');
  expect(err.message).to.include('HOTLINE_METRICS_ALLOW');
  expect(r.body).to.not.include(TOKEN);
};

describe('/metrics is served only to configured addresses or with the token', function () {
  this.timeout(90_000);
  let db: TestDb;
  const start = async (env: Record<string, string>) => {
    const dead = String(await freePort()); // no Asterisk: nothing listens there
    return startHotline({ ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, ...env }, { waitForPbx: false });
  };
  before(async () => {
    db = await createTestDb('sqlite');
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  it('default addresses (127.0.0.1, ::1) and the token: others get 403, the token never reaches the log', async () => {
    const hotline = await start({ HOTLINE_METRICS_TOKEN: TOKEN });
    expect(isMetrics(await scrape(hotline, '127.0.0.1'))).to.equal(true);
    isRefused(await scrape(hotline, '127.0.0.2'));
    isRefused(await scrape(hotline, '127.0.0.2', 'not-the-metrics-token'));
    isRefused(await scrape(hotline, '127.0.0.2', `${TOKEN}x`));
    expect(isMetrics(await scrape(hotline, '127.0.0.2', TOKEN))).to.equal(true);
    // A session token of the API is not the metrics token.
    const login = await fetch(`${hotline.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Test-Hotline-passw0rd!' }) });
    isRefused(await scrape(hotline, '127.0.0.2', ((await login.json()) as { token: string }).token));
    expect(hotline.output()).to.not.include(TOKEN);
    await hotline.stop();
  });

  it('a configured CIDR range, and no token configured: a bearer gets nothing', async () => {
    const hotline = await start({ HOTLINE_METRICS_ALLOW: '127.0.0.0/30, 10.1.2.3' });
    expect(isMetrics(await scrape(hotline, '127.0.0.2'))).to.equal(true);
    expect(isMetrics(await scrape(hotline, '127.0.0.1'))).to.equal(true);
    isRefused(await scrape(hotline, '127.0.0.5'));
    isRefused(await scrape(hotline, '127.0.0.5', TOKEN));
    await hotline.stop();
  });
});
