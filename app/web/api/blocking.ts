// Blocked numbers (拦截号码, docs/api/blocked-numbers.md): callers Asterisk refuses before anything
// else runs. The list with its search and state, the active block of one number, adding a block
// (agents for at most 30 days), changing and removing one (supervisors and admins).
import { api } from './client';

export type BlockState = 'active' | 'ended' | 'all';
export const BLOCK_STATES: readonly BlockState[] = ['active', 'ended', 'all'];

/** A block as the API answers it (times as ISO text; `until` null: permanent; `active`: not ended now). */
export interface Block {
  id: string;
  number: string;
  reason: string;
  until: string | null;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** Calls refused so far, the last one at `lastAttemptAt`. */
  attempts: number;
  lastAttemptAt: string | null;
}

export interface BlockList { items: Block[]; total: number; limit: number; offset: number }

const at = (id: string) => `/api/blocked-numbers/${encodeURIComponent(id)}`;

export const blockingApi = {
  /** `q`: digits (and a leading +) the number contains; newest first. */
  list: (q: { q?: string; state?: BlockState; limit: number; offset: number }) => api.get<BlockList>('/api/blocked-numbers', { ...q }),
  /** The active block of `number` (written any way), or null. */
  lookup: (number: string) => api.get<{ block: Block | null }>('/api/blocked-numbers/lookup', { number }).then((r) => r.block),
  add: (body: { number: string; reason: string; until: string | null }) => api.post<Block>('/api/blocked-numbers', body),
  update: (id: string, body: { reason?: string; until?: string | null }) => api.patch<Block>(at(id), body),
  remove: (id: string) => api.del<void>(at(id)),
};
