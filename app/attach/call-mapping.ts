// How an attached PBX's AMI events make one call record per call, pure. A call is every
// channel sharing one Linkedid; its first channel (Uniqueid = Linkedid) is the caller's. The
// record is folded from events in whatever order they come: each event only fills what it
// knows, and the outcome is recomputed from the whole record once the call has ended.
import type { CallOutcome } from '../calls/calls.entities.js';
import type { ChannelEvent, QueueEvent } from '../pbx/ports.js';
import { deviceOf } from '../pbx/ami/channel-events.js';

export interface AttachedCall {
  callerNumber: string;
  callerName: string | null;
  calledNumber: string;
  startedAt: Date;
  /** When the PBX answered the caller (its channel went Up). */
  answeredAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  outcome: CallOutcome | null;
  hangupCause: string | null;
  queue: string | null;
  agentInterface: string | null;
  agentName: string | null;
  holdSeconds: number | null;
  talkSeconds: number | null;
}

export type AttachEvent = ChannelEvent | QueueEvent;

/** Channel state Up. */
const UP = 6;

/** The call (Linkedid) an event belongs to, or null when it belongs to none (member status changes ...). */
export function linkedidOf(e: AttachEvent): string | null {
  if (e.kind === 'channel' || e.kind === 'dial-end') return e.channel.linkedid || null;
  if (e.kind === 'caller-join' || e.kind === 'caller-leave' || e.kind === 'caller-abandon') return e.linkedid || e.uniqueid || null;
  if (e.kind === 'member' && (e.cause === 'connect' || e.cause === 'complete')) return e.callerLinkedid || e.callerUniqueid || null;
  return null;
}

/** Whether the event can matter to a call record at all (cheap filter before any database read). */
export function concernsCallRecord(e: AttachEvent): boolean {
  if (e.kind === 'channel') return e.channel.uniqueid === e.channel.linkedid; // the caller's channel only
  if (e.kind === 'dial-end') return e.dialStatus === 'ANSWER';
  return linkedidOf(e) !== null && e.kind !== 'caller-leave';
}

/** The outcome of an ended call, from what the record says. */
export function finalOutcome(c: AttachedCall): CallOutcome {
  if (c.agentInterface) return 'answered';
  if (c.outcome === 'abandoned') return 'abandoned';
  if (c.outcome === 'unanswered') return 'unanswered'; // a timeout first taken for an abandon
  if (c.queue) return 'unanswered';
  return c.answeredAt ? 'completed' : 'unanswered';
}

const fresh = (at: Date): AttachedCall => ({
  callerNumber: '', callerName: null, calledNumber: '', startedAt: at, answeredAt: null, endedAt: null, durationMs: null,
  outcome: null, hangupCause: null, queue: null, agentInterface: null, agentName: null, holdSeconds: null, talkSeconds: null,
});

/**
 * The record after `e`; `call` null: no record yet. Returns null when the event neither
 * creates nor changes a record (it is not about the caller, or it cannot start a record).
 */
export function applyEvent(call: AttachedCall | null, e: AttachEvent): AttachedCall | null {
  if (!concernsCallRecord(e)) return null;
  // A record starts with the caller's channel (or the caller joining a queue); a hangup of a
  // call never seen alive starts nothing (the reconcile with CoreShowChannels covers the gap).
  const starts = (e.kind === 'channel' && e.cause !== 'hangup') || e.kind === 'caller-join';
  if (!call && !starts) return null;
  const c: AttachedCall = call ? { ...call } : fresh(e.at);
  switch (e.kind) {
    case 'channel': {
      const ch = e.channel;
      if (!c.callerNumber && ch.callerNumber) c.callerNumber = ch.callerNumber.slice(0, 64);
      if (c.callerName === null && ch.callerName) c.callerName = ch.callerName.slice(0, 128);
      if (!c.calledNumber && ch.exten && ch.exten !== 's') c.calledNumber = ch.exten.slice(0, 64);
      if (ch.state === UP && !c.answeredAt) c.answeredAt = e.at;
      if (e.cause === 'hangup' && !c.endedAt) {
        c.endedAt = e.at;
        c.hangupCause = (e.hangupCause ?? '').slice(0, 64) || null;
      }
      break;
    }
    case 'dial-end':
      // A plain Dial() answered (a queue's agent comes with AgentConnect, which wins).
      if (!c.agentInterface && !c.queue) c.agentInterface = deviceOf(e.destChannel).slice(0, 80);
      break;
    case 'caller-join':
      if (!c.agentInterface) c.queue = e.queue.slice(0, 64);
      if (!c.callerNumber && e.callerNumber) c.callerNumber = e.callerNumber.slice(0, 64);
      break;
    case 'caller-abandon':
      if (!c.agentInterface) {
        c.queue ??= e.queue.slice(0, 64);
        c.holdSeconds = e.holdSeconds;
        c.outcome = 'abandoned';
      }
      break;
    case 'member':
      c.queue = e.member.queue.slice(0, 64);
      c.agentInterface = e.member.interface.slice(0, 80);
      if (e.member.name) c.agentName = e.member.name.slice(0, 128);
      if (e.holdSeconds !== undefined && (e.cause === 'connect' || c.holdSeconds === null)) c.holdSeconds = e.holdSeconds;
      if (e.cause === 'complete' && e.talkSeconds !== undefined) c.talkSeconds = e.talkSeconds;
      c.outcome = 'answered';
      break;
    default:
      break;
  }
  if (c.endedAt) {
    c.durationMs = Math.max(0, c.endedAt.getTime() - c.startedAt.getTime());
    c.outcome = finalOutcome(c);
  }
  return c;
}

/** Ends a record whose channels are all gone while Hotline was not listening. */
export function endUnseen(c: AttachedCall, at: Date): AttachedCall {
  const ended: AttachedCall = { ...c, endedAt: c.endedAt ?? at, hangupCause: c.hangupCause ?? 'ended while not watched' };
  ended.durationMs = Math.max(0, ended.endedAt!.getTime() - ended.startedAt.getTime());
  ended.outcome = finalOutcome(ended);
  return ended;
}

/** The fields of `next` that differ from `prev` (what to write). */
export function changedFields(prev: AttachedCall, next: AttachedCall): Partial<AttachedCall> {
  const out: Partial<AttachedCall> = {};
  for (const k of Object.keys(next) as Array<keyof AttachedCall>) {
    const a = prev[k];
    const b = next[k];
    const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
    if (!same) (out as Record<string, unknown>)[k] = b;
  }
  return out;
}
