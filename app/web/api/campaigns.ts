// Outbound campaigns (外呼任务, docs/api/campaigns.md): the /campaigns page (the list, the form,
// the contacts with their import, the report, the export) and the desk's Campaigns tab (the
// agent's running campaigns, the next contact, call, result, skip). The forms validate with the
// server's own schemas (re-exported here).
import { api, download, upload } from './client';
import { spreadsheetType } from './io';
import type { Campaign, CampaignBody, CampaignReport, CampaignStatus, Contact, ContactList, ContactQuery, FromCustomersReport, ImportReport, MyCampaign, NextAnswer } from './campaign-types';

export { CAMPAIGN_STATUSES, CONTACT_STATUSES, SYSTEM_RESULTS, campaignCreateBody, campaignUpdateBody, contactResultBody } from '@server/campaign/campaign.schemas';
export type * from './campaign-types';

const at = (name: string) => `/api/campaigns/${encodeURIComponent(name)}`;
const contactAt = (name: string, id: string) => `${at(name)}/contacts/${encodeURIComponent(id)}`;

export const campaignsApi = {
  list: () => api.get<{ items: Campaign[] }>('/api/campaigns'),
  get: (name: string) => api.get<Campaign>(at(name)),
  create: (body: CampaignBody) => api.post<Campaign>('/api/campaigns', body),
  update: (name: string, body: Omit<CampaignBody, 'name'>) => api.put<Campaign>(at(name), body),
  remove: (name: string) => api.del<void>(at(name)),
  setStatus: (name: string, status: Exclude<CampaignStatus, 'draft'>) => api.post<Campaign>(`${at(name)}/status`, { status }),
  /** An .xlsx or .csv list; `dryRun` checks it and adds nothing. */
  importFile: (name: string, file: File, dryRun: boolean) => upload<ImportReport>(`${at(name)}/contacts/import`, file, spreadsheetType(file.name), dryRun ? { dryRun: 'true' } : undefined),
  fromCustomers: (name: string, tag: string) => api.post<FromCustomersReport>(`${at(name)}/contacts/from-customers`, { tag }),
  contacts: (name: string, q: ContactQuery) => api.get<ContactList>(`${at(name)}/contacts`, { ...q }),
  contact: (name: string, id: string) => api.get<Contact>(contactAt(name, id)),
  cancelContact: (name: string, id: string) => api.del<void>(contactAt(name, id)),
  report: (name: string) => api.get<CampaignReport>(`${at(name)}/report`),
  /** The contacts with their results as .xlsx, headed in the page's language. */
  exportXlsx: (name: string, locale: 'zh-CN' | 'en') => download(`${at(name)}/export.xlsx`, { locale }, `campaign-${name}.xlsx`),
  /** The queues a campaign may name. */
  queues: () => api.get<{ items: Array<{ name: string }> }>('/api/acd/queues'),

  // The agent's side (the desk).
  mine: () => api.get<{ items: MyCampaign[] }>('/api/campaigns/mine'),
  next: (name: string) => api.post<NextAnswer>(`${at(name)}/next`),
  dial: (name: string, id: string) => api.post<{ attemptId: string; channelId: string }>(`${contactAt(name, id)}/dial`),
  result: (name: string, id: string, body: { result: string; note?: string; callbackAt?: string }) => api.post<Contact>(`${contactAt(name, id)}/result`, body),
  release: (name: string, id: string) => api.post<Contact>(`${contactAt(name, id)}/release`),
};
