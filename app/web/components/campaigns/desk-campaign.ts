// The desk's Campaigns tab rules, pure so that they are unit-tested: what a dial's end (the live
// feed's campaign.attempt) means for the agent — connected: give a result; not connected: the
// contact is called again at … (or was called its last time, or is blocked) and the agent takes
// the next —, and why an action is not offered now (outside the calling hours, on a call, …).
import type { AttemptEvent, ContactStatus } from '../../api/campaign-types.js';

export type Outcome =
  | { kind: 'connected' }
  /** Not connected: called again at `at` (null: the time is not known here). */
  | { kind: 'retry'; result: string; at: string | null }
  /** Not connected and no attempt left. */
  | { kind: 'unreached'; result: string }
  | { kind: 'blocked' }
  /** The agent's own phone did not answer: the contact is still theirs, Call again (no attempt used). */
  | { kind: 'callAgain' }
  /** A result was given elsewhere (a supervisor), or the contact went: take the next. */
  | { kind: 'over'; status: ContactStatus };

/** The result Hotline gives a dial status that did not connect (docs/api/campaigns.md). */
export function systemResultOf(dialStatus: string): 'no_answer' | 'busy' | 'failed' {
  const s = dialStatus.toUpperCase();
  if (s === 'BUSY') return 'busy';
  if (s === 'NOANSWER' || s === 'CANCEL') return 'no_answer';
  return 'failed';
}

export function outcomeOf(e: AttemptEvent, now = new Date(), retryMinutes?: number): Outcome {
  if (e.dialStatus.toUpperCase() === 'ANSWER') return { kind: 'connected' };
  const result = e.result ?? systemResultOf(e.dialStatus);
  switch (e.contactStatus) {
    case 'reserved': return { kind: 'callAgain' };
    case 'unreached': return { kind: 'unreached', result };
    case 'blocked': return { kind: 'blocked' };
    case 'pending': {
      const base = e.at && Number.isFinite(Date.parse(e.at)) ? Date.parse(e.at) : now.getTime();
      const at = e.nextAttemptAt ?? (retryMinutes ? new Date(base + retryMinutes * 60_000).toISOString() : null);
      return { kind: 'retry', result, at };
    }
    default: return { kind: 'over', status: e.contactStatus };
  }
}

/** What the tab knows when it decides what is possible. */
export interface DeskSituation {
  /** The campaign is inside its calling hours now. */
  open: boolean;
  /** The agent holds a contact of this campaign. */
  holding: boolean;
  /** The agent's phone is free to call (registered, no call, not ringing, not on a call). */
  phoneFree: boolean;
  /** The agent is on a call (any: the campaign's or another). */
  onCall: boolean;
  /** A dial of the held contact is under way (pressed Call, its end not heard yet). */
  dialing: boolean;
  /** The held contact's call connected and ended: a result is owed. */
  resultDue: boolean;
}

/** Why "Next contact" cannot be pressed (a key under campaigns.desk.why), or null. */
export function nextBlocked(s: DeskSituation): string | null {
  if (s.holding) return 'holding';
  if (!s.open) return 'closed';
  if (s.onCall) return 'onCall';
  return null;
}

/** Why "Call" cannot be pressed, or null. */
export function callBlocked(s: DeskSituation): string | null {
  if (!s.holding) return 'noContact';
  if (s.resultDue) return 'resultDue';
  if (s.dialing) return 'dialing';
  if (!s.open) return 'closed';
  if (s.onCall) return 'onCall';
  if (!s.phoneFree) return 'phone';
  return null;
}

/** Why "Skip" cannot be pressed, or null (not while the call is being placed or talked). */
export function skipBlocked(s: DeskSituation): string | null {
  if (!s.holding) return 'noContact';
  if (s.dialing || s.onCall) return 'onCall';
  if (s.resultDue) return 'resultDue';
  return null;
}
