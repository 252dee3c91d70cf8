// The outbound-campaign API's shapes (外呼任务, docs/api/campaigns.md) with no import the browser
// bundle and Node both cannot follow (relative paths with .js, as survey-types.ts): the pure form
// and desk modules (components/campaigns/*.ts) are unit-tested under Node. api/campaigns.ts
// re-exports them.
import type { CallingHours, CampaignResult, CampaignStatus, ContactStatus } from '../../campaign/campaign.schemas.js';

export type { CallingHours, CampaignResult, CampaignStatus, ContactStatus };

export interface CampaignCounts {
  total: number;
  pending: number;
  reserved: number;
  done: number;
  unreached: number;
  blocked: number;
  cancelled: number;
}

/** A campaign as the API answers it (times as ISO text). */
export interface Campaign {
  id: string;
  name: string;
  title: string;
  queue: string;
  script: string;
  results: CampaignResult[];
  callingHours: CallingHours;
  maxAttempts: number;
  retryMinutes: number;
  holdMinutes: number;
  status: CampaignStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  counts: CampaignCounts;
}

/** What POST /api/campaigns takes (PUT: the same without the name). */
export interface CampaignBody {
  name?: string;
  title: string;
  queue: string;
  script: string;
  results: CampaignResult[];
  callingHours: CallingHours;
  maxAttempts: number;
  retryMinutes: number;
  holdMinutes: number;
}

export interface Attempt {
  id: string;
  agentId: string | null;
  agentName: string | null;
  requestedAt: string;
  placedAt: string | null;
  endedAt: string | null;
  dialStatus: string | null;
  talkSeconds: number | null;
  result: string | null;
  note: string | null;
}

export interface Contact {
  id: string;
  phone: string;
  name: string;
  fields: Record<string, string>;
  customerId: string | null;
  status: ContactStatus;
  result: string | null;
  resultLabel: string | null;
  note: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  agentId: string | null;
  agentName: string | null;
  reservedUntil: string | null;
  callbackAt: string | null;
  updatedAt: string;
  /** GET …/contacts/:id and /next only. */
  attemptsList?: Attempt[];
}

export interface ContactList { items: Contact[]; total: number }

export interface ContactQuery {
  status?: ContactStatus;
  result?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** An import's answer (dry run or real). */
export interface ImportReport {
  added: number;
  duplicates: Array<{ row: number; phone: string; sameAs: string | number }>;
  rows: number;
  dryRun: boolean;
}

/** A refused import: 400 import_invalid's details. */
export interface ImportRowError { row: number; message: string }

export interface FromCustomersReport {
  added: number;
  duplicates: Array<{ index?: number; phone: string; sameAs: string | number }>;
  withoutPhone: number;
}

export interface CampaignReport {
  counts: CampaignCounts;
  attempts: number;
  connected: number;
  connectRate: number | null;
  done: number;
  success: number;
  successRate: number | null;
  talkSeconds: number;
  results: Array<{ code: string; label: string; count: number }>;
  agents: Array<{ agentId: string; agentName: string; attempts: number; connected: number; talkSeconds: number; done: number; success: number }>;
  days: Array<{ day: string; attempts: number; connected: number; success: number }>;
}

/** GET /api/campaigns/mine: a running campaign of the agent's queues. */
export interface MyCampaign {
  name: string;
  title: string;
  queue: string;
  script: string;
  results: CampaignResult[];
  callingHours: CallingHours;
  /** Inside the calling hours now. */
  open: boolean;
  /** Contacts due now. */
  due: number;
  /** The contact this agent holds, if any (a reload shows it again). */
  holding: Contact | null;
  /** The wait before a contact is called again (when the server says it: the desk then names the time). */
  retryMinutes?: number;
}

/** The CRM card of a contact whose phone is a customer's. */
export interface ContactCustomer {
  id: string;
  name: string;
  vipLevel?: number;
  company?: string | null;
  tags?: string[];
  phones?: string[];
  region?: string | null;
  [k: string]: unknown;
}

export type NextAnswer = { contact: Contact; customer: ContactCustomer | null } | { contact: null; nextDueAt: string | null };

/** The live feed's campaign.attempt (to the agent whose dial ended). */
export interface AttemptEvent {
  campaign: string;
  contactId: string;
  attemptId: string;
  dialStatus: string;
  result: string | null;
  contactStatus: ContactStatus;
  /** When the dial ended (the server's clock). */
  at?: string;
  /** When the contact is called again (when the server says it). */
  nextAttemptAt?: string | null;
}
