// The agent's call as the server knows it: Asterisk's channel on the agent's device and whom it
// is bridged with, the queue call it answered (queue, when) and the screen pop of that caller.
// The console shows this after a reload or a failover, when the browser's own SIP session is
// gone but the call goes on; hanging it up goes through Asterisk, not through the browser.
import { AppError } from '../errors.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { FencedError, type AgentLines } from '../pbx/ports.js';
import type { AcdConfig } from './acd.config.js';
import { PbxUnavailableError } from './acd.errors.js';
import type { QueueCallLog } from './acd.calls.js';
import { deviceInterface } from './asterisk-config.js';

/** Click-to-dial channels (agent-dial.ts) carry this prefix: the agent placed the call. */
const CLICK_TO_DIAL = 'hotline-out-';

export class NoCallError extends AppError {
  constructor() {
    super(404, 'no_call', 'the agent has no call in progress');
  }
}

/** The pop of a call (screen-pop.ts), as the live feed sends it. */
export type CallPop = (agentId: string, c: { direction: 'inbound' | 'outbound'; queue: string; callerUniqueid: string; callerNumber: string; ringingAt: string }) => Promise<Record<string, unknown>>;

export interface AgentCallView {
  direction: 'inbound' | 'outbound';
  /** The customer's number (the caller, or the number the agent dialled). */
  callerNumber: string;
  callerName: string;
  queue: string;
  /** The caller's channel (inbound) or the click-to-dial channel: the pop's callerUniqueid. */
  callerUniqueid: string;
  /** Whether the agent's channel is bridged with the other end (talking, or on hold). */
  bridged: boolean;
  /** When the talk started (the queue's AgentConnect, or the agent's channel's age). */
  answeredAt: string;
  /** The screen pop of this call (customer card, open tickets, IVR path); null if it could not be read. */
  pop: Record<string, unknown> | null;
}

export class AgentCallService {
  /** Set once the screen pops exist (they need the CRM and tickets, wired after the ACD). */
  popOf: CallPop | undefined;

  constructor(
    private readonly config: AcdConfig,
    private readonly lines: AgentLines,
    private readonly calls: Pick<QueueCallLog, 'answeredByAgent'>,
    private readonly log: Logger,
  ) {}

  async current(agentId: string, now = new Date()): Promise<AgentCallView | null> {
    const a = await this.config.agent(agentId);
    const line = await this.lines.lineOf(deviceInterface(a.endpoint)).catch((err: Error) => {
      throw new PbxUnavailableError(err.message);
    });
    if (!line || line.agent.state !== 6) return null; // 6: up (a ringing line is the phone's to show)
    const row = line.peer ? await this.calls.answeredByAgent(agentId, line.peer.uniqueid) : null;
    const clickToDial = line.agent.uniqueid.startsWith(CLICK_TO_DIAL);
    // The agent placed it: click-to-dial, or dialled from the browser phone (the channel shows the agent's own number).
    const outbound = !row && (clickToDial || line.agent.number === a.endpoint);
    const direction = outbound ? 'outbound' : 'inbound';
    const callerNumber = row?.callerNumber || (clickToDial ? line.agent.number : outbound ? line.agent.connectedNumber || line.peer?.number || '' : line.agent.number || line.peer?.number || '');
    const callerUniqueid = row ? row.uniqueid : clickToDial ? line.agent.uniqueid : (line.peer?.uniqueid ?? line.agent.uniqueid);
    const answeredAt = row?.answeredAt ?? new Date(now.getTime() - line.agent.durationSeconds * 1000);
    const view: AgentCallView = {
      direction,
      callerNumber,
      callerName: row ? (line.peer?.name ?? '') : outbound ? (clickToDial ? line.agent.name : '') : line.agent.name,
      queue: row?.queue ?? '',
      callerUniqueid,
      bridged: !!line.peer,
      answeredAt: answeredAt.toISOString(),
      pop: null,
    };
    if (this.popOf && callerNumber) {
      view.pop = await this.popOf(agentId, { direction, queue: view.queue, callerUniqueid, callerNumber, ringingAt: (row?.joinedAt ?? answeredAt).toISOString() }).catch(logFailure(this.log, 'reading the pop of the agent\'s call (shown without it)', { context: { agentId }, fallback: null }));
    }
    return view;
  }

  /** Hangs up the agent's leg in Asterisk; the caller's side ends with the bridge. */
  async hangup(agentId: string): Promise<void> {
    const a = await this.config.agent(agentId);
    const line = await this.lines.lineOf(deviceInterface(a.endpoint)).catch((err: Error) => {
      throw new PbxUnavailableError(err.message);
    });
    if (!line) throw new NoCallError();
    await this.lines.hangup(line.agent.channel).catch((err: Error) => {
      throw new PbxUnavailableError(err instanceof FencedError ? 'this node is not the active one; try again in a moment' : err.message);
    });
  }
}
