// AMI message and event types. Field names are Asterisk's own (Asterisk 22 manager docs).
// Values are what Asterisk sent: strings (numbers and booleans are not converted), a string[]
// when a key was repeated in one message. Asterisk does not guarantee the order of events (even
// of one call): nothing here implies an order.

/**
 * One AMI message: response, event or action. A repeated key yields a string[]. Parsed messages
 * are prototype-less objects (a `__proto__` key on the wire stays a plain key): use
 * `Object.hasOwn(msg, k)` or `msg[k] !== undefined`, not `msg.hasOwnProperty(k)`.
 */
export type AmiMessage = Record<string, string | string[]>;

/** Base of typed events: known fields typed, any other field still reachable. */
export interface AmiEventBase {
  [key: string]: string | string[] | undefined;
  Event: string;
  Privilege?: string;
  /** Present on events that belong to a list action or an async Originate. */
  ActionID?: string;
}

/** Fields of the channel snapshot that call events carry (optionally with a prefix). */
export interface ChannelFields {
  Channel: string;
  ChannelState: string;
  ChannelStateDesc: string;
  CallerIDNum: string;
  CallerIDName: string;
  ConnectedLineNum: string;
  ConnectedLineName: string;
  Language: string;
  AccountCode: string;
  Context: string;
  Exten: string;
  Priority: string;
  Uniqueid: string;
  Linkedid: string;
  /** `ChanVariable` lines (channelvars in manager.conf), "NAME=value". */
  ChanVariable?: string | string[];
}

/** Fields of the queue member (agent) snapshot carried by Agent* and QueueMember* events. */
export interface QueueMemberFields {
  Queue: string;
  MemberName: string;
  Interface: string;
  StateInterface: string;
  Membership: string;
  Penalty: string;
  CallsTaken: string;
  LastCall: string;
  LastPause: string;
  LoginTime?: string;
  InCall: string;
  Status: string;
  Paused: string;
  PausedReason?: string;
  Ringinuse: string;
  Wrapuptime?: string;
}

export interface FullyBootedEvent extends AmiEventBase {
  Event: 'FullyBooted';
  Status: string;
  Uptime?: string;
  LastReload?: string;
}
export interface NewchannelEvent extends AmiEventBase, ChannelFields {
  Event: 'Newchannel';
}
export interface HangupEvent extends AmiEventBase, ChannelFields {
  Event: 'Hangup';
  Cause: string;
  'Cause-txt': string;
}
export interface DialBeginEvent extends AmiEventBase, ChannelFields {
  Event: 'DialBegin';
  /** The called channel's snapshot comes as Dest* fields (DestChannel, DestUniqueid...). */
  DestChannel?: string;
  DestUniqueid?: string;
  DialString: string;
}
export interface DialEndEvent extends AmiEventBase, ChannelFields {
  Event: 'DialEnd';
  DestChannel?: string;
  DestUniqueid?: string;
  /** ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL... */
  DialStatus: string;
  Forward?: string;
}
export interface QueueCallerJoinEvent extends AmiEventBase, ChannelFields {
  Event: 'QueueCallerJoin';
  Queue: string;
  Position: string;
  Count: string;
}
export interface QueueCallerLeaveEvent extends AmiEventBase, ChannelFields {
  Event: 'QueueCallerLeave';
  Queue: string;
  Position: string;
  Count: string;
}
export interface QueueCallerAbandonEvent extends AmiEventBase, ChannelFields {
  Event: 'QueueCallerAbandon';
  Queue: string;
  Position: string;
  OriginalPosition: string;
  HoldTime: string;
}
/** Agent* events: the caller's channel unprefixed, the agent's channel as Dest* fields. */
export interface AgentEventFields extends ChannelFields {
  Queue: string;
  MemberName: string;
  Interface: string;
  DestChannel?: string;
  DestUniqueid?: string;
}
export interface AgentCalledEvent extends AmiEventBase, AgentEventFields {
  Event: 'AgentCalled';
}
export interface AgentConnectEvent extends AmiEventBase, AgentEventFields {
  Event: 'AgentConnect';
  HoldTime: string;
  RingTime: string;
}
export interface AgentCompleteEvent extends AmiEventBase, AgentEventFields {
  Event: 'AgentComplete';
  HoldTime: string;
  TalkTime: string;
  /** caller | agent | transfer */
  Reason: string;
}
export interface AgentRingNoAnswerEvent extends AmiEventBase, AgentEventFields {
  Event: 'AgentRingNoAnswer';
  RingTime: string;
}
export interface QueueMemberStatusEvent extends AmiEventBase, QueueMemberFields {
  Event: 'QueueMemberStatus';
}
export interface QueueMemberAddedEvent extends AmiEventBase, QueueMemberFields {
  Event: 'QueueMemberAdded';
}
export interface QueueMemberRemovedEvent extends AmiEventBase, QueueMemberFields {
  Event: 'QueueMemberRemoved';
}
export interface QueueMemberPauseEvent extends AmiEventBase, QueueMemberFields {
  Event: 'QueueMemberPause';
}
export interface UserEventEvent extends AmiEventBase {
  Event: 'UserEvent';
  UserEvent: string;
  Channel?: string;
  Uniqueid?: string;
}
export interface DTMFEndEvent extends AmiEventBase, ChannelFields {
  Event: 'DTMFEnd';
  Digit: string;
  DurationMs: string;
  /** Received | Sent */
  Direction: string;
}

