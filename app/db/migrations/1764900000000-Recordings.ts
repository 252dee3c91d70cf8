import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Call recordings (one row per recording, its files as JSON) and legal holds. */
export class Recordings1764900000000 implements MigrationInterface {
  name = 'Recordings1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const dt = { type: 'datetime', precision: 3 } as const;
    await q.createTable(
      new Table({
        name: 'recordings',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'call_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'uniqueid', type: 'varchar', length: '128' },
          { name: 'channel', type: 'varchar', length: '128' },
          { name: 'queue', type: 'varchar', length: '64' },
          { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'customer_number', type: 'varchar', length: '64' },
          { name: 'customer_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'answered_at', ...dt },
          { name: 'started_at', ...dt, isNullable: true },
          { name: 'ended_at', ...dt, isNullable: true },
          { name: 'duration_ms', type: 'int', isNullable: true },
          { name: 'legs', type: 'text' },
          { name: 'pauses', type: 'text' },
          { name: 'signals', type: 'text', isNullable: true },
          { name: 'flags', type: 'varchar', length: '255', default: "''" },
          { name: 'claimed_at', ...dt, isNullable: true },
          { name: 'purge_after', ...dt, isNullable: true },
          { name: 'error', type: 'varchar', length: '255', isNullable: true },
        ],
      }),
    );
    for (const [name, col] of [['call', 'call_id'], ['uniqueid', 'uniqueid'], ['queue', 'queue'], ['agent', 'agent_id'], ['customer_number', 'customer_number'], ['status', 'status'], ['answered', 'answered_at'], ['purge_after', 'purge_after']] as const) {
      await q.createIndex('recordings', new TableIndex({ name: `idx_recordings_${name}`, columnNames: [col] }));
    }
    await q.createTable(
      new Table({
        name: 'recording_holds',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'target', type: 'varchar', length: '64' },
          { name: 'reason', type: 'varchar', length: '255' },
          { name: 'created_by', type: 'varchar', length: '160' },
          { name: 'created_at', ...dt },
        ],
      }),
    );
    await q.createIndex('recording_holds', new TableIndex({ name: 'idx_recording_holds_target', columnNames: ['target'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('recording_holds');
    await q.dropTable('recordings');
  }
}
