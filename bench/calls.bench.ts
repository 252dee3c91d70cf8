// npm run bench — the highest call rate with no failed call, for
//   (a) plain dialplan (number 9000: Answer, Playback(beep), Hangup) and
//   (b) Hotline (BENCH_HOTLINE_NUMBER, default 9001, the seeded flow 'announcement': answer, one
//       prompt, hang up), which Hotline compiles into the dialplan (app/ivr/flow-dialplan.ts) and
//       records from AMI, and
//   (b') the same compiled number with the callers' INVITEs sent to the SIP front
//       (scripts/sip-front.cfg, Kamailio), which refuses past the admission rate before Asterisk
//       makes a channel (BENCH_PATHS 'front'), and
//   (c) the same number through the Stasis app (a Hotline with HOTLINE_COMPILE_FLOWS=false: what
//       every flow with digits, lookups or queues costs), and (c') the same through the SIP front
//       (BENCH_PATHS 'front-stasis'), as the appliance takes such calls,
// measured in one run with sipp on the same box (sipp, Asterisk and Node share the CPUs, so only
// the ratios b/a and c/a mean much). Each path steps through rates (BENCH_RATES, calls/s); a step places
// rate x BENCH_STEP_SECONDS calls with at most BENCH_LIMIT at once and stops at the first rate
// with a failed call, a call not placed, or a rate sipp could not hold (< 97 % of the target).
//
// Env: BENCH_RATES="50,100,150,200,300,400,600,800"  BENCH_STEP_SECONDS=20 (calls-env.ts)  BENCH_LIMIT (default
// rate x 10)  BENCH_RECV_TIMEOUT_MS=15000  BENCH_PATHS="plain,hotline,front,stasis" (also: plain-ami,
// front-stasis)  BENCH_HOTLINE_NUMBER=9001
// BENCH_START_HOTLINE (not '0': start `tsx app/main.ts` on SQLite and stop it afterwards)
// BENCH_OVERLOAD (not '0': after the clean steps, the overload step of bench/overload.ts at 1.5x
// Hotline's highest clean rate, with HOTLINE_MAX_CALLS_PER_SECOND set to that clean rate, or to
// BENCH_OVERLOAD_MAX_PER_SECOND; and the same for the Stasis app path at 1.5x its own clean rate)
// BENCH_OVERLOAD_HOLD_MS=5000  BENCH_CLEAN_MAX_PER_SECOND (the
// admission rate limit while the clean rate is measured: 100000, i.e. out of the way)
// Runs on its OWN Asterisk (bench/calls-env.ts: /var/lib/hotline/pbx-calls, SIP 5260, ARI 8288,
// AMI 5238; Hotline on HTTP 8380), started for the run and stopped afterwards: the shared Asterisk
// of the test suites is neither needed nor disturbed.
import './calls-env.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CALLS_PBX } from './calls-env.js';
import { benchAmi, ensureHotline, HOTLINE_NUMBER, killGroup, log, measure, PATHS, pbx, RATES, RECV_TIMEOUT_MS, ROOT, STEP_SECONDS, stopHotline, type PathResult } from './lib.js';
import { prepareChroot } from './own-pbx.js';
import { boxLoad, describeLoad } from './box-load.js';
import { overloadStep, overloadTable, type OverloadResult } from './overload.js';
import { pbxDown, ensurePbx } from '../test/support/pbx.js';

const env = process.env;
const FRONT_PATH = 'Hotline via the SIP front';
const FRONT_STASIS_PATH = 'Hotline, Stasis app, via the SIP front';
const PLAIN_AMI_PATH = 'plain dialplan, an idle AMI session logged in';
/**
 * Hotline's paths, in the order they run: `name` in BENCH_PATHS, `label` in the tables, `key` and
 * `ratioKey` in the results file (names earlier results files used).
 */
