// When the calls Hotline finds in progress at a (re)connect started and were answered, as the
// attached PBX gives it. Pure. CoreShowChannels only gives each channel's age in whole seconds
// (and a Uniqueid is `<epoch seconds>.<sequence>`: no fraction either); the PBX's exact times
// are its CDR's, read with Status (`CDR(start,u)`, `CDR(answer,u)`: microseconds, the PBX's
// clock). Those are used when they hold together with the channel's age; the PBX's clock is
// compared with Hotline's from the same answer, and its times are moved onto Hotline's clock
// when the two disagree by more than the listing can tell (the live events are stamped with
// Hotline's clock: one record must not mix two clocks).
import type { ChannelClocks } from '../pbx/ports.js';

export interface PbxTimes {
  startedAt: Date;
  /** When the channel went Up; null: not up, or the PBX did not say (no CDR). */
  answeredAt: Date | null;
  /** true: the PBX's CDR times; false: the age in whole seconds (start), no answer time. */
  exact: boolean;
  /** app_queue's QUEUEWAIT on the channel (a caller bridged to a member): its wait in that queue, whole seconds. */
  queueWaitSeconds: number | null;
}

export interface ClockCheck {
  /** The PBX's clock minus Hotline's, ms (0 when they agree as far as one second's resolution tells). */
  offsetMs: number;
  /** false: the PBX's clock is off by more than the listing can tell; its times were moved by offsetMs. */
  agrees: boolean;
}

/** A CDR start may follow the channel's creation by a few ms; the listing's age is floored. */
const SLACK_MS = 500;

/**
 * The PBX's clock against Hotline's: each channel's CDR start plus its age in whole seconds is
 * the PBX's "now" while it answered, within one second; Hotline's now was between sending and
 * receiving. The windows of all channels intersected; null when they do not fit together (a CDR
 * that is not the channel's own, or no CDR at all).
 */
export function checkClock(c: ChannelClocks): ClockCheck | null {
  let lo = -Infinity;
  let hi = Infinity;
  for (const ch of c.channels) {
    if (ch.cdrStartMs === null || ch.cdrUniqueid !== ch.uniqueid) continue;
    lo = Math.max(lo, ch.cdrStartMs + ch.seconds * 1000 - c.receivedAt - SLACK_MS);
    hi = Math.min(hi, ch.cdrStartMs + (ch.seconds + 1) * 1000 - c.sentAt + SLACK_MS);
  }
  if (lo === -Infinity || lo > hi) return null;
  if (lo <= 0 && hi >= 0) return { offsetMs: 0, agrees: true };
  return { offsetMs: Math.round((lo + hi) / 2), agrees: false };
}

/**
 * The times of each channel found at `takenAt` with `durationSeconds` (CoreShowChannels): the
 * CDR's when there is one of the channel's own that fits its age, else its age in whole
 * seconds (and no answer time).
 */
export function channelTimes(
  channels: Array<{ uniqueid: string; durationSeconds: number; state: number }>,
  clocks: ChannelClocks | null,
  takenAt: Date,
): { times: Map<string, PbxTimes>; clock: ClockCheck | null } {
  const clock = clocks ? checkClock(clocks) : null;
  const byId = new Map((clocks?.channels ?? []).map((c) => [c.uniqueid, c]));
  const times = new Map<string, PbxTimes>();
  for (const ch of channels) {
    const c = byId.get(ch.uniqueid);
    const queueWaitSeconds = c?.queueWaitSeconds ?? null;
    const coarse: PbxTimes = { startedAt: new Date(takenAt.getTime() - ch.durationSeconds * 1000), answeredAt: null, exact: false, queueWaitSeconds };
    if (!clocks || !clock || !c || c.cdrStartMs === null || c.cdrUniqueid !== ch.uniqueid) {
      times.set(ch.uniqueid, coarse);
      continue;
    }
    const start = c.cdrStartMs - clock.offsetMs;
    // Its age says it began between these (Hotline's clock).
    const fits = start >= clocks.sentAt - (c.seconds + 1) * 1000 - SLACK_MS && start <= clocks.receivedAt - c.seconds * 1000 + SLACK_MS;
    if (!fits) {
      times.set(ch.uniqueid, coarse);
      continue;
    }
    const answer = c.cdrAnswerMs === null ? null : c.cdrAnswerMs - clock.offsetMs;
    const answered = ch.state === 6 && answer !== null && answer >= start && answer <= clocks.receivedAt + SLACK_MS;
    times.set(ch.uniqueid, { startedAt: new Date(start), answeredAt: answered ? new Date(answer) : null, exact: true, queueWaitSeconds });
  }
  return { times, clock };
}
