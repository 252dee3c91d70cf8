import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class LiveEvents1764600000000 implements MigrationInterface {
  name = 'LiveEvents1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    await q.createTable(new Table({
      name: 'live_events',
      columns: [
        { name: 'id', type: sqlite ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'at', type: 'datetime', precision: 3 },
        { name: 'payload', type: sqlite ? 'text' : 'mediumtext' },
      ],
      indices: [new TableIndex({ name: 'idx_live_events_at', columnNames: ['at'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('live_events');
  }
}
