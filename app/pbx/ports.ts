// The typed ports domain code uses to talk to the PBX. Nothing outside app/pbx/ sees
// ARI or AMI: it calls these and receives the normalized events below.
import type { Readable } from 'node:stream';
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
  /** Whether a recording `name` of this channel is under way now (started by the node that was active before). */
  recordingUnderWay(channelId: string, name: string): Promise<boolean>;
  stopPlayback(playbackId: string): Promise<void>;
  hangup(channelId: string): Promise<void>;
  /** Leave Stasis: to `target`, or (none) to the dialplan's fallback branch. */
  handBack(channelId: string, target?: DialplanTarget): Promise<void>;
  /** The channels Asterisk has now, and which of them are inside the Stasis app (the orphan sweep). */
  channelsNow(): Promise<{ all: Set<string>; inApp: Set<string> }>;
}

export interface CallInfo {
  channelId: string;
  callerNumber: string;
  callerName: string | null;
  calledNumber: string;
  answered: boolean;
  /** The dialplan context the channel entered the app from (tells a callback request from a new call). */
  context?: string;
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
  /** The SIP front's JSON-RPC (HOTLINE_SIP_FRONT_URL), when one is configured: whether the active node's last call to it answered. */
  sipFront?: LinkState;
}

// ---- Queues (ACD) over AMI --------------------------------------------------------------

/** One queue member as Asterisk reports it (QueueStatus or an Agent* / QueueMember* event). */
export interface QueueMemberSnapshot {
  queue: string;
  /** The device, e.g. PJSIP/agent-1001 (or Local/101@from-queue/n on a FreePBX-style PBX). */
  interface: string;
  /** The device whose state stands for the member's (`state_interface`, e.g. PJSIP/101), when it differs. */
  stateInterface?: string;
  name: string;
  penalty: number;
  paused: boolean;
  pausedReason: string;
  inCall: boolean;
  /** Asterisk device state: 1 not in use, 2 in use, 3 busy, 5 unavailable, 6 ringing, 7 ring+in use, 8 on hold. */
  status: number;
  callsTaken: number;
  /** Unix seconds of the end of the member's last call (0: none). */
  lastCall: number;
  dynamic: boolean;
}

export interface QueueEntrySnapshot {
  queue: string;
  uniqueid: string;
  callerNumber: string;
  position: number;
  waitSeconds: number;
}

/** A queue's parameters and Asterisk's own counters (since its last reset), from QueueStatus. */
export interface QueueParamsSnapshot {
  queue: string;
  strategy: string;
  /** Callers waiting now. */
  calls: number;
  /** Asterisk's running averages, seconds. */
  holdtime: number;
  talktime: number;
  completed: number;
  abandoned: number;
  /** The queue's service level threshold (seconds) and the share answered within it (percent). */
  serviceLevelSeconds: number;
  serviceLevelPerf: number;
}

export interface QueueStatusSnapshot {
  queues: string[];
  members: QueueMemberSnapshot[];
  entries: QueueEntrySnapshot[];
  /** Per queue, when the source reports it. */
  params?: QueueParamsSnapshot[];
}

/** A config file section for Asterisk: [name] then key = value lines in order. */
export interface ConfigSection {
  name: string;
  lines: Array<[string, string]>;
}

export interface QueueControl {
  addMember(queue: string, m: { interface: string; name: string; penalty: number; paused: boolean; reason?: string }): Promise<void>;
  removeMember(queue: string, iface: string): Promise<void>;
  /** Pauses (or unpauses) the member in every queue it is in. */
  pause(iface: string, paused: boolean, reason?: string): Promise<void>;
  setPenalty(queue: string, iface: string, penalty: number): Promise<void>;
  /** QueueStatus: every queue, member and waiting caller (a read: allowed on any node). */
  status(): Promise<QueueStatusSnapshot>;
  /** When Asterisk last started (a restart loses dynamic members). A read. */
  startedAt(): Promise<string>;
  /** False once AMI has been down a while: a change is then saved for the next connect instead of waiting for an action timeout. */
  reachable(): boolean;
  /** Replaces a whole Asterisk config file Hotline owns (UpdateConfig), then reloads `module`. */
  writeConfig(file: string, sections: ConfigSection[], reload: 'queues' | 'pjsip'): Promise<void>;
  /** Sets dialplan globals (AMI Setvar without a channel); they live until Asterisk restarts. */
  setGlobals(vars: Record<string, string>): Promise<void>;
}

