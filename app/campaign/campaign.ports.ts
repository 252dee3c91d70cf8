// What the campaign module asks of the others (wired in main.ts): the ACD's queues, agents and
// click-to-dial, the blocked numbers, the CRM and the live feed. Explicit, so tests can fake it.
import type { LiveEvent } from '../acd/acd.live.js';

export interface CampaignAgent {
  id: string;
  name: string;
}

export interface CampaignPorts {
  queueExists(queue: string): Promise<boolean>;
  /** The agent of a console user (null: the user is no agent). */
  agentOfUser(userId: string): Promise<CampaignAgent | null>;
  /** The queues an agent is a member of. */
  queuesOfAgent(agentId: string): Promise<string[]>;
  agentNames(): Promise<Map<string, string>>;
  /** Click-to-dial with the channel id given (the attempt row is written first). 409 agent_busy when the agent is on a call. */
  dial(agentId: string, number: string, name: string, channelId: string): Promise<void>;
  /** Is this number (stored form) blocked now? */
  isBlocked(phone: string): Promise<boolean>;
  /** The CRM's card of the customer with this number, or null. */
  customerOf(phone: string): Promise<({ id: string } & Record<string, unknown>) | null>;
  /** The CRM's customers with a tag: id, name and phones. */
  customersWithTag(tag: string): Promise<Array<{ id: string; name: string; phones: string[] }>>;
  publish(e: LiveEvent): void;
}
