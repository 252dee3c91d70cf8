// The typed ports domain code uses to talk to the PBX. Nothing outside app/pbx/ sees
// ARI or AMI: it calls these and receives the normalized events below.
import type { LinkState } from './backoff.js';

export type { LinkState };

/** The channel is gone (hung up): normal in call control, not an error. */
export class ChannelGoneError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} is gone`);
    this.name = 'ChannelGoneError';
  }
}

/** This node is not the active one (standby, or fenced after losing the lease). */
export class FencedError extends Error {
  constructor() {
    super('this node is not active: no commands to Asterisk');
    this.name = 'FencedError';
  }
}

export interface DialplanTarget {
  context: string;
  extension: string;
  priority?: number;
}

export interface CallControl {
  answer(channelId: string): Promise<void>;
  /** Starts playing media URIs in order (`sound:hello-world`, `digits:42` ...). */
  play(channelId: string, media: string[], playbackId: string): Promise<void>;
  setVariable(channelId: string, name: string, value: string): Promise<void>;
  /** Records the caller (after a beep) until '#', silence or maxSeconds; Asterisk keeps it as a stored recording. */
  record(channelId: string, name: string, maxSeconds: number): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;
  hangup(channelId: string): Promise<void>;
  /** Leave Stasis: to `target`, or (none) to the dialplan's fallback branch. */
  handBack(channelId: string, target?: DialplanTarget): Promise<void>;
}

export interface CallInfo {
  channelId: string;
  callerNumber: string;
  callerName: string | null;
  calledNumber: string;
  answered: boolean;
}

export type PbxCallEvent =
  | { kind: 'entered'; call: CallInfo; args: string[]; at: Date }
  | { kind: 'dtmf'; channelId: string; digit: string; at: Date }
  | { kind: 'playback-finished'; channelId: string; playbackId: string; at: Date }
  | { kind: 'recording-finished'; channelId: string; name: string; durationSeconds: number; failed: boolean; at: Date }
  | { kind: 'hangup'; channelId: string; cause: string; at: Date }
  | { kind: 'left'; channelId: string; at: Date };

export interface CallEventSink {
  onCallEvent(event: PbxCallEvent): Promise<void> | void;
  /** After every (re)connect to ARI: the calls already in the app, to be resumed. */
  onCallsRecovered(calls: CallInfo[], reconnect: boolean): Promise<void> | void;
}

/** The sounds installed in Asterisk. */
export interface SoundCatalog {
  exists(sound: string): Promise<boolean>;
}

export interface PbxLinks {
  ari: LinkState;
  ami: LinkState;
}
