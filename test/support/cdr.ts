// Asterisk's own call detail records: the lab Asterisk's cdr_custom writes one line per CDR to
// Master.csv (asterisk-config/cdr_custom.conf), times raw. The reports test derives calls,
// answers, agents and talk times from them on its own — plain grouping written here, not
// Hotline's code — to compare with what Hotline's reports say.
import { existsSync, readFileSync } from 'node:fs';
import { PBX_DIR } from './pbx.js';

export const CDR_CSV = `${PBX_DIR}/var/log/asterisk/cdr-custom/Master.csv`;

export interface CdrLine {
  uniqueid: string;
  linkedid: string;
  src: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  disposition: string;
  /** Epoch seconds with microseconds. */
  start: number;
  answer: number | null;
  end: number;
}

/** The CDR lines that started at or after `sinceSec`. */
export function readCdr(sinceSec: number, file = CDR_CSV): CdrLine[] {
  if (!existsSync(file)) throw new Error(`no CDR file at ${file}: is cdr_custom loaded (asterisk-config/modules.conf, cdr.conf enable = yes)?`);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const f = l.split(',');
    const answer = Number(f[8]);
    return { uniqueid: f[0]!, linkedid: f[1]!, src: f[2]!, channel: f[3]!, dstchannel: f[4]!, lastapp: f[5]!, disposition: f[6]!, start: Number(f[7]), answer: answer > 0 ? answer : null, end: Number(f[9]) };
  }).filter((c) => c.start >= sinceSec);
}

/** One caller's call as the CDR tells it. */
export interface CdrCall {
  linkedid: string;
  /** The caller's channel (the first CDR's party A). */
  uniqueid: string;
  caller: string;
  /** Its channel's creation, its answer (by the PBX: Hotline answers before the menu) and the last CDR's end. */
  start: number;
  answer: number | null;
  end: number;
  /** The agent endpoint that answered (the CDR whose party B is an agent's channel, ANSWERED), or null. */
  agentEndpoint: string | null;
}

/**
 * The calls of `callers` (by the caller's number, CDR src), grouped by linkedid. A queue call
 * has one CDR from the caller's channel's creation to its hang-up whose party B is the member
 * that answered: the CDR says who answered, not when (its answer is the caller's) — talk and
 * wait come from queue_log.
 */
export function cdrCalls(lines: CdrLine[], callers: Set<string>, agentEndpoints: string[]): CdrCall[] {
  const calls = new Map<string, CdrCall>();
  const agentOf = (ch: string) => agentEndpoints.find((e) => ch.startsWith(`PJSIP/${e}-`)) ?? null;
  for (const l of lines.filter((x) => callers.has(x.src)).sort((a, b) => a.start - b.start)) {
    const call = calls.get(l.linkedid) ?? { linkedid: l.linkedid, uniqueid: l.uniqueid, caller: l.src, start: l.start, answer: l.answer, end: l.end, agentEndpoint: null };
    calls.set(l.linkedid, call);
    call.end = Math.max(call.end, l.end);
    const agent = agentOf(l.dstchannel);
    if (agent && l.disposition === 'ANSWERED') call.agentEndpoint = agent;
  }
  return [...calls.values()];
}
