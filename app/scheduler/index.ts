// Wires the scheduler: a SchedulerService plus one named node-cron task (every second,
// noOverlap) that runs due jobs while this node is active.
import cron, { type ScheduledTask } from 'node-cron';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import { errorText, type RetryPolicy } from './scheduler.policy.js';
import { SchedulerService } from './scheduler.service.js';

export interface SchedulerDeps {
  db: DataSource;
  nodeName: string;
  /** HA: `() => elector.role === 'active'`; a standby never runs jobs. */
  isActive: () => boolean;
  log: Logger;
  leaseMs?: number;
  retry?: Partial<RetryPolicy>;
  /** node-cron expression (with seconds); default every second. */
  every?: string;
}

export function createScheduler(deps: SchedulerDeps) {
  const log = deps.log.child({ module: 'scheduler' });
  const service = new SchedulerService(deps.db, { nodeName: deps.nodeName, isActive: deps.isActive, leaseMs: deps.leaseMs, retry: deps.retry, log });
  let task: ScheduledTask | undefined;
  let pass: Promise<unknown> = Promise.resolve();
  const tick = () => {
    pass = service.runDue().catch((err: Error) => log.warn({ err: errorText(err) }, 'scheduler pass failed; next tick tries again'));
    return pass;
  };
  return {
    service,
    /** Starts the ticking; call once the handlers are registered. */
    start() {
      task ??= cron.createTask(deps.every ?? '* * * * * *', tick, {
        name: `scheduler:${deps.nodeName}`,
        noOverlap: true,
        logger: { info: () => {}, debug: () => {}, warn: (m) => log.debug({ cron: m }, 'node-cron'), error: (m) => log.warn({ cron: String(m) }, 'node-cron') },
      });
      void task.start();
    },
    /** Stops ticking and waits for a pass in progress. */
    async stop() {
      service.stop();
      if (task) await task.destroy();
      await pass;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
export { SchedulerService, type JobHandler, type JobView, type JobStatusView, type JobKindOptions } from './scheduler.service.js';
