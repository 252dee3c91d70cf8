// The soak's verdict: every call the callers placed against Hotline's records (call_records for
// the IVR part, acd_queue_calls for the queue part), with the outcome Asterisk's own events say
// it must have; where each hang-up really fell; how long vanished callers lived on.
import type { TestDb } from '../test/support/db.js';
import { phaseAt, type CallerTrack } from './soak-pbx.js';

/** What a caller (SIPp) did: its plan and how its call ended on its side. */
export interface CallerSide {
  caller: string;
  /** 'stays': waits for the agent's BYE; 'hangs': sends BYE itself; 'vanishes': SIPp killed, no BYE;
   *  'silent': killed in a menu that waits minutes for a digit (only rtp_timeout or Hotline can end it). */
  kind: 'stays' | 'hangs' | 'vanishes' | 'silent';
  /** When it sent its BYE or was killed (Date.now()). */
  endAt?: number;
}

interface RecordRow { caller_number: string; outcome: string | null; ended_at: Date | null; channel_id: string }
interface QueueRow { caller_number: string; uniqueid: string; outcome: string; ended_at: Date | null; talk_seconds: number | null; agent_interface: string }

export interface Verdict {
  placed: number;
  records: number;
  recordsOpen: number;
  /** Callers with not exactly one record / one queue row where one is due. */
  recordCountWrong: string[];
  queueRowCountWrong: string[];
  /** caller: expected vs found. */
  wrongOutcome: Array<{ caller: string; expected: string; found: string }>;
  outcomes: Record<string, number>;
  queueOutcomes: Record<string, number>;
  /** Callers that never reached an agent although they stayed. */
  staysUnanswered: string[];
  /** Where the BYE of hanging-up callers fell, and where vanished callers were when killed. */
  hangupPhases: Record<string, number>;
  vanishPhases: Record<string, number>;
  /** Seconds from the kill to Asterisk's Hangup of the vanished caller, by phase at the kill. */
  reap: Array<{ caller: string; phase: string; seconds: number | null; how: string }>;
  problems: string[];
}

const inc = (o: Record<string, number>, k: string): void => { o[k] = (o[k] ?? 0) + 1; };

