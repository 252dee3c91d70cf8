// Routes of the agents' side of the campaigns (the desk's Campaigns tab, docs/api/campaigns.md):
// their campaigns, the next contact, dial, result, release. A supervisor may give a result too.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { NotYoursError } from './campaign.errors.js';
import { campaignParams, contactParams, contactResultBody } from './campaign.schemas.js';
import type { CampaignService } from './campaign.service.js';
import type { CampaignWork } from './campaign.work.js';

const AGENT = { allow: ['agent'] } as const;

export function campaignDeskRoutes(r: SecureRouter, campaigns: CampaignService, work: CampaignWork): void {
  r.get('/campaigns/mine', AGENT, async (req, res) => {
    res.json(await work.mine(principalOf(req).id));
  });
  r.get('/campaigns/:name/contacts/:id', { allow: ['admin', 'supervisor', 'readonly', 'agent'], params: contactParams }, async (req, res) => {
    const { name, id } = input(req, 'path', contactParams);
    const contact = await campaigns.contact(name, id);
    const who = principalOf(req);
    if (who.role === 'agent') {
      const agent = await work.agentOf(who.id);
      if (contact.status !== 'reserved' || contact.agentId !== agent.id) throw new NotYoursError(`contact ${id} is not held by you`, { id });
    }
    res.json(contact);
  });
  r.post('/campaigns/:name/next', { ...AGENT, params: campaignParams }, async (req, res) => {
    res.json(await work.next(input(req, 'path', campaignParams).name, principalOf(req).id));
  });
  r.post('/campaigns/:name/contacts/:id/dial', { ...AGENT, params: contactParams }, async (req, res) => {
    const { name, id } = input(req, 'path', contactParams);
    res.status(202).json(await work.dial(name, id, principalOf(req).id));
  });
  r.post('/campaigns/:name/contacts/:id/result', { allow: ['agent', 'supervisor', 'admin'], params: contactParams, body: contactResultBody }, async (req, res) => {
    const { name, id } = input(req, 'path', contactParams);
    const who = principalOf(req);
    const agentId = who.role === 'agent' ? (await work.agentOf(who.id)).id : null;
    res.json(await work.result(name, id, { agentId }, input(req, 'body', contactResultBody)));
  });
  r.post('/campaigns/:name/contacts/:id/release', { ...AGENT, params: contactParams }, async (req, res) => {
    const { name, id } = input(req, 'path', contactParams);
    res.json(await work.release(name, id, principalOf(req).id));
  });
}
