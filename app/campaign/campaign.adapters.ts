// The campaign module's ports (campaign.ports.ts) made from the other modules' services: the
// ACD's queues, agents and click-to-dial, the blocked numbers, the CRM and the live feed.
import type { AcdModule } from '../acd/index.js';
import type { BlockingService } from '../blocking/blocking.service.js';
import type { CrmService } from '../crm/crm.service.js';
import type { CampaignPorts } from './campaign.ports.js';

/** The CRM customers with a tag are read this many at a time, up to TAG_MAX. */
const TAG_PAGE = 100;
const TAG_MAX = 10_000;

export function campaignPorts(deps: { acd: AcdModule; blocking: BlockingService; crm: CrmService }): CampaignPorts {
  const { acd, blocking, crm } = deps;
  return {
    queueExists: async (q) => (await acd.config.snapshot(true)).queueMap.has(q),
    agentOfUser: async (userId) => {
      const a = (await acd.config.snapshot()).agents.find((x) => x.userId === userId);
      return a ? { id: a.id, name: a.name } : null;
    },
    queuesOfAgent: acd.queuesOfAgent,
    agentNames: async () => new Map((await acd.config.snapshot()).agents.map((a) => [a.id, a.name])),
    dial: async (agentId, number, name, channelId) => {
      await acd.dialer.dial(agentId, number, name, channelId);
    },
    isBlocked: async (phone) => (await blocking.activeOf(phone)) !== null,
    customerOf: (phone) => crm.findByPhone(phone) as unknown as Promise<({ id: string } & Record<string, unknown>) | null>,
    customersWithTag: async (tag) => {
      const out: Array<{ id: string; name: string; phones: string[] }> = [];
      for (let offset = 0; offset < TAG_MAX; offset += TAG_PAGE) {
        const page = await crm.list({ tag, limit: TAG_PAGE, offset, sort: 'createdAt', order: 'asc' });
        out.push(...page.items.map((c) => ({ id: c.id, name: c.name, phones: c.phones })));
        if (page.items.length < TAG_PAGE) break;
      }
      return out;
    },
    publish: (e) => acd.live.publish(e),
  };
}