/** Name -> type of every event Hotline types. */
export interface AmiEventMap {
  FullyBooted: FullyBootedEvent;
  Newchannel: NewchannelEvent;
  Hangup: HangupEvent;
  DialBegin: DialBeginEvent;
  DialEnd: DialEndEvent;
  QueueCallerJoin: QueueCallerJoinEvent;
  QueueCallerLeave: QueueCallerLeaveEvent;
  QueueCallerAbandon: QueueCallerAbandonEvent;
  AgentCalled: AgentCalledEvent;
  AgentConnect: AgentConnectEvent;
  AgentComplete: AgentCompleteEvent;
  AgentRingNoAnswer: AgentRingNoAnswerEvent;
  QueueMemberStatus: QueueMemberStatusEvent;
  QueueMemberAdded: QueueMemberAddedEvent;
  QueueMemberRemoved: QueueMemberRemovedEvent;
  QueueMemberPause: QueueMemberPauseEvent;
  UserEvent: UserEventEvent;
  DTMFEnd: DTMFEndEvent;
}
export type AmiEventName = keyof AmiEventMap;

/** Discriminated union of the typed events (switch on `Event`). */
export type KnownAmiEvent = AmiEventMap[AmiEventName];

/** Any other event: the generic fallback. */
export interface GenericAmiEvent extends AmiEventBase {
  Event: string;
}

/**
 * What the client emits as 'event'. Because GenericAmiEvent's `Event` is any string, comparing
 * `Event` alone does not narrow this union: use isAmiEvent(e, 'Hangup'), or cast to
 * KnownAmiEvent after checking the name with isKnownAmiEvent(e).
 */
export type AmiEvent = KnownAmiEvent | GenericAmiEvent;

const KNOWN: ReadonlySet<string> = new Set<AmiEventName>([
  'FullyBooted', 'Newchannel', 'Hangup', 'DialBegin', 'DialEnd', 'QueueCallerJoin',
  'QueueCallerLeave', 'QueueCallerAbandon', 'AgentCalled', 'AgentConnect', 'AgentComplete',
  'AgentRingNoAnswer', 'QueueMemberStatus', 'QueueMemberAdded', 'QueueMemberRemoved',
  'QueueMemberPause', 'UserEvent', 'DTMFEnd',
]);

export function isAmiEvent<K extends AmiEventName>(e: AmiEvent, name: K): e is AmiEventMap[K] {
  return e.Event === name;
}

export function isKnownAmiEvent(e: AmiEvent): e is KnownAmiEvent {
  return KNOWN.has(e.Event);
}

/** Result of AmiClient.actionList(). */
export interface AmiListResult {
  /** The `Response: Success` header (with `EventList: start`). */
  response: AmiMessage;
  /** The list items, in the order received, without the closing event. */
  events: AmiMessage[];
  /** The closing event (`EventList: Complete`, e.g. QueueStatusComplete with ListItems), if any. */
  complete?: AmiMessage;
}

/** pino-style logger: (object, message). */
export interface AmiLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

// ---- client vocabulary (see client.ts) ----

export type AmiState = 'connecting' | 'connected' | 'disconnected' | 'stopped';
export type AmiErrorCode =
  | 'action_failed' | 'timeout' | 'disconnected' | 'stopped' | 'buffer_full' | 'login_rejected' | 'invalid_action' | 'protocol' | 'not_allowed';

export class AmiError extends Error {
  constructor(
    readonly code: AmiErrorCode,
    message: string,
    readonly action?: string,
    readonly actionId?: string,
    /** The `Response: Error` message Asterisk sent, for 'action_failed' and 'login_rejected'. */
    readonly response?: AmiMessage,
  ) {
    super(message);
    this.name = 'AmiError';
  }
}

export type AmiFieldValue = string | number | boolean | readonly string[] | undefined;
export type AmiFields = Record<string, AmiFieldValue>;

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** `Events:` of the Login action: 'on', 'off' or classes such as 'system,call,agent,user'. */
  events?: string;
  /** Whole handshake deadline: TCP connect + banner + login. Default 5 s. */
  connectTimeoutMs?: number;
  /** Default per-action deadline (list actions: until the list completes). Default 10 s. */
  actionTimeoutMs?: number;
  /** Most actions in flight (queued + awaiting a response). Default 1000. */
  maxPending?: number;
  /** Largest accepted message; a bigger one resets the connection. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Interval of `Action: Ping` to detect a dead peer; a ping timeout resets the connection. 0 = off. Default 20 s. */
  pingIntervalMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  logger?: AmiLogger;
  /**
   * When set, the only actions this client sends (besides its Login); any other action is
   * rejected with code 'not_allowed' before it reaches the socket. Names compare case-insensitively.
   * Used for a read-only attachment to a PBX Hotline does not own.
   */
  allowedActions?: readonly string[];
}

export interface AmiClientEventMap {
  /** Every unsolicited event (not the items of a list action). */
  event: [AmiEvent];
  /** After each successful login. */
  connected: [];
  /** A connection or a connection attempt ended (not emitted by stop()). */
  disconnected: [Error];
  /** Login answered `Response: Error` (wrong user or secret); a 'disconnected' follows. */
  loginFailed: [AmiError];
}
