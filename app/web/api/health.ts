// This node's health (GET /health, docs/operations.md): the admin console's System tab.
import { api } from './client';

export interface LinkView { up: boolean; since: string; detail?: string; disabled?: boolean }
export interface Health {
  status: 'ok' | 'degraded' | 'down'; node: string; version: string; role: 'active' | 'standby'; roleSince: string; callsInProgress: number;
  db: LinkView; ari: LinkView; ami: LinkView; sipFront?: LinkView; attach?: LinkView & { name: string };
}

export const healthApi = {
  get: () => api.get<Health>('/health'),
};
