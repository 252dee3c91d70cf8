// The overload step of `npm run bench:calls` (issue 12, item 8): offer 1.5x the highest clean
// Hotline rate and check that Hotline sheds what it cannot take instead of collapsing:
//   - every call Hotline admitted completes: every call its caller saw answered (but by the
//     fallback) ends with Asterisk's BYE after the flow's prompt, none hung up by a caller who
//     waited too long, none failed; through the SIP front, a call Asterisk answered just as the
//     front's deadline refused it (its caller had the 503 first) is counted and shown, not held
//     against the step: its caller was refused in time;
//   - every other call is refused (UserEvent HotlineRefused, SIP 503: admission by rate) or handed
//     to the dialplan's fallback (UserEvent HotlineFallback: admission by count) within 1 s of
//     reaching Asterisk (time from AMI Newchannel to the UserEvent, per call); through the SIP
//     front, a refusal is timed as the caller saw it (INVITE to 503): the front refuses what
//     Asterisk has not begun to answer by its deadline, so a refusal Asterisk makes late (its
//     caller already had the front's 503) is not one a caller waited for, and a call Asterisk let
//     in but never answered is one the front cut at its deadline (its caller had a 503);
//   - completed calls/s stay >= 90 % of the clean rate.
// Callers (test/support/sipp/uac-overload.xml) hang up themselves BENCH_OVERLOAD_HOLD_MS (5000) after the
// answer unless Asterisk's BYE came first (fallback callers wait in the fallback queue until then).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldOf, type AmiMessage } from '../app/pbx/ami/index.js';
import { SipFront } from '../app/pbx/sip-front.js';
import { runSipp } from '../test/support/sipp.js';
import { boxLoad, describeLoad, type BoxLoad } from './box-load.js';
import { achievedRate, activeCalls, benchAmi, env, HTTP_PORT, log, pbx, RECV_TIMEOUT_MS, SIPP_PRIORITY, STEP_SECONDS, waitForIdlePbx } from './lib.js';

const HOLD_MS = Number(env.BENCH_OVERLOAD_HOLD_MS ?? 5000);
const CALLER = '5550198';

export interface OverloadResult {
  cleanRate: number;
  /** HOTLINE_MAX_CALLS_PER_SECOND during the step. */
  maxPerSecond: number;
  offeredRate: number;
  placedRate: number;
  attempted: number;
  /** Channels Asterisk created for the bench's callers (AMI Newchannel). */
  arrived: number;
  sippFailed: number;
  sippFailures: Record<string, number>;
  /** Calls Hotline admitted (no HotlineFallback for them). */
  admitted: number;
  /** Admitted calls that ended with Asterisk's BYE after the flow (sipp PBX_BYE). */
  completed: number;
  /** Calls their callers saw answered (sipp ANSWERED) that did not end with Asterisk's BYE after the flow. */
  admittedNotCompleted: number;
  /** Admitted calls Asterisk answered after their caller had the front's 503 (the deadline and the answer crossed). */
  answeredAfterRefusal: number;
  /** Admitted calls Asterisk never answered: through the front, those it cut at its answer deadline (their callers got 503). */
  admittedUnanswered: number;
  /** Calls the SIP front refused at its answer deadline (its counter `late`), and at once because Asterisk answered slowly (`slow`). */
  frontLate: number;
  frontSlow: number;
  /** The callers sent their INVITEs to the SIP front. */
  viaFront: boolean;
  /** Through the front: calls Asterisk refused 1 s or more after their channel (the callers had the front's 503 by its deadline). */
  refusedLateInAsterisk: number;
  /** Refused (HotlineRefused) / handed to the fallback (HotlineFallback), by reason. */
  refusedByReason: Record<string, number>;
  fallbackByReason: Record<string, number>;
  /** Calls sipp saw refused (503). */
  sippRefused: number;
  /** Of them, refused by the SIP front (scripts/sip-front.cfg) before Asterisk made a channel. */
  frontRefused: number;
  /** ms from the INVITE to the 503, as the caller saw it (every refusal, front or dialplan). */
  refusalAsSeenMs: { p50: number; p95: number; p99: number; max: number; over1s: number };
  /** Asterisk BYEs sipp called unexpected (its wait loop between polls): counted as completed, and as failed in sipp. */
  byeRaces: number;
  /** The box just before the offer (bench/box-load.ts): what else used its CPU. */
  boxBefore: BoxLoad;
  /** What the admission governor did during the step: its limit and median round trip, read from /metrics every 0.5 s. */
  governor: GovernorPoint[];
  /** ms from Newchannel to HotlineRefused or HotlineFallback, over the calls not admitted. */
  toFallbackMs: { p50: number; p95: number; p99: number; max: number; over1s: number };
  /** Completed calls per second of the offer: from the first call's arrival to the last call's. */
  completedPerSecond: number;
  /** The same up to the last admitted call's hangup. */
  completedPerSecondToLastHangup: number;
  offerSeconds: number;
  ratioToClean: number;
  ok: boolean;
  why: string[];
  logDir: string;
}

