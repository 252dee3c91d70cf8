// What the agent desktop needs to start: the signed-in user's agent, its state as the live
// feed last sent it, its phone (a WebRTC phone's SIP credentials go to this agent only, never
// into a log or another user's answer), the break reasons and each of its queues' wrap-up codes.
import { AppError } from '../errors.js';
import type { AcdConfig } from './acd.config.js';
import type { LabelledCode, PhoneKind } from './acd.schemas.js';
import { membershipsOf } from './asterisk-config.js';

export class NoAgentError extends AppError {
  constructor() {
    super(404, 'no_agent', 'this user is not linked to an agent (an admin links agents to users with userId)');
  }
}

export type DeskPhone =
  | { kind: 'webrtc'; wsServer: string; uri: string; username: string; password: string; displayName: string }
  | { kind: 'desk'; endpoint: string };

export interface AgentDesk {
  agent: { id: string; name: string; endpoint: string; queues: string[] };
  state: { agentId: string; state: string; reason: string; since: string; wrapupUntil: string | null };
  phone: DeskPhone;
  breakReasons: LabelledCode[];
  dispositions: Record<string, { required: boolean; codes: LabelledCode[] }>;
}

export class AgentDeskService {
  constructor(
    private readonly config: AcdConfig,
    /** ws(s)://host:port/ws — where browsers reach Asterisk's SIP over WebSocket. */
    private readonly wsServer: string,
  ) {}

  /** The SIP domain of WebRTC URIs: the WebSocket server's host (Asterisk matches endpoints by user). */
  private get sipDomain(): string {
    return new URL(this.wsServer).hostname;
  }

  async me(userId: string): Promise<AgentDesk> {
    const snap = await this.config.snapshot(true);
    const a = snap.agents.find((x) => x.userId === userId);
    if (!a) throw new NoAgentError();
    const queues = [...membershipsOf(JSON.parse(a.skills) as Record<string, number>, snap.queues).keys()].sort();
    const phone: DeskPhone =
      (a.phone as PhoneKind) === 'webrtc'
        ? { kind: 'webrtc', wsServer: this.wsServer, uri: `sip:${a.endpoint}@${this.sipDomain}`, username: a.endpoint, password: a.sipPassword, displayName: a.name }
        : { kind: 'desk', endpoint: a.endpoint };
    return {
      agent: { id: a.id, name: a.name, endpoint: a.endpoint, queues },
      state: { agentId: a.id, state: a.state, reason: a.stateReason, since: a.stateSince.toISOString(), wrapupUntil: a.wrapupUntil?.toISOString() ?? null },
      phone,
      breakReasons: snap.breakReasons,
      dispositions: Object.fromEntries(queues.map((q) => {
        const d = snap.queueMap.get(q)!.dispositions;
        return [q, { required: d.required, codes: d.codes }];
      })),
    };
  }
}
