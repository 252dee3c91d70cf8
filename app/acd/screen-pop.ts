// Screen pop: when an agent's phone starts ringing with a queue call, the agent's console
// receives the caller's record (CRM: customer, last interactions, open reminders), their open
// tickets and what they chose and typed in the IVR — before the agent answers. An unknown
// caller gets a pop with the number and a "create customer" offer. Outbound calls an agent
// places through Hotline (click-to-dial) pop the same record, before the agent's phone rings.
// Delivered on the live feed (WebSocket) as `screen.pop`, to that agent only, by the active node
// (a standby relays the active node's pops; it does not make its own).
import type { Logger } from '../logger.js';
import type { LiveEvent, LiveHub } from './acd.live.js';
import { logFailure } from '../log-failure.js';

export interface ScreenPopPorts {
  customerPop(phone: string): Promise<{ known: boolean; customer?: { id: string } }>;
  openTickets(customerId: string): Promise<unknown[]>;
  ivrOfChannel(channelId: string): Promise<unknown>;
}

const OPEN = new Set(['new', 'assigned', 'in_progress', 'waiting_on_customer', 'reopened']);

export interface ScreenPops {
  /** Pops `number` on `agentId`'s console for a call the agent places (no IVR part). */
  outbound(agentId: string, number: string, channelId: string): Promise<void>;
  /** The pop of a call in progress, as the feed sent it (asked again after a reload or a failover). */
  forCall(agentId: string, c: { direction: 'inbound' | 'outbound'; queue: string; callerUniqueid: string; callerNumber: string; ringingAt: string }): Promise<Record<string, unknown>>;
  stop(): void;
}

export function startScreenPops(hub: LiveHub, ports: ScreenPopPorts, isActive: () => boolean, log: Logger): ScreenPops {
  const record = async (number: string) => {
    const pop = await ports.customerPop(number);
    const tickets = pop.known && pop.customer ? await ports.openTickets(pop.customer.id) : [];
    return { pop, openTickets: tickets.filter((t) => OPEN.has(String((t as { status?: string }).status))) };
  };
  const onEvent = (e: LiveEvent) => {
    if (e.type !== 'agent.ringing' || !isActive()) return;
    void (async () => {
      const [rec, ivr] = await Promise.all([record(e.callerNumber), ports.ivrOfChannel(e.callerUniqueid).catch(logFailure(log, 'screen pop: reading the caller\'s IVR path (popped without it)', { context: { agentId: e.agentId }, fallback: null }))]);
      hub.publish({ type: 'screen.pop', direction: 'inbound', agentId: e.agentId, queue: e.queue, callerUniqueid: e.callerUniqueid, callerNumber: e.callerNumber, ringingAt: e.at, ...rec, ivr });
    })().catch((err: Error) => log.warn({ err: err.message, agentId: e.agentId }, 'screen pop failed'));
  };
  hub.on('event', onEvent);
  return {
    async outbound(agentId, number, channelId) {
      const rec = await record(number);
      hub.publish({ type: 'screen.pop', direction: 'outbound', agentId, queue: '', callerUniqueid: channelId, callerNumber: number, ringingAt: new Date().toISOString(), ...rec, ivr: null });
    },
    async forCall(agentId, c) {
      const [rec, ivr] = await Promise.all([record(c.callerNumber), c.direction === 'inbound' ? ports.ivrOfChannel(c.callerUniqueid).catch(logFailure(log, 'screen pop of a call in progress: reading the caller\'s IVR path (popped without it)', { context: { agentId }, fallback: null })) : null]);
      return { type: 'screen.pop', agentId, ...c, ...rec, ivr };
    },
    stop: () => hub.off('event', onEvent),
  };
}
