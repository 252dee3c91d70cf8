// npm run bench:acd — calls/s through IVR + queue to answering agents, with 0 failed calls,
// against plain dialplan + Queue() on the same box in one run:
//   (a) number 9002: Answer, Queue(hotline-bench-plain) — six lab agents (static members);
//   (b) number 9003: Hotline's IVR (a published flow whose queue node asks the ACD's routing),
//       then the hand-off to Queue(bench-q) that Hotline configured over AMI, with six agents it
//       provisioned on the same lab phones and logged in.
// Each caller hangs up 1 s after the answer. A step counts as passed only if sipp saw no failed
// call AND every caller reached an agent (the queue's CONNECT entries in Asterisk's queue_log rose by the
// number of calls in queue_log): a caller still waiting when they hung up fails the step.
// Env: BENCH_ACD_RATES (default 20,40,60,80,100,120,150,200), BENCH_STEP_SECONDS (10), HOTLINE_HTTP_PORT (8080).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startAgents } from '../test/support/agents.js';
import { ensureHotline, log, measure, pbx, ROOT, stopHotline, type PathResult } from './lib.js';

const RATES = (process.env.BENCH_ACD_RATES ?? '20,40,60,80,100,120,150,200').split(',').map(Number).filter((n) => n > 0);
const HTTP = `http://127.0.0.1:${process.env.HOTLINE_HTTP_PORT ?? '8080'}`;
const PASSWORD = 'Bench-Hotline-passw0rd!';

const QUEUE_LOG = join(process.env.HOTLINE_PBX_DIR ?? '/var/lib/hotline/pbx', 'var/log/asterisk/queue_log');
/** Callers of `queue` connected to an agent so far (Asterisk's queue_log CONNECT lines). */
const completed = (queue: string): number => readFileSync(QUEUE_LOG, 'utf8').split('\n').filter((l) => l.split('|')[2] === queue && l.split('|')[4] === 'CONNECT').length;

/** The step fails unless every call of it reached an agent of `queue`. */
function everyoneAnswered(queue: string) {
  let before = 0;
  return {
    rates: RATES,
    hangupAfterMs: 1000,
    before: async () => {
      before = completed(queue);
    },
    check: async (attempted: number) => {
      // the last calls' completions land a moment after sipp ends
      for (let i = 0; i < 20 && completed(queue) - before < attempted; i++) await new Promise((r) => setTimeout(r, 250));
      const n = completed(queue) - before;
      return n < attempted ? `${attempted - n} of ${attempted} callers never reached an agent` : undefined;
    },
  };
}

async function call(token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${HTTP}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function setUpHotline(): Promise<void> {
  const login = await fetch(`${HTTP}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  await call(token, 'POST', '/api/acd/queues', { name: 'bench-q', settings: { skills: { bench: 1 }, ringInUse: true, strategy: 'rrmemory' } });
  for (let i = 1; i <= 6; i++) {
    const a = await call(token, 'POST', '/api/acd/agents', { name: `bench-${i}`, endpoint: `acd-bench-${i}`, contact: `sip:acd-bench-${i}@127.0.0.1:${5090 + i}`, skills: { bench: 5 } });
    await call(token, 'POST', `/api/acd/agents/${a.id}/login`);
  }
  await call(token, 'POST', '/api/ivr/flows', { name: 'bench-acd', definition: { entry: 'q', nodes: { q: { type: 'queue', queue: 'bench-q' } } } });
  await call(token, 'POST', '/api/ivr/flows/bench-acd/publish');
  await call(token, 'PUT', '/api/ivr/numbers/9003', { flow: 'bench-acd' });
}

async function main(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/pbx-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const agents = await startAgents(6);
  const results: PathResult[] = [];
  try {
    log(`ACD bench: rates ${RATES.join(', ')} calls/s, Asterisk ${/Asterisk\s+(\S+)/.exec(pbx('core show version'))?.[1]}, ${cpus().length} CPUs; 6 agents (SIPp UAS, several calls each)`);
    results.push(await measure('plain dialplan + Queue()', '9002', everyoneAnswered('hotline-bench-plain')));
    const hotline = await ensureHotline({ HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD });
    try {
      await setUpHotline();
      results.push(await measure('Hotline IVR + ACD queue', '9003', everyoneAnswered('bench-q')));
    } finally {
      await stopHotline(hotline);
    }
  } finally {
    agents.stop();
  }
  log('\n| path | max calls/s, 0 failed, every caller answered |\n|---|---|');
  for (const r of results) log(`| ${r.path} | ${r.maxRate || '< first rate'} |`);
  const [a, b] = results;
  if (a?.maxRate && b) log(`\nratio Hotline / plain: ${Math.round((b.maxRate / a.maxRate) * 100) / 100}`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench:acd failed: ${err.message}\n`);
  process.exit(1);
});