/** One read of the governor: seconds into the step, its limit (calls/s), its median round trip. */
interface GovernorPoint { t: number; limit: number; p50Ms: number }

interface Track { arrivedAt: number; shedAt?: number; shed?: 'refused' | 'fallback'; reason?: string; answered?: boolean; hungupAt?: number }

/** Newchannel, Newstate (answered), HotlineFallback and Hangup of the bench's callers, timed as the bench receives them. */
class OverloadWatch {
  readonly byUid = new Map<string, Track>();
  private readonly client = benchAmi('call,user');

  async start(): Promise<void> {
    this.client.on('event', (e) => this.onEvent(e as unknown as AmiMessage));
    this.client.start();
    await this.client.waitForConnected(15_000);
    // Only the events this needs, filtered in Asterisk: the watch must not load the box it measures
    // ('Hangup[^R]': not HangupRequest).
    for (const filter of ['Event: Newchannel', 'Event: Newstate', 'UserEvent: HotlineFallback', 'UserEvent: HotlineRefused', 'Event: Hangup[^R]']) {
      await this.client.action('Filter', { Operation: 'Add', Filter: filter }).catch((err: Error) => log(`  (AMI filter ${filter} refused: ${err.message}; watching unfiltered)`));
    }
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  private onEvent(e: AmiMessage): void {
    const ev = fieldOf(e, 'Event');
    const uid = fieldOf(e, 'Uniqueid') ?? '';
    const now = Date.now();
    if (ev === 'Newchannel') {
      if (fieldOf(e, 'CallerIDNum') === CALLER && (fieldOf(e, 'Channel') ?? '').startsWith('PJSIP/')) this.byUid.set(uid, { arrivedAt: now });
      return;
    }
    const t = this.byUid.get(uid);
    if (!t) return;
    const user = ev === 'UserEvent' ? fieldOf(e, 'UserEvent') : undefined;
    if ((user === 'HotlineFallback' || user === 'HotlineRefused') && t.shed === undefined) {
      t.shedAt = now;
      t.shed = user === 'HotlineRefused' ? 'refused' : 'fallback';
      t.reason = fieldOf(e, 'Reason') ?? '?';
    } else if (ev === 'Newstate' && fieldOf(e, 'ChannelState') === '6') t.answered = true;
    else if (ev === 'Hangup') t.hungupAt = now;
  }
}

/** Polls Hotline's /metrics every `everyMs` for the admission limit and the governor's median round trip. */
function traceGovernor(everyMs = 500): { stop(): GovernorPoint[] } {
  const trace: GovernorPoint[] = [];
  const start = Date.now();
  let missed = 0; // a starved Hotline answers late: the gaps in the trace show when
  const gauge = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`, { signal: AbortSignal.timeout(everyMs * 4) })
      .then((r) => r.text())
      .then((text) => trace.push({
        t: Math.round((Date.now() - start) / 100) / 10,
        limit: gauge(text, 'hotline_admission_calls_per_second'),
        p50Ms: Math.round(gauge(text, 'hotline_ari_round_trip_median_seconds') * 1000),
      }))
      .catch(() => missed++);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      if (missed) log(`  (governor trace: /metrics did not answer within ${everyMs * 4} ms ${missed} times)`);
      return trace;
    },
  };
}

/** The trace in a line: every fourth read (2 s apart while Hotline answers), its limit and median (ms). */
function traceLine(trace: GovernorPoint[]): string {
  const every = trace.filter((_, i) => i % 4 === 0);
  return every.map((p) => `${p.t}s ${p.limit}/${p.p50Ms}ms`).join(', ');
}

const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
/** Percentiles, the longest, and how many took 1 s or more, of waits sorted ascending (ms). */
const spread = (sorted: number[]) => ({ p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99), max: sorted.at(-1) ?? 0, over1s: sorted.filter((w) => w >= 1000).length });

/**
 * `viaFront`: the callers send their INVITEs to the SIP front at `sip` (else to Asterisk), and the
 * front's counters are read over its JSON-RPC address `rpc` before and after the step.
 */
export async function overloadStep(number: string, cleanRate: number, maxPerSecond: number, viaFront?: { sip: string; rpc: string }): Promise<OverloadResult> {
  const target = viaFront?.sip;
  const rate = Math.round(cleanRate * 1.5);
  const attempted = Math.max(1, Math.round(rate * STEP_SECONDS));
  log(`\noverload: ${rate} calls/s (1.5 x ${cleanRate}) to ${number}, ${attempted} calls, HOTLINE_MAX_CALLS_PER_SECOND=${maxPerSecond}; callers hang up ${HOLD_MS} ms after the answer unless Asterisk's BYE comes first`);
  // The bench's own Asterisk: calls a collapsed clean step left behind go now, not into this step.
  pbx('channel request hangup all');
  await waitForIdlePbx(120_000);
  const leftover = activeCalls();
  // The Hotline was just started: 3 s at half the clean rate first, as the clean steps had (JIT, caches).
  const warm = await runSipp({ ...SIPP_PRIORITY, scenario: 'uac-overload', service: number, caller: '5550197', calls: Math.ceil(cleanRate * 1.5), rate: Math.ceil(cleanRate / 2), hangupAfterMs: HOLD_MS, recvTimeoutMs: RECV_TIMEOUT_MS, ...(target ? { target } : {}) });
  log(`  warm-up: ${warm.events.PBX_BYE}/${Math.ceil(cleanRate * 1.5)} completed`);
  await waitForIdlePbx();
  const boxBefore = await boxLoad();
  log(`  before the offer: ${describeLoad(boxBefore)}`);
  const sipFront = viaFront ? new SipFront(viaFront.rpc) : undefined;
  const frontBefore = sipFront ? [await sipFront.lateRefused(), await sipFront.slowRefused()] : [0, 0];
  const watch = new OverloadWatch();
  await watch.start();
  const governor = traceGovernor();
  let r;
  try {
    r = await runSipp({
      ...SIPP_PRIORITY, scenario: 'uac-overload', service: number, caller: CALLER, calls: attempted, rate, hangupAfterMs: HOLD_MS,
      limit: Number(env.BENCH_LIMIT ?? rate * 10), recvTimeoutMs: RECV_TIMEOUT_MS,
      deadlineMs: STEP_SECONDS * 3000 + RECV_TIMEOUT_MS * 2 + HOLD_MS + 30000, keepLogs: true, ...(target ? { target } : {}),
    });
    await waitForIdlePbx();
  } finally {
    await watch.stop();
  }
  const trace = governor.stop();
  const frontAfter = sipFront ? [await sipFront.lateRefused(), await sipFront.slowRefused()] : [0, 0];
  const tracks = [...watch.byUid.values()];
  const shed = tracks.filter((t) => t.shed !== undefined);
  const admittedTracks = tracks.filter((t) => t.shed === undefined);
  const refusedByReason: Record<string, number> = {};
  const fallbackByReason: Record<string, number> = {};
  for (const t of shed) {
    const m = t.shed === 'refused' ? refusedByReason : fallbackByReason;
    m[t.reason!] = (m[t.reason!] ?? 0) + 1;
  }
  // Through the front, refusals are timed as the callers saw them (refusalAsSeenMs); Asterisk's
  // own times count for the handovers to the fallback, which its callers do wait for.
  const waits = shed.filter((t) => !target || t.shed === 'fallback').map((t) => t.shedAt! - t.arrivedAt).sort((a, b) => a - b);
  const sippRefused = r.events.REFUSED;
  const refusedInAsterisk = Object.values(refusedByReason).reduce((a, b) => a + b, 0);
  const frontRefused = Math.max(0, sippRefused - refusedInAsterisk);
  // Each refusal as the caller saw it: "REFUSED <Call-ID> <ms the INVITE left> <ms the 503 came>" (uac-overload.xml).
  const calls = join(r.logDir, 'calls.log');
  const seen = (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n') : [])
    .map((l) => /^REFUSED \S+ (\d+) (\d+)/.exec(l)).filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[2]) - Number(m[1])).sort((a, b) => a - b);
  // Asterisk's BYE arriving while sipp's wait loop is between two 100 ms polls is "unexpected"
  // to sipp (the call counts as failed there; plain dialplan shows the same at 400 calls/s): it
  // is still Asterisk ending the call after the prompt, so it counts as completed, and is shown.
  const errors = join(r.logDir, 'errors.log');
  const byeRaces = existsSync(errors) ? (readFileSync(errors, 'utf8').match(/unexpected BYE for call/g) ?? []).length : 0;
  const completed = r.events.PBX_BYE + byeRaces;
  // Like the clean rate (calls offered a second, every one completed): completed calls per second
  // of the offer, from the first call's arrival to the last one's. The stricter figure, to the last
  // admitted call's hangup (the tail of the last calls' prompts counts against it), is shown too.
  const first = Math.min(...tracks.map((t) => t.arrivedAt));
  const lastArrival = Math.max(...tracks.map((t) => t.arrivedAt));
  const lastDone = Math.max(...admittedTracks.map((t) => t.hungupAt ?? 0));
  const completedPerSecond = lastArrival > first ? completed / ((lastArrival - first) / 1000) : 0;
  const toLastHangup = lastDone > first ? completed / ((lastDone - first) / 1000) : 0;
  const res: OverloadResult = {
    cleanRate, maxPerSecond, offeredRate: rate, placedRate: Math.round(achievedRate(r, attempted) * 10) / 10, attempted, arrived: tracks.length,
    sippFailed: r.failed, sippFailures: r.failures, admitted: admittedTracks.length, completed,
    admittedNotCompleted: Math.max(0, r.events.ANSWERED - completed - shed.filter((t) => t.shed === 'fallback' && t.answered).length), admittedUnanswered: admittedTracks.filter((t) => !t.answered).length,
    answeredAfterRefusal: Math.max(0, admittedTracks.filter((t) => t.answered).length - r.events.ANSWERED),
    frontLate: frontAfter[0]! - frontBefore[0]!, frontSlow: frontAfter[1]! - frontBefore[1]!, viaFront: !!target, refusedLateInAsterisk: target ? shed.filter((t) => t.shed === 'refused' && t.shedAt! - t.arrivedAt >= 1000).length : 0, refusedByReason, fallbackByReason, sippRefused, frontRefused, byeRaces, boxBefore, governor: trace,
    refusalAsSeenMs: spread(seen),
    toFallbackMs: spread(waits),
    completedPerSecond: Math.round(completedPerSecond * 10) / 10,
    completedPerSecondToLastHangup: Math.round(toLastHangup * 10) / 10, offerSeconds: Math.round(lastArrival - first) / 1000,
    ratioToClean: Math.round((completedPerSecond / cleanRate) * 100) / 100,
    ok: false, why: [], logDir: r.logDir,
  };
  // Measured on an Asterisk still busy with the clean steps' calls, the step says nothing.
  if (leftover > 0) res.why.push(`VOID: Asterisk still had ${leftover} calls of the clean steps when the overload began`);
  if (r.failed > byeRaces) res.why.push(`${r.failed - byeRaces} calls failed in sipp ${JSON.stringify(r.failures)}`);
  if (tracks.length + frontRefused < attempted) res.why.push(`${attempted - tracks.length - frontRefused} calls never reached Asterisk (nor a refusal from the front)`);
  if (res.admittedNotCompleted > 0) res.why.push(`${res.admittedNotCompleted} admitted calls did not complete`);
  // Without the front nothing cuts a call Asterisk does not answer: its caller waits (sipp's failures say so too).
  if (!target && res.admittedUnanswered > 0) res.why.push(`${res.admittedUnanswered} admitted calls were never answered`);
  if (res.toFallbackMs.over1s > 0) res.why.push(`${res.toFallbackMs.over1s} calls were ${target ? '' : 'refused or '}handed to the fallback after 1 s or more`);
  if (res.refusalAsSeenMs.over1s > 0) res.why.push(`${res.refusalAsSeenMs.over1s} callers waited 1 s or more for their 503`);
  if (res.ratioToClean < 0.9) res.why.push(`completed ${res.completedPerSecond}/s < 90 % of the clean ${cleanRate}/s`);
  res.ok = res.why.length === 0;
  return res;
}