interface HotlinePath {
  name: string;
  label: string;
  env: Record<string, string>;
  where: 'dialplan' | 'app';
  viaFront: boolean;
  key: 'overload' | 'frontOverload' | 'frontStasisOverload' | 'stasisOverload';
  ratioKey: 'ratio' | 'frontRatio' | 'frontStasisRatio' | 'stasisRatio';
}
const IN_APP = { HOTLINE_COMPILE_FLOWS: 'false' };
const HOTLINE_PATHS: HotlinePath[] = [
  { name: 'hotline', label: 'Hotline', env: {}, where: 'dialplan', viaFront: false, key: 'overload', ratioKey: 'ratio' },
  { name: 'front', label: FRONT_PATH, env: {}, where: 'dialplan', viaFront: true, key: 'frontOverload', ratioKey: 'frontRatio' },
  { name: 'front-stasis', label: FRONT_STASIS_PATH, env: IN_APP, where: 'app', viaFront: true, key: 'frontStasisOverload', ratioKey: 'frontStasisRatio' },
  { name: 'stasis', label: 'Hotline, Stasis app', env: IN_APP, where: 'app', viaFront: false, key: 'stasisOverload', ratioKey: 'stasisRatio' },
];
/** The bench's own SIP front, in front of its own Asterisk. */
const FRONT = { dir: env.BENCH_FRONT_DIR ?? `${CALLS_PBX.dir}-front`, port: env.BENCH_FRONT_PORT ?? '5262', rpcPort: env.BENCH_FRONT_RPC_PORT ?? '5282' };
function frontScript(name: string): void {
  execFileSync('bash', [join(ROOT, 'scripts', name)], {
    stdio: ['ignore', 'inherit', 'inherit'], timeout: 60_000,
    env: { ...env, HOTLINE_SIP_FRONT_DIR: FRONT.dir, HOTLINE_SIP_FRONT_PORT: FRONT.port, HOTLINE_SIP_FRONT_RPC_PORT: FRONT.rpcPort },
  });
}

/** Runs `work` with a Hotline started with `extraEnv` (or the one already up), stopped afterwards. */
async function withHotline<T>(extraEnv: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const hotline = await ensureHotline(extraEnv);
  const stop = (): void => { if (hotline) killGroup(hotline, 'SIGKILL'); process.exit(130); };
  process.once('SIGINT', stop);
  try {
    return await work();
  } finally {
    process.off('SIGINT', stop);
    await stopHotline(hotline);
  }
}

