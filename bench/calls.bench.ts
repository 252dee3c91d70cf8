// npm run bench — the highest call rate with no failed call, for
//   (a) plain dialplan (number 9000: Answer, Playback(beep), Hangup) and
//   (b) the Hotline Stasis path (BENCH_HOTLINE_NUMBER, default 9001: Hotline answers, plays a
//       prompt, hangs up),
// measured in one run with sipp on the same box (sipp, Asterisk and Node share the CPUs, so only
// the ratio b/a means much). Each path steps through rates (BENCH_RATES, calls/s); a step places
// rate x BENCH_STEP_SECONDS calls with at most BENCH_LIMIT at once and stops at the first rate
// with a failed call, a call not placed, or a rate sipp could not hold (< 90 % of the target).
//
// Env: BENCH_RATES="50,100,150,200,300,400,600,800"  BENCH_STEP_SECONDS=10  BENCH_LIMIT (default
// rate x 10)  BENCH_RECV_TIMEOUT_MS=15000  BENCH_PATHS="plain,hotline"  BENCH_HOTLINE_NUMBER=9001
// BENCH_START_HOTLINE (not '0': start `tsx app/main.ts` on SQLite and stop it afterwards)
// HOTLINE_HTTP_PORT=8080  HOTLINE_PBX_DIR=/var/lib/hotline/pbx
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureHotline, HOTLINE_NUMBER, killGroup, log, measure, PATHS, pbx, RATES, RECV_TIMEOUT_MS, ROOT, STEP_SECONDS, stopHotline, type PathResult } from './lib.js';

const env = process.env;

// ---- run ----
async function main(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/pbx-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const asterisk = /Asterisk\s+(\S+)/.exec(pbx('core show version'))?.[1] ?? '?';
  log(`calls bench: rates ${RATES.join(', ')} calls/s, ${STEP_SECONDS} s of calls per step; Asterisk ${asterisk}, ${cpus().length} CPUs`);
  const results: PathResult[] = [];
  if (PATHS.includes('plain')) results.push(await measure('plain dialplan', '9000'));
  if (PATHS.includes('hotline')) {
    const hotline = await ensureHotline();
    const stop = (): void => { if (hotline) killGroup(hotline, 'SIGKILL'); process.exit(130); };
    process.once('SIGINT', stop);
    try {
      results.push(await measure('Hotline Stasis', HOTLINE_NUMBER));
    } finally {
      process.off('SIGINT', stop);
      await stopHotline(hotline);
    }
  }

  const rows = results.map((r) => [r.path, `${r.number}`, r.maxRate ? String(r.maxRate) : '< ' + RATES[0], String(r.attemptedAtMax)]);
  const head = ['path', 'number', 'max calls/s with 0 failed', 'calls attempted at that rate'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i])).join(' | ')} |`;
  log(`\n${line(head)}\n|${w.map((n) => '-'.repeat(n + 2)).join('|')}|\n${rows.map(line).join('\n')}`);
  const [a, b] = [results.find((r) => r.path === 'plain dialplan'), results.find((r) => r.path === 'Hotline Stasis')];
  const ratio = a && b && a.maxRate > 0 ? Math.round((b.maxRate / a.maxRate) * 100) / 100 : null;
  if (ratio !== null) log(`\nratio Hotline / plain dialplan: ${ratio}`);

  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `calls-${date}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(), asterisk, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    settings: { rates: RATES, stepSeconds: STEP_SECONDS, limit: env.BENCH_LIMIT ?? 'rate x 10', recvTimeoutMs: RECV_TIMEOUT_MS, scenario: 'uac-wait-bye' },
    results, ratio,
  }, null, 2)}\n`);
  log(`results: ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
