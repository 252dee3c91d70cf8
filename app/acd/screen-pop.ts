// Screen pop: when an agent's phone starts ringing with a queue call, the agent's console
// receives the caller's record (CRM: customer, last interactions, open reminders), their open
// tickets and what they chose and typed in the IVR — before the agent answers. An unknown
// caller gets a pop with the number and a "create customer" offer. Delivered on the live feed
// (WebSocket) as `screen.pop`, to that agent only.
import type { Logger } from '../logger.js';
import type { LiveEvent, LiveHub } from './acd.live.js';

export interface ScreenPopPorts {
  customerPop(phone: string): Promise<{ known: boolean; customer?: { id: string } }>;
  openTickets(customerId: string): Promise<unknown[]>;
  ivrOfChannel(channelId: string): Promise<unknown>;
}

const OPEN = new Set(['new', 'assigned', 'in_progress', 'waiting_on_customer', 'reopened']);

export function startScreenPops(hub: LiveHub, ports: ScreenPopPorts, log: Logger): () => void {
  const onEvent = (e: LiveEvent) => {
    if (e.type !== 'agent.ringing') return;
    void (async () => {
      const [pop, ivr] = await Promise.all([ports.customerPop(e.callerNumber), ports.ivrOfChannel(e.callerUniqueid).catch(() => null)]);
      const tickets = pop.known && pop.customer ? await ports.openTickets(pop.customer.id) : [];
      hub.publish({
        type: 'screen.pop',
        agentId: e.agentId,
        queue: e.queue,
        callerUniqueid: e.callerUniqueid,
        callerNumber: e.callerNumber,
        ringingAt: e.at,
        pop,
        ivr,
        openTickets: tickets.filter((t) => OPEN.has(String((t as { status?: string }).status))),
      });
    })().catch((err: Error) => log.warn({ err: err.message, agentId: e.agentId }, 'screen pop failed'));
  };
  hub.on('event', onEvent);
  return () => hub.off('event', onEvent);
}
