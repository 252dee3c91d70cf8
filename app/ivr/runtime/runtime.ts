// What a node handler gets: the call, the flow's variables, and the services it may use.
import type { CollectOptions } from '../../calls/call-context.js';
import type { Logger } from '../../logger.js';
import type { DialplanTarget } from '../../pbx/ports.js';
import type { FlowNode, PromptRef } from '../ivr.schemas.js';

/** The ACD's routing decision for a call the IVR sends to a queue (app/acd implements it). */
export interface QueueRouting {
  route(input: { queue: string; priority: number; callerNumber: string; vars: Record<string, string> }): Promise<{
    queue: string;
    priority: number;
    timeoutSeconds: number;
    maxPenalty?: number;
    overflow?: { queue: string; priority: number; timeoutSeconds: number };
    noAgents: boolean;
    rules: string[];
    region?: string;
    /** The satisfaction surveys of the queue and of its overflow queue (asked when the agent hangs up first). */
    survey?: string;
    overflowSurvey?: string;
    /** The caller may press `key` while waiting to be called back, keeping their place. */
    callback?: { key: string; estimatedWaitSeconds: number };
  }>;
  /**
   * Recordings armed for the caller in these queues (the queue, then its overflow): the
   * dialplan's variables that set MixMonitor before Queue() rings anyone ({} when none records).
   */
  armRecording?(call: { callId: string; uniqueid: string; callerNumber: string }, queues: string[]): Promise<Record<string, string>>;
}

export interface CustomerDirectory {
  /** The customer with this phone number (any format), as flat fields, or null. */
  findByPhone(phone: string): Promise<Record<string, string> | null>;
}

/** The fax inbox (app/fax implements it): opens the inbound fax of a call before it leaves for ReceiveFAX. */
export interface FaxIntake {
  openInbound(input: { callId: string; caller: string; called: string; queue: string }): Promise<{ id: string; pbxFile: string }>;
}

/**
 * The voicemail inbox (app/voicemail implements it). `opened` comes before the prompt and the
 * recording, so a caller who hangs up still leaves a row (settled by the inbox's collector);
 * once per call (a call resumed by another node gets the same message). `finished` after a
 * recording that ended normally (its length is read from the file, `seconds` is Asterisk's word).
 */
export interface VoicemailIntake {
  opened(input: { callId: string; mailbox: string; caller: string; called: string; recording: string; maxSeconds: number }): Promise<{ id: string }>;
  finished(callId: string, seconds: number): Promise<void>;
}

/** The call as a flow sees it: implemented by CallContext, and by DryRunCall for dry runs. */
export interface FlowCall {
  readonly callId: string;
  /** The caller's channel (ARI channel id: Asterisk's Uniqueid). */
  readonly channelId: string;
  readonly log: Logger;
  answer(): Promise<void>;
  step(step: string, state?: unknown): Promise<void>;
  playAndWait(media: string[]): Promise<void>;
  promptForDigit(media: string[], timeoutMs: number, bargeIn?: boolean): Promise<string | null>;
  collect(media: string[], o: CollectOptions): Promise<string | null>;
  consumed(digits: string): Promise<void>;
  record(name: string, maxSeconds: number): Promise<{ durationSeconds: number; failed: boolean }>;
  /** A recording `name` of this call is under way (the node that was active started it before it died). */
  recordingUnderWay(name: string): Promise<boolean>;
  /** Waits for such a recording's end instead of starting another (which would stop it and start over). */
  awaitRecording(name: string, maxSeconds: number): Promise<{ durationSeconds: number; failed: boolean }>;
  hangup(): Promise<void>;
  handBack(): Promise<void>;
  handOff(target: DialplanTarget, variables: Record<string, string>): Promise<void>;
}

export interface Runtime {
  ctx: FlowCall;
  vars: Record<string, string>;
  language: 'en' | 'zh';
  log: Logger;
  now(): Date;
  /** Media URIs for a prompt reference; text (with {{templates}}) is synthesized if needed. */
  media(ref: PromptRef): Promise<string[]>;
  customers?: CustomerDirectory;
  acd?: QueueRouting;
  fax?: FaxIntake;
  voicemail?: VoicemailIntake;
}

/** Where the flow goes after a node. */
export type NodeResult =
  | { next: string }
  | { subflow: string; next: string }
  | { end: 'hangup' | 'handoff' | 'return' };

export interface NodeHandler<T extends FlowNode = FlowNode> {
  exec(node: T, rt: Runtime): Promise<NodeResult>;
}