/** `linkedid` / `callerLinkedid`: Asterisk's Linkedid of the caller's channel (the call it belongs to), when the event carries it. */
export type QueueEvent =
  | { kind: 'member'; cause: 'added' | 'removed' | 'status' | 'pause' | 'penalty' | 'called' | 'ringnoanswer' | 'connect' | 'complete'; member: QueueMemberSnapshot; callerUniqueid?: string; callerLinkedid?: string; callerNumber?: string; /** The caller's channel name (AgentConnect's Channel). */ callerChannel?: string; holdSeconds?: number; talkSeconds?: number; at: Date }
  | { kind: 'caller-join'; queue: string; uniqueid: string; linkedid?: string; callerNumber: string; position: number; priority?: number; at: Date }
  | { kind: 'caller-leave'; queue: string; uniqueid: string; linkedid?: string; at: Date }
  /** Music on hold began (`held`) or ended on a channel (AMI MusicOnHoldStart/Stop): after the answer, the agent holds the caller. */
  | { kind: 'caller-hold'; uniqueid: string; held: boolean; at: Date }
  /** `position`: the caller's place in the queue as they hung up; `originalPosition`: their place when they joined (AMI QueueCallerAbandon). */
  | { kind: 'caller-abandon'; queue: string; uniqueid: string; linkedid?: string; holdSeconds: number; position?: number; originalPosition?: number; at: Date }
  /** The caller left the queue still connected (Hotline's dialplan): TIMEOUT, JOINEMPTY, LEAVEEMPTY ... */
  | { kind: 'caller-exit'; queue: string; uniqueid: string; status: string; at: Date }
  /** A callback placeholder reports (dialplan UserEvent HotlineCallback): its queue wait ended
   *  (`queue`, Queue()'s status), an agent answered it (`agent`), the customer's dial ended (`dial`, DIALSTATUS). */
  | { kind: 'callback'; key: string; stage: 'queue' | 'agent' | 'dial'; status: string; talkSeconds?: number; at: Date }
  /** An agent's outbound call (dialplan UserEvent HotlineOutbound at the dial, HotlineOutboundEnd at the hang-up):
   *  `uniqueid` the agent's channel; at the end Dial()'s DIALSTATUS, ANSWEREDTIME and DIALEDTIME (whole seconds). */
  | { kind: 'outbound'; stage: 'start' | 'end'; uniqueid: string; number: string; via: string; endpoint: string; status: string; answeredSeconds: number; dialedSeconds: number; at: Date }
  /** A channel hung up (AMI Hangup): ends an answered queue call whose AgentComplete Asterisk never sent. */
  | { kind: 'channel-gone'; uniqueid: string; at: Date };

export interface QueueEventSink {
  onQueueEvent(event: QueueEvent): void;
  /** After every AMI (re)connect: reconcile with QueueStatus. */
  onQueueLinkUp(): void;
}

// ---- Callbacks that keep the caller's place --------------------------------------------

/** A placeholder for a callback: a Local channel whose ;2 side waits in the queue in the
 *  customer's place and whose ;1 side dials the customer once an agent answered it. */
export interface CallbackPlacement {
  /** `<callback id>-<seq>`: the channels are hotline-cb-<key> (;1) and hotline-cb-<key>-q (;2). */
  key: string;
  queue: string;
  priority: number;
  /** 1 = head of the line; null: at the back. */
  position: number | null;
  number: string;
  name: string;
  /** Asterisk dial string of the customer's phone. */
  dial: string;
  ringSeconds: number;
  /** Longest the placeholder waits in the queue. */
  waitSeconds: number;
}

export interface CallbackControl {
  /** Puts the placeholder in its queue; `exists` when channels with this key are already up. */
  place(p: CallbackPlacement): Promise<'created' | 'exists'>;
  /** Is any side of the placeholder still up? (a read) */
  alive(key: string): Promise<boolean>;
  /** What the two sides recorded in AstDB when they ended (a read): Queue()'s and Dial()'s status. */
  results(key: string): Promise<{ queue: string | null; dial: string | null }>;
  /** Hangs the placeholder up (a cancelled callback). */
  remove(key: string): Promise<void>;
  /** Reads channel variables of a call in the app (a callback request found after a takeover). */
  variables(channelId: string, names: string[]): Promise<Record<string, string>>;
  /** Click-to-dial: rings the agent's `device` (showing the customer), then dials `dial` once the agent answers. */
  agentCall(p: { channelId: string; device: string; number: string; name: string; dial: string; ringSeconds: number }): Promise<void>;
}

