// npm run migration:run | migration:revert | migration:show
import dataSource from '../ormconfig.js';
import { migrate } from '../app/db/migrate.js';
import { createLogger } from '../app/logger.js';

const command = process.argv[2];
await dataSource.initialize();
try {
  if (command === 'run') {
    // As at start: one node at a time, and a migration cut off part-way applied again (app/db/migrate.ts).
    const done = await migrate(dataSource, createLogger({ level: 'info', secrets: [] }));
    console.log(done.length ? `applied: ${done.map((m) => m.name).join(', ')}` : 'no pending migrations');
  } else if (command === 'revert') {
    await dataSource.undoLastMigration({ transaction: 'each' });
    console.log('reverted the last migration');
  } else if (command === 'show') {
    const pending = await dataSource.showMigrations();
    console.log(pending ? 'there are pending migrations' : 'all migrations applied');
  } else {
    console.error('usage: tsx scripts/migrate.ts run|revert|show');
    process.exitCode = 2;
  }
} finally {
  await dataSource.destroy();
}
