// The voicemail transitions, as one table (pure): what people may do to a message in each status,
// and how the collector settles a recording.
import type { VoicemailStatus } from './voicemail.entities.js';

export type VoicemailAction = 'hear' | 'done' | 'reopen';

/** Statuses an action applies to, and where it leaves the message (hearing a heard or done message changes nothing). */
const TABLE: Record<VoicemailAction, Partial<Record<VoicemailStatus, VoicemailStatus>>> = {
  hear: { new: 'heard' },
  done: { new: 'done', heard: 'done', empty: 'done' },
  reopen: { done: 'heard' },
};

/** Where `action` takes a message in `from`, or null when it does not apply (a 409 for people). */
export function nextStatus(action: VoicemailAction, from: VoicemailStatus, hasAudio = true): VoicemailStatus | null {
  const to = TABLE[action][from] ?? null;
  // A message that never had audio (done from empty) goes back to empty, not heard.
  if (action === 'reopen' && to === 'heard' && !hasAudio) return 'empty';
  return to;
}

/** The statuses `action` applies to (for the conditional update). */
export function fromStatuses(action: VoicemailAction): VoicemailStatus[] {
  return Object.keys(TABLE[action]) as VoicemailStatus[];
}

/**
 * What the collector makes of a row still `recording`: settle it now (the recording finished,
 * the call ended, or it is older than any recording could run) or wait.
 */
export function settleDue(row: { finishedAt: Date | null; createdAt: Date; maxSeconds: number }, callEnded: boolean, now: Date, marginMs: number): boolean {
  if (row.finishedAt || callEnded) return true;
  return now.getTime() - row.createdAt.getTime() > row.maxSeconds * 1000 + marginMs;
}

/**
 * A settled recording: `new` with its whole seconds, or `empty` when Asterisk kept nothing or
 * less than half a second (the beep, a click: nothing was said). A file whose length cannot be
 * read (seconds null) is still a message: `new`, length unknown.
 */
export function settledAs(stored: { seconds: number | null } | null): { status: 'new' | 'empty'; seconds: number | null } {
  if (!stored) return { status: 'empty', seconds: null };
  if (stored.seconds === null) return { status: 'new', seconds: null };
  const seconds = Math.round(stored.seconds);
  return seconds > 0 ? { status: 'new', seconds } : { status: 'empty', seconds: 0 };
}
