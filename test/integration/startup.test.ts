// Starting Hotline the way an operator does: a bad setting refuses to start with a clear
// line; a fresh clone with nothing else run before runs `npm start` alone: it installs itself,
// prints the start block (console URL, first admin login, no Asterisk: npm run pbx:up),
// answers /health with the database up and the PBX reported down (not a crash), serves the
// console's login page, and the generated first admin signs in.
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsole } from '../support/browser.js';
import { docTables, documentedRoutes } from '../support/doc-tables.js';
import { freePort } from '../support/hotline.js';
import { ROOT, waitUntil } from '../support/pbx.js';

function runMain(env: Record<string, string>, cwd = ROOT): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

describe('startup', function () {
  this.timeout(900_000);

  for (const [name, value] of [
    ['HOTLINE_HTTP_PORT', 'eighty'],
    ['HOTLINE_DB_TYPE', 'postgres'],
    ['HOTLINE_ARI_URL', 'asterisk:8088'],
  ] as const) {
    it(`refuses to start on ${name}=${value}, with one line naming it`, async () => {
      const { code, stderr, stdout } = await runMain({ [name]: value, HOTLINE_DB_PATH: join(tmpdir(), 'hl-never.sqlite') });
      expect(code).to.equal(78);
      const lines = stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^hotline: Invalid configuration: ${name}: `));
      expect(stdout).to.not.contain('listening');
    });
  }

  it('a fresh clone runs `npm start` alone: it installs itself, prints the start block, answers /health, serves the login page, and the first admin signs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-clone-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir], { stdio: 'inherit' });
      expect(existsSync(join(dir, 'node_modules')), 'a clone has no node_modules').to.equal(false);
      const port = await freePort();
      const deadPort = await freePort(); // nothing listens here: "no Asterisk installed" (and the shared one is left alone)
      let out = '';
      let err = '';
      const child = spawn('npm', ['start', '--silent'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/root',
          HOTLINE_HTTP_PORT: String(port),
          HOTLINE_ARI_URL: `http://127.0.0.1:${deadPort}`,
          HOTLINE_AMI_PORT: String(deadPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const base = `http://127.0.0.1:${port}`;
      try {
        // The first start runs npm ci (better-sqlite3 compiles, the console builds): minutes.
        const health = await waitUntil('the fresh clone to install itself and answer /health with the database up', async () => {
          if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${err.slice(-3000)}`);
          const res = await fetch(`${base}/health`).catch(() => undefined);
          if (!res) return undefined;
          const body = (await res.json()) as any;
          return body.db.up ? { status: res.status, body } : undefined;
        }, 600_000, 500);
        expect(health.status).to.equal(200);
        expect(health.body.status).to.equal('degraded');
        expect(health.body.ari.up).to.equal(false);
        expect(health.body.ami.up).to.equal(false);
        expect(existsSync(join(dir, 'dist/web/index.html')), 'the console was built').to.equal(true);

        // The start block: the console's URL, the first admin's login, and which Asterisk (none here).
        const block = await waitUntil('the start block', () => /Hotline \S+ is running\n[\s\S]*?\n\n/.exec(err)?.[0], 15_000);
        expect(block).to.contain(`Console:      http://127.0.0.1:${port}/`);
        const file = /Admin login: +user "admin"; its one-time password is in (\S+) \(readable by you only/.exec(block)?.[1];
        expect(file, block).to.equal(join(dir, 'data/first-admin-password'));
        expect(block).to.contain(`Phone system: not connected: no Asterisk answers at 127.0.0.1:${deadPort} (AMI) / 127.0.0.1:${deadPort} (ARI); start the local one with: npm run pbx:up`);
        expect(statSync(file!).mode & 0o777, 'only its owner may read the password file').to.equal(0o600);
        const password = readFileSync(file!, 'utf8').trim();
        expect(password.length).to.be.at.least(12);
        expect(out + err, 'the password is in no log line').to.not.contain(password);

        // The console's login page, in a real browser; the first admin signs in with the file's password.
        const ownPassword = 'First-own-pass-word-8'; // not containing the username
        const { page, errors, close } = await openConsole('en');
        try {
          await page.goto(`${base}/login`);
          await page.locator('input[name=username]').waitFor({ timeout: 15_000 });
          await page.locator('input[name=username]').fill('admin');
          await page.locator('input[name=password]').fill(password);
          await page.locator('button[type=submit]').click();
          // A generated password is replaced before anything else: the page asks for a new one.
          await page.locator('[data-test=change-password]').waitFor({ timeout: 15_000 });
          await page.locator('input[name=new-password]').fill(ownPassword);
          await page.locator('input[name=repeat-password]').fill(ownPassword);
          await page.locator('[data-test=change-password] button[type=submit]').click();
          await page.waitForURL((u) => u.pathname === '/admin', { timeout: 15_000 });
          expect(errors).to.deep.equal([]);
        } finally {
          await close();
        }

        // Every route this Hotline serves is in docs/ (the unit test reads the sources; this asks the running service).
        const oldOne = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
        expect(oldOne.status, 'the generated password is gone once changed').to.equal(401);
        const login = (await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ownPassword }) })).json()) as { token: string };
        const served = (await (await fetch(`${base}/api/auth/routes`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as { items: Array<{ method: string; path: string }> };
        const docs = readdirSync(join(dir, 'docs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md'));
        const documented = new Set(documentedRoutes(docs.flatMap((e) => docTables(readFileSync(join(e.parentPath, e.name), 'utf8'), e.name))).routes.map((r) => `${r.method} ${r.path}`));
        expect(served.items.length).to.be.greaterThan(100);
        expect(served.items.map((r) => `${r.method} ${r.path}`).filter((r) => !documented.has(r)), 'served routes missing from docs/').to.deep.equal([]);
        expect(child.exitCode).to.equal(null); // still running, not crashed
      } finally {
        process.kill(-child.pid!, 'SIGKILL');
      }
      // A second start installs nothing: the check is two stat calls.
      const t0 = Date.now();
      const again = execFileSync(process.execPath, ['scripts/start-prepare.mjs'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(again).to.equal('');
      expect(Date.now() - t0).to.be.below(2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