// ---- Supervisor monitoring (listen / whisper / barge) ----------------------------------

export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

export interface MonitorControl {
  /** Rings `supervisorDevice` (channel `channelId`); once answered it spies on `targetDevice`'s call in `mode`. */
  spy(p: { channelId: string; supervisorDevice: string; targetDevice: string; mode: MonitorMode; label: string; ringSeconds: number }): Promise<void>;
  /** Ends the supervisor's spy channel (gone already: fine). */
  stop(channelId: string): Promise<void>;
  /** Is the spy channel still up? (a read) */
  alive(channelId: string): Promise<boolean>;
  /** Channels of a device up now (name e.g. PJSIP/agent-1-00000012, and Uniqueid; a read). */
  activeChannels(device: string): Promise<Array<{ name: string; uniqueid: string }>>;
}

// ---- An existing PBX Hotline does not own, attached read-only over AMI ------------------

/** One channel as a PBX's AMI events (or CoreShowChannels) describe it. */
export interface ChannelSnapshot {
  /** Asterisk's Uniqueid of this channel. */
  uniqueid: string;
  /** The Uniqueid of the call's first channel: every channel of one call shares it. */
  linkedid: string;
  /** e.g. PJSIP/trunk-00000012 */
  name: string;
  /** Asterisk channel state: 4 ring, 5 ringing, 6 up ... */
  state: number;
  callerNumber: string;
  callerName: string;
  context: string;
  exten: string;
}

/** One channel of a Status answer: its age (whole seconds) and what its CDR says (epoch ms, PBX clock; null: none). */
export interface ChannelClock {
  uniqueid: string;
  /** Status `Seconds`: whole seconds the channel has existed. */
  seconds: number;
  /** `CDR(uniqueid)`: whose CDR the times are (the channel's own, or they are not used). */
  cdrUniqueid: string;
  cdrStartMs: number | null;
  cdrAnswerMs: number | null;
  /** `QUEUEWAIT`: whole seconds a caller waited in the queue whose member it is bridged to (app_queue sets it at the connect); null: unset. */
  queueWaitSeconds: number | null;
}

export interface ChannelClocks {
  /** Hotline's clock (epoch ms) when the Status action was sent and when its list was complete. */
  sentAt: number;
  receivedAt: number;
  channels: ChannelClock[];
}

export type ChannelEvent =
  | { kind: 'channel'; cause: 'new' | 'state' | 'hangup'; channel: ChannelSnapshot; hangupCause?: string; at: Date }
  /** The caller's channel finished dialing `destChannel` (ANSWER, BUSY, NOANSWER, CANCEL ...). */
  | { kind: 'dial-end'; channel: ChannelSnapshot; destChannel: string; destUniqueid: string; dialStatus: string; at: Date };

export interface AttachedPbxSink {
  onQueueEvent(event: QueueEvent): void;
  onChannelEvent(event: ChannelEvent): void;
  /** After every AMI (re)connect: reconcile with QueueStatus and CoreShowChannels. */
  onLinkUp(): void;
}

/** What Hotline may do with a PBX it does not own: read. There is no command here on purpose. */
export interface AttachedPbx {
  /** The name it is configured under: the `source` of what Hotline records from it. */
  readonly name: string;
  link(): LinkState;
  /** Where its events go; called before start(). */
  onEvents(sink: AttachedPbxSink): void;
  start(): void;
  stop(): Promise<void>;
  /** QueueStatus (with each queue's parameters), optionally of one queue. */
  queueStatus(queue?: string): Promise<QueueStatusSnapshot>;
  /** CoreShowChannels: every channel up now, with how long it has existed, its application and bridge. */
  channels(): Promise<Array<ChannelSnapshot & { durationSeconds: number; application: string; applicationData: string; bridgeId: string }>>;
  /**
   * Status with each channel's CDR start and answer (`CDR(start,u)`, `CDR(answer,u)`: the PBX's
   * clock, microseconds), and when Hotline sent the action and had the whole answer (its clock).
   */
  channelClocks(): Promise<ChannelClocks>;
}

