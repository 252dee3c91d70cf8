// SLA math: deadlines per priority, the reminder point before each deadline, job keys.
import type { Priority } from './tickets.entities.js';

export interface SlaTargets {
  firstResponseSeconds: number;
  resolutionSeconds: number;
}

/** Defaults until an admin sets a policy (PUT /api/ticket-sla/:priority). */
export const DEFAULT_SLA: Record<Priority, SlaTargets> = {
  urgent: { firstResponseSeconds: 15 * 60, resolutionSeconds: 4 * 3600 },
  high: { firstResponseSeconds: 3600, resolutionSeconds: 8 * 3600 },
  normal: { firstResponseSeconds: 4 * 3600, resolutionSeconds: 24 * 3600 },
  low: { firstResponseSeconds: 8 * 3600, resolutionSeconds: 72 * 3600 },
};

/** The reminder goes out when this share of the time to a deadline has passed. */
export const REMIND_AT = 0.8;

export type SlaTarget = 'first_response' | 'resolution';
export const REMIND_KIND = 'ticket.sla.remind';
export const ESCALATE_KIND = 'ticket.sla.escalate';

export const jobKey = (ticketId: string, target: SlaTarget) => `${ticketId}:${target}`;

export function deadline(from: Date, seconds: number): Date {
  return new Date(from.getTime() + seconds * 1000);
}

/** When to remind about a deadline counted from `from`. */
export function reminderAt(from: Date, due: Date, share = REMIND_AT): Date {
  return new Date(from.getTime() + Math.floor((due.getTime() - from.getTime()) * share));
}

/** The next open deadline, for sorting and filtering (first response until met, then resolution). */
export function nextDue(t: { firstRespondedAt: Date | null; firstResponseDueAt: Date | null; resolutionDueAt: Date | null; resolvedAt: Date | null; closedAt: Date | null }): Date | null {
  if (t.resolvedAt || t.closedAt) return null;
  if (!t.firstRespondedAt && t.firstResponseDueAt) return t.firstResponseDueAt;
  return t.resolutionDueAt;
}
