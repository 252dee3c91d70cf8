// Routing-rule evaluation time: route() with 200 rules (regions, VIP, time windows, variables)
// and a 5,000-prefix region table, over 100,000 calls with varied callers. Pure CPU, in process.
// npm run bench:acd-routing
import { performance } from 'node:perf_hooks';
import { queueSettings, routingRule, type RegionEntry } from '../app/acd/acd.schemas.js';
import { route } from '../app/acd/routing.js';

const queues = new Map(Array.from({ length: 20 }, (_, i) => [`q${i}`, queueSettings.parse({ overflow: i < 19 ? { queue: `q${i + 1}`, afterSeconds: 60 } : undefined })]));
const regions: RegionEntry[] = Array.from({ length: 5000 }, (_, i) => ({ prefix: `86${String(130 + (i % 60))}${String(i).padStart(4, '0')}`.slice(0, 9), region: `r${i % 300}` }));
const rules = Array.from({ length: 200 }, (_, i) =>
  routingRule.parse({
    name: `rule-${i}`,
    when: [
      { regions: [`r${i % 300}`, `r${(i * 7) % 300}`] },
      { vipMin: 1 + (i % 3), queues: [`q${i % 20}`] },
      { time: { from: '09:00', to: '18:00', timezone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5] } },
      { variable: { name: 'menu.choice', equals: String(i % 10) } },
    ][i % 4],
    then: { priorityAdd: 1, ...(i % 5 === 0 ? { queue: `q${(i + 3) % 20}` } : {}) },
  }),
);
const N = 100_000;
const samples = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const input = { queue: `q${i % 20}`, priority: i % 5, callerNumber: `86${130 + (i % 60)}${String(i).padStart(8, '0')}`, vipLevel: i % 4, vars: { 'menu.choice': String(i % 10) }, now: new Date(Date.UTC(2026, 11, 1, i % 24, 0)) };
  const t = performance.now();
  route(input, { rules, regions, queues, agentsLoggedIn: () => 3 });
  samples[i] = performance.now() - t;
}
samples.sort();
const pct = (p: number) => samples[Math.min(N - 1, Math.floor((p / 100) * N))]!.toFixed(3);
console.log(`routing-rule evaluation, ${rules.length} rules, ${regions.length} region prefixes, ${N} calls`);
console.log(`| p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|\n| ${pct(50)} | ${pct(90)} | ${pct(99)} | ${samples[N - 1]!.toFixed(3)} |`);
