// npm run reports:rebuild — drops the reports' facts and rollups (15-minute and day rows) and writes them
// again from the ACD's queue calls (after a definition changed, or to repair them). Safe to run
// while Hotline runs: it replaces everything in one transaction; calls that finish meanwhile
// are written again by the running service.
import dataSource from '../ormconfig.js';
import { AcdConfig } from '../app/acd/acd.config.js';
import { createLogger } from '../app/logger.js';
import { rollupSource } from '../app/reports/index.js';
import { RollupWriter } from '../app/reports/rollup.writer.js';

await dataSource.initialize();
try {
  const pending = await dataSource.showMigrations();
  if (pending) throw new Error('the database has pending migrations: run npm run migration:run first');
  const started = Date.now();
  const writer = new RollupWriter(dataSource, rollupSource(dataSource, { config: new AcdConfig(dataSource) }), createLogger({ level: 'info', secrets: [] }));
  const done = await writer.rebuild();
  console.log(`reports rebuilt: ${done.facts} call facts, ${done.buckets} buckets, ${done.rows} rollup rows in ${Date.now() - started} ms`);
} finally {
  await dataSource.destroy();
}
