// npm run bench:console — the agent desktop in Chromium (not run in CI; needs the local Asterisk:
// run under `flock /tmp/hotline-pbx.lock`). Two figures:
//  1. the JavaScript the desktop loads, gzip: what the browser fetched until the desktop showed
//     the agent's state (initial), then what it fetched for the phone (SIP.js, lazy);
//  2. page load → registered phone: a fresh tab of a signed-in agent opens /agent; the time from
//     navigation start to the page showing its WebRTC phone registered with Asterisk, BENCH_CONSOLE_LOADS (20) times.
//  3. ring → painted pop: AMI AgentCalled to the customer card painted in the desktop, with
//     BENCH_CONSOLE_CUSTOMERS (1,000,000) customers in MariaDB and BENCH_CONSOLE_POP_CALLS (200)
//     calls (bench/console-pop.ts; BENCH_CONSOLE_POP_CALLS=0 skips it).
// Targets (issue 13): initial JS < 400 KB gzip; load → registered p95 < 3 s; ring → painted pop p99 < 150 ms.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { api } from '../test/support/api.js';
import { openConsole, sharedBrowser, signIn } from '../test/support/browser.js';
import { createTestDb } from '../test/support/db.js';
import { createDeskAgent, setupDeskLab } from '../test/support/desk-lab.js';
import { startHotline, stopAllHotlines } from '../test/support/hotline.js';
import { ensurePbx, hangupAll, ROOT } from '../test/support/pbx.js';
import { ringToPaintedPop } from './console-pop.js';

const LOADS = Number(process.env.BENCH_CONSOLE_LOADS ?? 20);
const out = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const gz = (path: string) => gzipSync(readFileSync(join(ROOT, 'dist/web', path)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  ensurePbx();
  hangupAll();
  const db = await createTestDb('sqlite');
  try {
    const hotline = await startHotline({ ...db.env, HOTLINE_LOG_LEVEL: 'warn' });
    const base = hotline.url;
    await setupDeskLab(base);
    const agent = await createDeskAgent(base, 'Bench Agent', 'bench-desk');

    // 1. JavaScript fetched by the desktop.
    const { page, close } = await openConsole('zh-CN');
    // The phone's chunks (SIP.js and the class around it) load lazily, beside the desk's data.
    const scripts: Array<{ path: string; phase: 'initial' | 'phone' }> = [];
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('.js')) scripts.push({ path: u.pathname, phase: /\/assets\/(sip|softphone)-/.test(u.pathname) ? 'phone' : 'initial' });
    });
    await signIn(page, base, agent.username, agent.password);
    await page.locator('[data-test=phone-status][data-status=registered]').waitFor({ timeout: 20_000 });
    await close();
    const size = (p: 'initial' | 'phone') => scripts.filter((s) => s.phase === p).reduce((n, s) => n + gz(s.path), 0);
    out('\nagent desktop JavaScript (gzip -9 of the files the browser fetched)');
    out('| part | files | gzip |');
    out('|---|---|---|');
    out(`| initial (login page and desktop, without the phone) | ${scripts.filter((s) => s.phase === 'initial').length} | ${kb(size('initial'))} |`);
    out(`| phone (SIP.js + softphone class, lazy) | ${scripts.filter((s) => s.phase === 'phone').length} | ${kb(size('phone'))} |`);
    out(`| total | ${scripts.length} | ${kb(size('initial') + size('phone'))} |`);

    // 2. Page load → registered phone, in fresh tabs of a signed-in agent.
    const login = await api(base, 'POST', '/api/auth/login', { username: agent.username, password: agent.password }, null);
    const session = { token: login.body.token as string, user: { id: login.body.user.id, username: agent.username, displayName: 'Bench Agent', role: 'agent' } };
    const browser = await sharedBrowser();
    const times: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ locale: 'zh-CN' });
      await ctx.addInitScript((s) => {
        sessionStorage.setItem('hotline.token', s.token);
        sessionStorage.setItem('hotline.user', JSON.stringify(s.user));
      }, session);
      const p = await ctx.newPage();
      await p.goto(`${base}/agent`);
      await p.waitForFunction(() => document.querySelector('[data-test=phone-status][data-status=registered]'), undefined, { timeout: 20_000, polling: 'raf' });
      times.push(await p.evaluate(() => performance.now()));
      await ctx.close();
    }
    out(`\npage load → registered phone (${LOADS} fresh tabs; load average ${loadavg()[0]!.toFixed(2)})`);
    out('| p50 | p95 | max |');
    out('|---|---|---|');
    out(`| ${pct(times, 50).toFixed(0)} ms | ${pct(times, 95).toFixed(0)} ms | ${Math.max(...times).toFixed(0)} ms |`);

    // 3. Ring → painted pop, with a million customers in MariaDB.
    if (process.env.BENCH_CONSOLE_POP_CALLS !== '0') {
      // One Hotline on the Asterisk at a time: a second one would take the Stasis app over and the
      // two would trade it every few seconds (pops from the wrong node, or none).
      await stopAllHotlines();
      const f = await ringToPaintedPop(out);
      const row = (label: string, xs: number[]) => `| ${label} | ${xs.length} | ${pct(xs, 50).toFixed(0)} ms | ${pct(xs, 95).toFixed(0)} ms | ${pct(xs, 99).toFixed(0)} ms | ${xs.length ? Math.max(...xs).toFixed(0) : '—'} ms |`;
      out(`
ring → painted pop (AMI AgentCalled → the card painted in the desktop; MariaDB with ${f.customers} customers, seeded in ${f.seededSeconds.toFixed(0)} s; ${f.calls} calls)`);
      out('| callers | pops | p50 | p95 | p99 | max |');
      out('|---|---|---|---|---|---|');
      out(row('known', f.known));
      out(row('unknown', f.unknown));
      out(row('all', [...f.known, ...f.unknown]));
      out(`callers with no ring or no painted pop: ${f.missing}; pops with the wrong known/unknown: ${f.wrong}`);
      if (f.missing || f.wrong) process.exitCode = 1;
    }
  } finally {
    await (await sharedBrowser()).close();
    await stopAllHotlines();
    await db.drop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