// ---- An agent's line: the call Asterisk has on an agent's device ------------------------

/** One end of an agent's call as Asterisk lists it (CoreShowChannels). */
export interface LineEnd {
  channel: string;
  uniqueid: string;
  number: string;
  name: string;
}

export interface AgentLine {
  /** The agent's own channel (PJSIP/<endpoint>-…). */
  agent: LineEnd & { state: number; durationSeconds: number; bridgeId: string; connectedNumber: string };
  /** Whom the agent talks to: the channel sharing the agent's bridge; null while not bridged. */
  peer: LineEnd | null;
}

export interface AgentLines {
  /** The call on `device` (PJSIP/<endpoint>) now, from Asterisk itself; null when the device has none. A read. */
  lineOf(device: string): Promise<AgentLine | null>;
  /** Hangs up one channel (the agent's own leg: the caller's side follows as Asterisk ends the bridge). */
  hangup(channel: string): Promise<void>;
}

// ---- Call recording (MixMonitor) --------------------------------------------------------

/** Paths Hotline hands to Asterisk: no characters the dialplan or the shell would read. */
const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;
/** Throws unless `p` is an absolute path of plain characters (it goes into dialplan and shell). */
export function assertSafeRecordingPath(p: string): void {
  if (!SAFE_PATH.test(p) || p.includes('..')) throw new TypeError(`unsafe recording path: ${p}`);
}

/** Where MixMonitor writes one recording, as Asterisk names the paths (it may run in a chroot or on another host). */
export interface RecordingFiles {
  /** Both directions mixed. */
  mixed: string;
  /** What the recorded channel receives (the customer, when it is the caller's channel). */
  received: string;
  /** What the recorded channel hears (the agent). */
  transmitted: string;
  /** Touched by Asterisk once all three files are closed (MixMonitor's post-process command). */
  doneMarker: string;
}

export interface RecordingControl {
  /** Starts MixMonitor on `channel` (an Asterisk channel name such as PJSIP/caller-00000012). */
  start(channel: string, files: RecordingFiles): Promise<void>;
  /** Mutes (paused: silence is written, so the file keeps its timeline) or unmutes every MixMonitor of `channel`. */
  mute(channel: string, muted: boolean): Promise<void>;
  /** Stops MixMonitor on the channel (the files close; the post-process command runs). */
  stop(channel: string): Promise<void>;
}

// ---- Fax ---------------------------------------------------------------------------------

/** A fax's result as the dialplan kept it in AstDB (FAXOPT values). */
export interface FaxResult {
  /** SUCCESS, FAILED, NOANSWER-<originate reason> ... */
  status: string;
  pages: number;
  rate: number;
  error: string;
  remoteStationId: string;
  statusText: string;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface FaxControl {
  /** The kept result of fax `id`, or null while it runs (a read: allowed on any node). */
  result(id: string): Promise<FaxResult | null>;
  /** Did the fax call reach the fax application? (a read) */
  started(id: string): Promise<boolean>;
  /** Drops the kept result once Hotline has filed it. */
  forget(id: string): Promise<void>;
  /** Turns fax-tone detection on for these numbers (dialplan globals; set again after an Asterisk restart). */
  detectOn(numbers: string[]): Promise<void>;
  /** Originates a fax call: `dial` (an Asterisk dial string), SendFAX of `file` once answered. */
  send(p: { id: string; dial: string; file: string; callerNumber: string; callerName: string; ringSeconds: number }): Promise<void>;
}

// ---- Stored recordings (voicemail) ---------------------------------------------------------

/** A stored recording's file as Asterisk serves it. */
export interface StoredRecordingFile {
  /** The bytes, streamed from Asterisk (destroy it to stop early). */
  body: Readable;
  /** Its size when Asterisk says (Content-Length), else null. */
  bytes: number | null;
  contentType: string;
}

/** Asterisk's stored recordings (ARI /recordings/stored): reads on any node, deletes only while active. */
export interface StoredRecordings {
  /** Whether Asterisk keeps stored recording `name`. */
  exists(name: string): Promise<boolean>;
  /** Its file, or null when Asterisk has none. */
  open(name: string): Promise<StoredRecordingFile | null>;
  /** Deletes it (one already gone is fine). */
  remove(name: string): Promise<void>;
}