/** Waits until the started Hotline has compiled `number` into the dialplan ('dialplan') or taken it out ('app'). */
async function runsIn(number: string, where: 'dialplan' | 'app'): Promise<void> {
  for (const until = Date.now() + 30_000; ;) {
    const compiled = new RegExp(`'${number}' =>`).test(pbx(`dialplan show ${number}@hotline-compiled`));
    if (compiled === (where === 'dialplan')) return;
    if (Date.now() > until) throw new Error(`number ${number} is ${compiled ? '' : 'not '}in the compiled dialplan 30 s after Hotline started`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- run ----
async function main(): Promise<void> {
  prepareChroot(CALLS_PBX.dir, (m) => log(`calls bench: ${m}`));
  try {
    ensurePbx(); // a failed start still stops what it started (finally)
    await run();
  } finally {
    pbxDown();
  }
}

async function run(): Promise<void> {
  const asterisk = /Asterisk\s+(\S+)/.exec(pbx('core show version'))?.[1] ?? '?';
  log(`calls bench: rates ${RATES.join(', ')} calls/s, ${STEP_SECONDS} s of calls per step; Asterisk ${asterisk}, ${cpus().length} CPUs`);
  // Something else busy on the box (a test run's Asterisk or browser left running) skews every
  // step: said once here, and kept in the results.
  const boxBefore = await boxLoad();
  log(`before the bench: ${describeLoad(boxBefore)}${boxBefore.busyPercent > 10 ? ' <- warning: the box is not idle; the figures below measure what that leaves' : ''}`);
  const results: PathResult[] = [];
  // A step past capacity leaves thousands of calls that Asterisk, starved of CPU, clears only slowly
  // (the whole box crawls meanwhile): on this bench's own Asterisk they are hung up at once.
  const afterFailure = (): void => void pbx('channel request hangup all');
  if (PATHS.includes('plain')) results.push(await measure('plain dialplan', '9000', { afterFailure }));
  if (PATHS.includes('plain-ami')) {
    // The same plain dialplan with one AMI session logged in that asks for no event at all
    // (`Events: off`): Asterisk turns every channel message into AMI text as soon as any session
    // is logged in (manager.c, any_manager_listeners), whatever the sessions asked for. Every
    // Hotline path has its AMI session; this shows what that alone costs plain dialplan.
    const idle = benchAmi('off');
    idle.start();
    try {
      await idle.waitForConnected(15_000);
      results.push(await measure(PLAIN_AMI_PATH, '9000', { afterFailure }));
    } finally {
      await idle.stop();
    }
  }
  // The Hotline paths, each: its clean steps with the admission rate limit out of the way
  // (BENCH_CLEAN_MAX_PER_SECOND: Hotline's own capacity), then its overload step with admission set
  // to the capacity just measured (BENCH_OVERLOAD_MAX_PER_SECOND to choose another). Through the SIP
  // front (scripts/sip-front.cfg), as the appliance takes calls (Vagrantfile), the callers send their
  // INVITEs to the front, which refuses past the rate before Asterisk makes a channel.
  const target = `127.0.0.1:${FRONT.port}`;
  const frontUrl = `http://127.0.0.1:${FRONT.rpcPort}/RPC`;
  const overloads: Partial<Record<HotlinePath['key'], OverloadResult>> = {};
  for (const p of HOTLINE_PATHS.filter((x) => PATHS.includes(x.name))) {
    const pathEnv = { ...p.env, ...(p.viaFront ? { HOTLINE_SIP_FRONT_URL: frontUrl } : {}) };
    if (p.viaFront) frontScript('sip-front-up.sh');
    try {
      const clean = await withHotline({ HOTLINE_MAX_CALLS_PER_SECOND: env.BENCH_CLEAN_MAX_PER_SECOND ?? '100000', ...pathEnv }, async () => {
        await runsIn(HOTLINE_NUMBER, p.where);
        return measure(p.label, HOTLINE_NUMBER, { afterFailure, ...(p.viaFront ? { target } : {}) });
      });
      results.push(clean);
      if (env.BENCH_OVERLOAD !== '0' && clean.maxRate > 0) {
        const cap = env.BENCH_OVERLOAD_MAX_PER_SECOND ?? String(clean.maxRate);
        overloads[p.key] = await withHotline({ HOTLINE_MAX_CALLS_PER_SECOND: cap, ...pathEnv }, async () => {
          await runsIn(HOTLINE_NUMBER, p.where);
          return overloadStep(HOTLINE_NUMBER, clean.maxRate, Number(cap), p.viaFront ? { sip: target, rpc: frontUrl } : undefined);
        });
      }
    } finally {
      if (p.viaFront) frontScript('sip-front-down.sh');
    }
  }

  const rows = results.map((r) => [r.path, `${r.number}`, r.maxRate ? String(r.maxRate) : '< ' + RATES[0], String(r.attemptedAtMax)]);
  const head = ['path', 'number', 'max calls/s with 0 failed', 'calls attempted at that rate'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i])).join(' | ')} |`;
  log(`\n${line(head)}\n|${w.map((n) => '-'.repeat(n + 2)).join('|')}|\n${rows.map(line).join('\n')}`);
  const plain = results.find((r) => r.path === 'plain dialplan');
  const ratioOf = (path: string): number | null => {
    const r = results.find((x) => x.path === path);
    return plain && r && plain.maxRate > 0 ? Math.round((r.maxRate / plain.maxRate) * 100) / 100 : null;
  };
  const plainAmiRatio = ratioOf(PLAIN_AMI_PATH);
  if (plainAmiRatio !== null) log(`\nratio plain dialplan with an idle AMI session / without: ${plainAmiRatio}`);
  const ratios = Object.fromEntries(HOTLINE_PATHS.map((p) => [p.ratioKey, ratioOf(p.label)]));
  for (const p of HOTLINE_PATHS) if (ratios[p.ratioKey] !== null) log(`ratio ${p.label} / plain dialplan: ${ratios[p.ratioKey]}`);
  for (const p of HOTLINE_PATHS) {
    const o = overloads[p.key];
    if (o) log(`\noverload at 1.5x the clean rate, ${p.label}:\n${overloadTable(o)}`);
  }

  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `calls-${date}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(), asterisk, cpus: cpus().length, cpuModel: cpus()[0]?.model, boxBefore,
    settings: { pbx: CALLS_PBX, maxCallsInApp: env.HOTLINE_MAX_CALLS_IN_APP ?? 'default', rates: RATES, stepSeconds: STEP_SECONDS, limit: env.BENCH_LIMIT ?? 'rate x 10', recvTimeoutMs: RECV_TIMEOUT_MS, scenario: 'uac-wait-bye' },
    results, ...ratios, plainAmiRatio, ...overloads,
  }, null, 2)}\n`);
  log(`results: ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