export function overloadTable(o: OverloadResult): string {
  const rows: Array<[string, string]> = [
    ['clean Hotline rate (calls/s)', String(o.cleanRate)],
    ['HOTLINE_MAX_CALLS_PER_SECOND', String(o.maxPerSecond)],
    ['offered (1.5x) / placed by sipp (calls/s)', `${o.offeredRate} / ${o.placedRate}`],
    ['calls placed / reached Asterisk', `${o.attempted} / ${o.arrived}`],
    ['admitted into Hotline', String(o.admitted)],
    ['answered as the callers saw it, and completed (Asterisk BYE after the prompt)', `${o.completed} (${o.admittedNotCompleted} answered but not completed)`],
    ['admitted in Asterisk but never answered / answered after the caller had the front\'s 503', `${o.admittedUnanswered} / ${o.answeredAfterRefusal}`],
    ['refused by the SIP front at its answer deadline / at once as Asterisk answered slowly', `${o.frontLate} / ${o.frontSlow}`],
    ...(o.viaFront ? [['refused by Asterisk 1 s or more after the channel (the caller had the front\'s 503)', String(o.refusedLateInAsterisk)] as [string, string]] : []),
    ['refused (503) in the dialplan, by reason / by the SIP front / seen by sipp', `${Object.entries(o.refusedByReason).map(([k, v]) => `${k} ${v}`).join(', ') || '0'} / ${o.frontRefused} / ${o.sippRefused}`],
    ['handed to the fallback queue, by reason', Object.entries(o.fallbackByReason).map(([k, v]) => `${k} ${v}`).join(', ') || '0'],
    [`time in Asterisk to ${o.viaFront ? 'the fallback (refusals: as the callers saw them, below)' : 'refusal or fallback'} p50 / p95 / p99 / max (ms), >= 1 s`, `${o.toFallbackMs.p50} / ${o.toFallbackMs.p95} / ${o.toFallbackMs.p99} / ${o.toFallbackMs.max}, ${o.toFallbackMs.over1s}`],
    ['refusal as the caller saw it (INVITE to 503) p50 / p95 / p99 / max (ms), >= 1 s', `${o.refusalAsSeenMs.p50} / ${o.refusalAsSeenMs.p95} / ${o.refusalAsSeenMs.p99} / ${o.refusalAsSeenMs.max}, ${o.refusalAsSeenMs.over1s}`],
    ['failed in sipp (of them: Asterisk BYE between two polls of sipp)', `${o.sippFailed}${o.sippFailed ? ` ${JSON.stringify(o.sippFailures)}` : ''} (${o.byeRaces})`],
    [`completed calls/s over the offer of ${o.offerSeconds} s (ratio to the clean rate)`, `${o.completedPerSecond} (${o.ratioToClean})`],
    ['completed calls/s up to the last hangup', String(o.completedPerSecondToLastHangup)],
    ['admission limit / median round trip every 2 s (governor)', traceLine(o.governor)],
    ['before the offer (CPU over 3 s)', describeLoad(o.boxBefore)],
    ['verdict', o.ok ? 'degrades gracefully' : `NOT graceful: ${o.why.join('; ')}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`).join('\n');
}
