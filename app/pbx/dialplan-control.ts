// Hotline's own part of the dialplan: flows the dialplan runs by itself (app/ivr/flow-dialplan.ts),
// written into extensions_hotline.conf over AMI and reloaded; and the AMI events by which such
// a call tells Hotline where it is (entered the flow, finished it, hung up).
import type { AmiClient } from './ami/client.js';
import { writeConfigFile } from './ami/config-file.js';
import { fieldOf } from './ami/parser.js';
import type { AmiMessage } from './ami/types.js';
import { FencedError, type ConfigSection } from './ports.js';

export const COMPILED_CONTEXT = 'hotline-compiled';
export const COMPILED_FILE = 'extensions_hotline.conf';
/** Raised after the answer: the call entered the compiled flow (Version: the flow version's id, Node: the entry, Admitted: when admission let it in). */
export const FLOW_STARTED_EVENT = 'HotlineFlow';
/** Raised when the call reaches a later node of the flow (Node: its id). */
export const FLOW_STEP_EVENT = 'HotlineFlowStep';
/** Raised right before the flow's own hang-up: the flow ran to its end. */
export const FLOW_DONE_EVENT = 'HotlineFlowDone';

export interface DialplanControl {
  /** Replaces Hotline's dialplan file and reloads the dialplan (only while this node is active). */
  writeCompiled(sections: ConfigSection[]): Promise<void>;
}

/** What a call the dialplan runs for Hotline reports (AMI carries the channel's snapshot with each). */
export type DialplanCallEvent =
  | { kind: 'started'; channelId: string; callerNumber: string; callerName: string | null; calledNumber: string; versionId: string; node: string; at: Date; /** ms from the dialplan's admission of the call to this event (rate-governor.ts). */ admissionDelayMs?: number }
  | { kind: 'step'; channelId: string; node: string; at: Date }
  | { kind: 'done'; channelId: string; at: Date }
  | { kind: 'hangup'; channelId: string; cause: string; at: Date };

export interface DialplanEventSink {
  onDialplanCallEvent(e: DialplanCallEvent): void;
  /** AMI (re)connected. */
  onDialplanLinkUp(): void;
}

export class AmiDialplanControl implements DialplanControl {
  constructor(
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  async writeCompiled(sections: ConfigSection[]): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await writeConfigFile(this.ami, COMPILED_FILE, sections);
    // pbx_config merges the new dialplan in at once; calls keep running where they are. It also
    // sets [globals] back to the file's: the Reload event it raises has Hotline set its own again (pbx.ts).
    await this.ami.action('Reload', { Module: 'pbx_config.so' });
  }
}

/** The event of a compiled flow's call in an AMI message, or null (not one of them). */
export function toDialplanCallEvent(e: AmiMessage, at = new Date()): DialplanCallEvent | null {
  const f = (k: string) => fieldOf(e, k);
  const event = f('Event');
  if (event === 'Hangup') {
    if (f('Context') !== COMPILED_CONTEXT) return null;
    return { kind: 'hangup', channelId: f('Uniqueid') ?? '', cause: f('Cause-txt') ?? f('Cause') ?? '', at };
  }
  if (event !== 'UserEvent' || f('Context') !== COMPILED_CONTEXT) return null;
  const channelId = f('Uniqueid') ?? '';
  if (!channelId) return null;
  if (f('UserEvent') === FLOW_DONE_EVENT) return { kind: 'done', channelId, at };
  if (f('UserEvent') === FLOW_STEP_EVENT) return { kind: 'step', channelId, node: f('Node') ?? '', at };
  if (f('UserEvent') !== FLOW_STARTED_EVENT) return null;
  const name = f('CallerIDName');
  return {
    kind: 'started',
    channelId,
    callerNumber: f('CallerIDNum') ?? '',
    callerName: name && name !== '<unknown>' ? name : null,
    calledNumber: f('Exten') ?? '',
    versionId: f('Version') ?? '',
    node: f('Node') ?? '',
    at,
    ...admissionDelay(f('Admitted'), f('Timestamp'), at),
  };
}

/**
 * How long after admission (`Admitted:`, the dialplan's HOTLINE_NOW, seconds since the epoch) the
 * flow's first step ran: both times on Asterisk's clock when the event carries its `Timestamp`
 * (manager.conf `timestampevents`). That is Asterisk's own delay (the Answer between them waits on
 * its SIP queues when it is past its capacity), which is what the admission rate must follow; the
 * time Hotline READ the event would add Hotline's own event-loop stalls, which do not hold up a call
 * the dialplan runs (a 1.2 s stall cut admission to half while every call completed, 2026-12-05).
 * Without a Timestamp, the event's time on Hotline's clock (`at`) stands in.
 */
function admissionDelay(admitted: string | undefined, stamped: string | undefined, at: Date): { admissionDelayMs?: number } {
  const seconds = (v: string | undefined): number | undefined => {
    const s = Number(v);
    return v && Number.isFinite(s) && s > 1e9 ? s : undefined;
  };
  const from = seconds(admitted);
  if (from === undefined) return {};
  const to = seconds(stamped);
  return { admissionDelayMs: Math.round(to !== undefined ? (to - from) * 1000 : at.getTime() - from * 1000) };
}
