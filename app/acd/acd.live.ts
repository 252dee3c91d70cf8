// The ACD's live events, in process: the agent tracker and the queue-call log publish here;
// the WebSocket feed (acd.ws.ts) and the screen pop subscribe.
import { EventEmitter } from 'node:events';

export type LiveEvent =
  | { type: 'agent.state'; agentId: string; name: string; state: string; reason: string; since: string; wrapupUntil: string | null; source: string }
  /** `pbx`: set for a queue of an attached PBX (its HOTLINE_ATTACH_NAME); absent for Hotline's own. */
  | { type: 'queue.caller'; queue: string; uniqueid: string; callerNumber: string; event: 'joined' | 'answered' | 'abandoned' | 'left' | 'completed'; agentId?: string | null; pbx?: string; at: string }
  /** A member of an attached PBX's queues changed state (no Hotline agent: keyed by its interface). */
  | { type: 'attach.agent.state'; pbx: string; interface: string; name: string; state: string; reason: string; since: string; queues: string[]; source: string }
  | { type: 'agent.ringing'; agentId: string; queue: string; callerUniqueid: string; callerNumber: string; at: string }
  | { type: 'queue.callback'; callbackId: string; queue: string; number: string; status: string; attempts: number; lastResult: string; agentId: string | null; at: string }
  | { type: 'reminder.due'; userId: string; reminderId: string; customerId: string; customerName: string; text: string; dueAt: string }
  /** A ticket's SLA deadline approaching (the reminder at 80 % of the time), to its assignee only. */
  | { type: 'ticket.sla_due'; userId: string; ticketId: string; ticketNumber: string; title: string; target: 'first_response' | 'resolution'; dueAt: string }
  /** The wallboard's figures of one queue, recomputed on the active node after each of its caller events. */
  | { type: 'wallboard.queue'; queue: string; figures: unknown; at: string }
  /** A supervisor's listen / whisper / barge started, changed mode or ended (to supervisors only). */
  | { type: 'wallboard.monitor'; supervisorUserId: string; agentId: string; mode: string; channelId: string; status: 'ringing' | 'ended'; at: string }
  /** A fax was filed in a queue's inbox ('' = the general inbox): to that queue's agents, supervisors and admins. */
  | { type: 'fax.received'; faxId: string; queue: string; status: string; pages: number; remoteNumber: string; remoteStationId: string; customerId: string | null; at: string }
  /** A voicemail message is ready to hear (settled by the active node): to every agent, supervisor and admin console. */
  | { type: 'voicemail.new'; id: string; mailbox: string; callerNumber: string; customerName?: string; seconds: number | null; createdAt: string }
  /** A caller answered the satisfaction survey (app/survey): to supervisors, admins and the agent who took the call. */
  | { type: 'survey.answered'; callId: string; survey: string; queue: string; agentId: string | null; agentName: string | null; callerNumber: string; key: string; label: string; score: number; satisfied: boolean; at: string }
  /** A call an agent placed to a campaign's contact ended (app/campaign): to that agent (and supervisors, admins). */
  | { type: 'campaign.attempt'; agentId: string; campaign: string; contactId: string; attemptId: string; dialStatus: string; result: string | null; contactStatus: string; nextAttemptAt: string | null; at: string }
  /** A campaign's contact is done or unreached (a webhook event too). */
  | { type: 'campaign.contact.done'; campaign: string; contact: { id: string; phone: string; name: string; status: string; result: string | null; attempts: number; customerId: string | null }; agentId: string | null; at: string }
  | { type: 'screen.pop'; direction: 'inbound' | 'outbound'; agentId: string; queue: string; callerUniqueid: string; callerNumber: string; ringingAt: string; pop: unknown; ivr: unknown; openTickets: unknown[] };

export class LiveHub extends EventEmitter<{ event: [LiveEvent] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  publish(e: LiveEvent): void {
    this.emit('event', e);
  }
}
