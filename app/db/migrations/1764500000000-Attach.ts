import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Attaching to an existing PBX: call records and queue calls say which PBX they came from
// (`source`, 'hotline' for Hotline's own Asterisk), call records carry the queue, the agent
// who answered and Asterisk's hold / talk seconds; members of the attached PBX's queues get
// their own table. One migration for MariaDB, MySQL and SQLite (Table API).
export class Attach1764500000000 implements MigrationInterface {
  name = 'Attach1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string) => ({ name, type: 'datetime', precision: 3 });
    await q.addColumns('call_records', [
      new TableColumn({ name: 'source', type: 'varchar', length: '32', default: "'hotline'" }),
      new TableColumn({ name: 'queue', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'agent_interface', type: 'varchar', length: '80', isNullable: true }),
      new TableColumn({ name: 'agent_name', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'hold_seconds', type: 'int', isNullable: true }),
      new TableColumn({ name: 'talk_seconds', type: 'int', isNullable: true }),
    ]);
    await q.addColumn('acd_queue_calls', new TableColumn({ name: 'source', type: 'varchar', length: '32', default: "'hotline'" }));
    await q.dropIndex('acd_queue_calls', 'uq_acd_queue_calls_uniqueid_queue');
    await q.createIndex('acd_queue_calls', new TableIndex({ name: 'uq_acd_queue_calls_source_uniqueid_queue', columnNames: ['source', 'uniqueid', 'queue'], isUnique: true }));
    await q.createTable(new Table({
      name: 'attach_agents',
      columns: [
        { name: 'source', type: 'varchar', length: '32', isPrimary: true },
        { name: 'interface', type: 'varchar', length: '80', isPrimary: true },
        { name: 'name', type: 'varchar', length: '128', default: "''" },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'state_reason', type: 'varchar', length: '64', default: "''" },
        ts('state_since'),
        { name: 'queues', type: 'text' },
        ts('updated_at'),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('attach_agents');
    await q.dropIndex('acd_queue_calls', 'uq_acd_queue_calls_source_uniqueid_queue');
    await q.createIndex('acd_queue_calls', new TableIndex({ name: 'uq_acd_queue_calls_uniqueid_queue', columnNames: ['uniqueid', 'queue'], isUnique: true }));
    await q.dropColumn('acd_queue_calls', 'source');
    for (const c of ['talk_seconds', 'hold_seconds', 'agent_name', 'agent_interface', 'queue', 'source']) await q.dropColumn('call_records', c);
  }
}
