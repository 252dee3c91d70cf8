// Channel events of a PBX watched over AMI (Newchannel, Newstate, Hangup, DialEnd), and the
// items of CoreShowChannels, normalized to ChannelEvent / ChannelSnapshot. Pure.
import type { ChannelClock, ChannelEvent, ChannelSnapshot } from '../ports.js';
import { fieldOf } from './parser.js';
import type { AmiMessage } from './types.js';

const num = (v: string | undefined): number => {
  const n = Number(v ?? '');
  return Number.isFinite(n) ? n : 0;
};

/** Asterisk writes `<unknown>` for an empty caller ID. */
const known = (v: string): string => (v === '<unknown>' ? '' : v);

/** The channel snapshot an event carries, its fields optionally prefixed (Dest...). */
export function channelOf(e: AmiMessage, prefix = ''): ChannelSnapshot {
  const f = (k: string) => fieldOf(e, prefix + k) ?? '';
  const uniqueid = f('Uniqueid');
  return {
    uniqueid,
    linkedid: f('Linkedid') || uniqueid,
    name: f('Channel'),
    state: num(f('ChannelState')),
    callerNumber: known(f('CallerIDNum')),
    callerName: known(f('CallerIDName')),
    context: f('Context'),
    exten: f('Exten'),
  };
}

/** Normalizes the channel events a call record needs; null for every other event. */
export function toChannelEvent(e: AmiMessage, at = new Date()): ChannelEvent | null {
  const name = fieldOf(e, 'Event');
  if (name === 'Newchannel' || name === 'Newstate' || name === 'Hangup') {
    const channel = channelOf(e);
    if (!channel.uniqueid) return null;
    const cause = name === 'Newchannel' ? 'new' : name === 'Newstate' ? 'state' : 'hangup';
    const ev: ChannelEvent = { kind: 'channel', cause, channel, at };
    if (cause === 'hangup') ev.hangupCause = fieldOf(e, 'Cause-txt') || fieldOf(e, 'Cause') || '';
    return ev;
  }
  if (name === 'DialEnd') {
    const channel = channelOf(e);
    // An Originate has no caller channel: nothing to attach the dial to.
    if (!channel.uniqueid) return null;
    return { kind: 'dial-end', channel, destChannel: fieldOf(e, 'DestChannel') ?? '', destUniqueid: fieldOf(e, 'DestUniqueid') ?? '', dialStatus: fieldOf(e, 'DialStatus') ?? '', at };
  }
  return null;
}

/** "01:02:03" (CoreShowChannels Duration) or plain seconds -> seconds. */
export function durationSeconds(v: string | undefined): number {
  if (!v) return 0;
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return 0;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** The items of a CoreShowChannels list. */
export function parseChannels(items: AmiMessage[]): ChannelListing[] {
  return items
    .filter((e) => fieldOf(e, 'Event') === 'CoreShowChannel')
    .map((e) => ({
      ...channelOf(e),
      durationSeconds: durationSeconds(fieldOf(e, 'Duration')),
      application: fieldOf(e, 'Application') ?? '',
      applicationData: fieldOf(e, 'ApplicationData') ?? '',
      bridgeId: fieldOf(e, 'BridgeId') ?? '',
    }))
    .filter((c) => c.uniqueid !== '');
}

/** The variables Hotline asks Status for: the channel's CDR, times raw (epoch.microseconds), and app_queue's wait. */
export const CLOCK_VARIABLES = 'CDR(uniqueid),CDR(start,u),CDR(answer,u),QUEUEWAIT';

/** A raw CDR time (`1796336228.626386`; `0.000000` or empty: not set) as epoch ms. */
const cdrMs = (v: string | undefined): number | null => {
  const n = Number(v ?? '');
  return v && Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : null;
};

/** The items of a Status list asked with CLOCK_VARIABLES. */
export function parseStatusClocks(items: AmiMessage[]): ChannelClock[] {
  return items
    .filter((e) => fieldOf(e, 'Event') === 'Status' && fieldOf(e, 'Uniqueid'))
    .map((e) => {
      const raw = e.Variable ?? e.variable ?? [];
      const vars = new Map((Array.isArray(raw) ? raw : [raw]).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
      return {
        uniqueid: fieldOf(e, 'Uniqueid')!,
        seconds: num(fieldOf(e, 'Seconds')),
        cdrUniqueid: vars.get('CDR(uniqueid)') ?? '',
        cdrStartMs: cdrMs(vars.get('CDR(start,u)')),
        cdrAnswerMs: cdrMs(vars.get('CDR(answer,u)')),
        queueWaitSeconds: /^\d+$/.test(vars.get('QUEUEWAIT') ?? '') ? Number(vars.get('QUEUEWAIT')) : null,
      };
    });
}

/** A channel as CoreShowChannels lists it: how long it exists, what it runs, the bridge it is in. */
export type ChannelListing = ChannelSnapshot & { durationSeconds: number; application: string; applicationData: string; bridgeId: string };

/** The device of a channel name: PJSIP/agent1-0000002a -> PJSIP/agent1. */
export function deviceOf(channel: string): string {
  return channel.replace(/-[0-9a-f]+(;\d)?$/i, '');
}
