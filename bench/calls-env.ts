// Imported FIRST by bench/calls.bench.ts: the calls bench runs on its OWN Asterisk (bench/own-pbx.ts)
// and its own Hotline HTTP port, so it neither needs nor disturbs the shared Asterisk of the test
// suites. Defaults (override with BENCH_PBX_* and HOTLINE_HTTP_PORT):
//   BENCH_PBX_DIR /var/lib/hotline/pbx-calls   BENCH_PBX_ARI_PORT 8288   BENCH_PBX_AMI_PORT 5238
//   BENCH_PBX_SIP_PORT 5260   BENCH_PBX_ARI_APP hotline-calls   HOTLINE_HTTP_PORT 8380
//   BENCH_STEP_SECONDS 20   BENCH_SIPP_NICE -5 (as root; 0: sipp at normal priority)
//   BENCH_SIPP_RT_PRIORITY 30 (as root where realtime is allowed; 0: not realtime)
import { spawnSync } from 'node:child_process';
import { ownPbx } from './own-pbx.js';

export const CALLS_PBX = ownPbx('bench:calls', { dir: '/var/lib/hotline/pbx-calls', ariPort: '8288', amiPort: '5238', sipPort: '5260', app: 'hotline-calls' });
process.env.HOTLINE_HTTP_PORT ??= '8380';
// 20 s of calls a step (not the other benches' 10): a clean rate this box holds for 20 s, not a
// burst it absorbs for 10, and an overload step long enough for the admission governor to
// settle after its first seconds (10 s steps: 0.35 of the clean rate; 20 s: 0.89 and 1.0,
// docs/benchmarks.md "Runs (2026-12-04 afternoon)").
process.env.BENCH_STEP_SECONDS ??= '20';
// The callers (sipp) at nice -5 where allowed: on a real appliance they are not on the box, and
// here they placed their calls late while Hotline and the SIP front took the CPU the realtime
// Asterisk left (a 200 step placed at 189/s, 2026-12-05). sipp itself needs little CPU.
if (process.env.BENCH_SIPP_NICE === undefined && process.getuid?.() === 0) process.env.BENCH_SIPP_NICE = '-5';
// Nice is not enough against a realtime Asterisk at its CPU edge: once a full test run had left
// the box slower, the overload step's callers placed 467/s of 525 and saw the front's 503s seconds
// late (2026-12-05 22-34-35, 23-26-33). Where the machine allows realtime priority, sipp runs at
// SCHED_RR 30, above Asterisk (10) and the SIP front (20): callers on another box do not wait for
// this box's CPU. Its CPU per call is the same (docs/benchmarks.md: 0.18 ms).
if (process.env.BENCH_SIPP_RT_PRIORITY === undefined && process.getuid?.() === 0
  && spawnSync('chrt', ['-r', '1', 'true']).status === 0) process.env.BENCH_SIPP_RT_PRIORITY = '30'; // not test/support/pbx.ts: see own-pbx.ts
