// Follow-up reminders reach the agent: every second (node-cron, on the active node only) the
// CRM's due reminders are claimed one by one (open -> notified, a conditional update: one node,
// one claim) and each claimed one is pushed on the live feed as `reminder.due` to the user it
// is for. Claim-then-push: a node that dies between the two loses that one push (the reminder
// stays listed as notified in GET /api/reminders), it never pushes twice.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { LiveHub } from './acd.live.js';

export interface DueReminders {
  due(now: Date, limit?: number): Promise<Array<{ id: string; agentId: string; customerId: string; customerName: string; text: string; dueAt: Date }>>;
  markNotified(id: string, at?: Date): Promise<boolean>;
}

export function startReminderNotices(hub: LiveHub, reminders: DueReminders, isActive: () => boolean, log: Logger, nodeName: string): { stop(): Promise<void> } {
  const tick = async () => {
    if (!isActive()) return;
    try {
      for (const r of await reminders.due(new Date())) {
        if (!(await reminders.markNotified(r.id))) continue;
        hub.publish({ type: 'reminder.due', userId: r.agentId, reminderId: r.id, customerId: r.customerId, customerName: r.customerName, text: r.text, dueAt: r.dueAt.toISOString() });
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'reminder notices: pass failed; next tick tries again');
    }
  };
  const task: ScheduledTask = cron.createTask('* * * * * *', tick, {
    name: `reminders:${nodeName}`,
    noOverlap: true,
    logger: { info: () => {}, debug: () => {}, warn: (m) => log.debug({ cron: m }, 'node-cron'), error: (m) => log.warn({ cron: String(m) }, 'node-cron') },
  });
  void task.start();
  return { stop: async () => void (await task.destroy()) };
}
