// npm run migration:run | migration:revert | migration:show
import dataSource from '../ormconfig.js';

const command = process.argv[2];
await dataSource.initialize();
try {
  if (command === 'run') {
    const done = await dataSource.runMigrations({ transaction: 'each' });
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
