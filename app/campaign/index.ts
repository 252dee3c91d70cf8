// Wires the outbound campaigns (外呼任务, docs/api/campaigns.md): the service, the agents' work,
// the routes, and the follower of the outbound calls the campaigns placed.
import type { DataSource } from 'typeorm';
import type { Audit } from '../auth/audit.js';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import { campaignDeskRoutes } from './campaign.desk.http.js';
import { campaignRoutes } from './campaign.http.js';
import type { CampaignPorts } from './campaign.ports.js';
export { campaignPorts } from './campaign.adapters.js';
import { CampaignService } from './campaign.service.js';
import { CampaignWork, type OutboundChange } from './campaign.work.js';

export function createCampaignModule(deps: { db: DataSource; ports: CampaignPorts; audit: Audit; log: Logger; routes: SecureRouter }) {
  const log = deps.log.child({ module: 'campaign' });
  const service = new CampaignService(deps.db, deps.ports);
  const work = new CampaignWork(service);
  // The agents' routes first: /campaigns/mine is not a campaign's name.
  campaignDeskRoutes(deps.routes, service, work);
  campaignRoutes(deps.routes, service, deps.audit, log);
  /** An outbound call's start or end (the ACD's outbound log, active node): the campaigns' attempts follow it. */
  const onOutbound = (e: OutboundChange) => work.onOutbound(e);
  return { service, work, onOutbound, router: deps.routes.router };
}