export async function verdict(db: TestDb, callers: CallerSide[], tracks: Map<string, CallerTrack>, queue: string): Promise<Verdict> {
  const records = await db.query<RecordRow>('SELECT caller_number, outcome, ended_at, channel_id FROM call_records');
  const rows = await db.query<QueueRow>('SELECT caller_number, uniqueid, outcome, ended_at, talk_seconds, agent_interface FROM acd_queue_calls WHERE queue = ?', [queue]);
  const recBy = new Map<string, RecordRow[]>();
  for (const r of records) recBy.set(r.caller_number, [...(recBy.get(r.caller_number) ?? []), r]);
  const rowBy = new Map<string, QueueRow[]>();
  for (const r of rows) rowBy.set(r.uniqueid, [...(rowBy.get(r.uniqueid) ?? []), r]);

  const v: Verdict = {
    placed: callers.length, records: records.length, recordsOpen: records.filter((r) => !r.ended_at || !r.outcome).length,
    recordCountWrong: [], queueRowCountWrong: [], wrongOutcome: [], outcomes: {}, queueOutcomes: {}, staysUnanswered: [],
    hangupPhases: {}, vanishPhases: {}, reap: [], problems: [],
  };
  const known = new Set(callers.map((c) => c.caller));
  const strays = records.filter((r) => !known.has(r.caller_number));
  if (strays.length) v.problems.push(`${strays.length} call records of callers the bench did not place (e.g. ${strays[0]!.caller_number})`);

  for (const c of callers) {
    const t = tracks.get(c.caller);
    const recs = recBy.get(c.caller) ?? [];
    if (!t) {
      v.problems.push(`caller ${c.caller}: Asterisk never reported its channel`);
      continue;
    }
    if (recs.length !== 1) {
      v.recordCountWrong.push(`${c.caller} (${recs.length} records)`);
      continue;
    }
    const rec = recs[0]!;
    if (rec.channel_id !== t.uniqueid) v.problems.push(`caller ${c.caller}: record on channel ${rec.channel_id}, Asterisk's is ${t.uniqueid}`);
    inc(v.outcomes, rec.outcome ?? 'open');
    // The IVR part: a caller who reached the queue was handed off; one who left in the menu hung
    // up there; a vanished caller who never pressed the digit is ended by the menu's timeout leaf.
    const expected = t.joinedAt !== undefined ? 'handed_off' : c.kind === 'vanishes' ? 'completed' : 'caller_hangup';
    // (a silent caller's channel is hung up by Asterisk's rtp_timeout: Hotline sees the caller hang up)
    if (rec.outcome !== expected || !rec.ended_at) v.wrongOutcome.push({ caller: c.caller, expected, found: `${rec.outcome ?? 'open'}${rec.ended_at ? '' : ' (not ended)'}` });

    const qrows = rowBy.get(t.uniqueid) ?? [];
    if (t.joinedAt === undefined) {
      if (qrows.length) v.queueRowCountWrong.push(`${c.caller} (${qrows.length} queue rows, never queued)`);
    } else if (qrows.length !== 1) {
      v.queueRowCountWrong.push(`${c.caller} (${qrows.length} queue rows)`);
    } else {
      const q = qrows[0]!;
      inc(v.queueOutcomes, q.outcome);
      const qexp = t.connectedAt !== undefined ? 'answered' : 'abandoned';
      const ok = q.outcome === qexp && q.ended_at && (qexp !== 'answered' || (q.talk_seconds !== null && q.agent_interface));
      if (!ok) v.wrongOutcome.push({ caller: c.caller, expected: `queue ${qexp}`, found: `queue ${q.outcome}${q.ended_at ? '' : ' (not ended)'}${qexp === 'answered' && q.talk_seconds === null ? ' (no talk time)' : ''}; AMI: ${t.order.join(' ')}` });
    }
    if (c.kind === 'stays' && t.connectedAt === undefined) v.staysUnanswered.push(c.caller);
    if (c.kind === 'hangs') inc(v.hangupPhases, phaseAt(t, t.hungupAt ?? Infinity));
    if ((c.kind === 'vanishes' || c.kind === 'silent') && c.endAt !== undefined) {
      const phase = phaseAt(t, c.endAt);
      inc(v.vanishPhases, c.kind === 'silent' ? 'silent menu' : phase);
      const how = t.hungupAt === undefined ? 'still up'
        : t.connectedAt !== undefined ? 'agent hung up'
          : /RTP|timeout/i.test(t.cause ?? '') || (t.hungupAt - c.endAt > 25_000) ? 'rtp_timeout'
            : t.joinedAt === undefined ? 'Hotline (menu timeout)' : `other (${t.cause})`;
      v.reap.push({ caller: c.caller, phase, seconds: t.hungupAt === undefined ? null : Math.round((t.hungupAt - c.endAt) / 100) / 10, how });
    }
  }
  return v;
}

export function reapSummary(reap: Verdict['reap']): Record<string, { n: number; maxSeconds: number | null; medianSeconds: number | null }> {
  const out: Record<string, { n: number; maxSeconds: number | null; medianSeconds: number | null }> = {};
  for (const how of new Set(reap.map((r) => r.how))) {
    const xs = reap.filter((r) => r.how === how && r.seconds !== null).map((r) => r.seconds!).sort((a, b) => a - b);
    out[how] = { n: reap.filter((r) => r.how === how).length, maxSeconds: xs.length ? xs[xs.length - 1]! : null, medianSeconds: xs.length ? xs[Math.floor(xs.length / 2)]! : null };
  }
  return out;
}
