import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Callbacks1764550000000 implements MigrationInterface {
  name = 'Callbacks1764550000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(new Table({
      name: 'acd_callbacks',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'queue', type: 'varchar', length: '64' },
        { name: 'number', type: 'varchar', length: '32' },
        { name: 'name', type: 'varchar', length: '128', default: "''" },
        { name: 'priority', type: 'int' },
        { name: 'position', type: 'int', isNullable: true },
        { name: 'request_uniqueid', type: 'varchar', length: '64' },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'seq', type: 'int', default: 1 },
        { name: 'placed_seq', type: 'int', default: 0 },
        { name: 'attempts', type: 'int', default: 0 },
        { name: 'max_attempts', type: 'int' },
        { name: 'last_result', type: 'varchar', length: '32', default: "''" },
        { name: 'agent_interface', type: 'varchar', length: '80', default: "''" },
        { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'talk_seconds', type: 'int', isNullable: true },
        ts('requested_at'),
        ts('next_at', true),
        ts('expires_at'),
        ts('updated_at'),
        ts('ended_at', true),
      ],
      indices: [
        new TableIndex({ name: 'idx_acd_callbacks_status', columnNames: ['status'] }),
        new TableIndex({ name: 'idx_acd_callbacks_queue_requested', columnNames: ['queue', 'requested_at'] }),
        new TableIndex({ name: 'uq_acd_callbacks_request', columnNames: ['request_uniqueid'], isUnique: true }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('acd_callbacks');
  }
}
