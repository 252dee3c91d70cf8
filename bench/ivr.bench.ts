// npm run bench:ivr — time from a caller's DTMF digit reaching Hotline to the next prompt
// starting in Asterisk, p50/p99, with 50 concurrent callers walking 10-level menus
// (real Asterisk, sipp with RFC 2833 digits, Hotline on SQLite). Figures come from
// Hotline's histogram hotline_ivr_dtmf_to_prompt_seconds (interpolated within buckets).
import { api, publishFlow } from '../test/support/api.js';
import { createTestDb } from '../test/support/db.js';
import { startHotline } from '../test/support/hotline.js';
import { activeChannels, ensurePbx, waitUntil } from '../test/support/pbx.js';
import { runSipp } from '../test/support/sipp.js';

const CONCURRENT = Number(process.env.BENCH_IVR_CALLS ?? 50);
const LEVELS = 10;
const ROUNDS = Number(process.env.BENCH_IVR_ROUNDS ?? 2);

function menuChain() {
  const nodes: Record<string, unknown> = { end: { type: 'hangup', prompt: { sound: 'beep' } }, bye: { type: 'hangup' } };
  for (let i = 1; i <= LEVELS; i++) {
    nodes[`m${i}`] = {
      type: 'menu',
      prompt: { sound: `digits/${i % 10}` },
      options: { '1': i < LEVELS ? `m${i + 1}` : 'end' },
      timeoutMs: 5000,
      retries: 0,
      onExhausted: 'bye',
      bargeIn: true,
    };
  }
  return { entry: 'm1', nodes };
}

function histogram(metrics: string): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  for (const line of metrics.split('\n')) {
    const m = /^hotline_ivr_dtmf_to_prompt_seconds_bucket\{le="([^"]+)"\} (\d+)/.exec(line);
    if (m) rows.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  return rows;
}

function quantile(buckets: Array<[number, number]>, q: number): number {
  const total = buckets.at(-1)![1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((rank - prevCount) / Math.max(1, count - prevCount)) * (le - prevLe);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

async function main(): Promise<void> {
  ensurePbx();
  const db = await createTestDb('sqlite');
  const hotline = await startHotline(db.env);
  try {
    await publishFlow(hotline.url, 'bench-menus', menuChain(), ['6900']);
    let ok = 0;
    let failed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r = await runSipp({ scenario: 'uac-dtmf', service: '6900', digits: '1'.repeat(LEVELS), waitBeforeDigitsMs: 600, calls: CONCURRENT, rate: CONCURRENT, limit: CONCURRENT, caller: '5559000' });
      ok += r.successful;
      failed += r.failed;
      await waitUntil('Asterisk idle', () => activeChannels() === 0, 60_000);
    }
    const calls = await api(hotline.url, 'GET', '/api/calls?limit=500');
    const complete = (calls.body.items as Array<{ ivrPath: Array<{ step: string }> }>).filter((c) => c.ivrPath.at(-1)?.step === 'end').length;
    const buckets = histogram(await (await fetch(`${hotline.url}/metrics`)).text());
    const samples = buckets.at(-1)?.[1] ?? 0;
    const ms = (s: number) => (s * 1000).toFixed(1);
    process.stdout.write(
      [
        `IVR bench: ${ROUNDS} rounds x ${CONCURRENT} concurrent calls, each pressing 1 through ${LEVELS} menus (barge-in)`,
        `calls: ${ok} ok, ${failed} failed; ${complete} reached the last leaf`,
        '',
        '| measure | value |',
        '|---|---|',
        `| digit -> next prompt started, samples | ${samples} |`,
        `| p50 | ${ms(quantile(buckets, 0.5))} ms |`,
        `| p90 | ${ms(quantile(buckets, 0.9))} ms |`,
        `| p99 | ${ms(quantile(buckets, 0.99))} ms |`,
        '',
      ].join('\n'),
    );
  } finally {
    await hotline.stop();
    await db.drop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
