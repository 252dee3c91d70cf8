// A scheduler in its own process, for the exactly-once tests: its own DataSource on the test
// database, node name from SCHED_NODE, one job kind `test.effect` whose handler writes a row
// to sched_effects in the job's transaction. SCHED_MODE=hang writes the row, says so on
// stdout and never finishes (the test kills it with SIGKILL mid-run).
import 'reflect-metadata';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { createScheduler } from '../../app/scheduler/index.js';

const node = process.env.SCHED_NODE ?? 'worker';
const mode = process.env.SCHED_MODE ?? 'effect';
const ds = createDataSource(JSON.parse(process.env.SCHED_DB!));
await ds.initialize();
const log = createLogger({ level: 'warn', secrets: [] });
const scheduler = createScheduler({ db: ds, nodeName: node, isActive: () => true, log, leaseMs: Number(process.env.SCHED_LEASE_MS ?? 60_000) });
scheduler.service.register<{ n: number }>('test.effect', async (job, m) => {
  await m.query('INSERT INTO sched_effects (job_key, node) VALUES (?, ?)', [job.key, node]);
  if (mode === 'hang') {
    process.stdout.write(`RUNNING ${job.key}\n`);
    await new Promise(() => {});
  }
});
scheduler.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => {
  void scheduler.stop().then(() => ds.destroy()).then(() => process.exit(0));
});
