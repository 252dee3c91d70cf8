// Starting Hotline the way an operator does: a bad setting refuses to start with a clear
// line; a fresh clone with nothing else installed runs `npm ci && npm start` and answers
// /health with the database up and the PBX reported down (not a crash).
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('a fresh clone runs `npm ci && npm start`: /health has the database up and the PBX down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-clone-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir], { stdio: 'inherit' });
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
      const port = await freePort();
      const deadPort = await freePort(); // nothing listens here: "no Asterisk installed"
      let out = '';
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
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      try {
        const health = await waitUntil('the fresh clone to answer /health with the database up', async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
          if (!res) return undefined;
          const body = (await res.json()) as any;
          return body.db.up ? { status: res.status, body } : undefined;
        }, 60_000);
        expect(health.status).to.equal(200);
        expect(health.body.status).to.equal('degraded');
        expect(health.body.ari.up).to.equal(false);
        expect(health.body.ami.up).to.equal(false);
        await waitUntil('the log to say Asterisk is not reachable', () => out.includes('Asterisk ARI not reachable'), 10_000);
        expect(child.exitCode).to.equal(null); // still running, not crashed
      } finally {
        process.kill(-child.pid!, 'SIGKILL');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
