import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Acd1764400000000 implements MigrationInterface {
  name = 'Acd1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(new Table({
      name: 'acd_queues',
      columns: [{ name: 'name', type: 'varchar', length: '64', isPrimary: true }, { name: 'settings', type: 'text' }, ts('created_at'), ts('updated_at')],
    }));
    await q.createTable(new Table({
      name: 'acd_agents',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'name', type: 'varchar', length: '128' },
        { name: 'endpoint', type: 'varchar', length: '40' },
        { name: 'contact', type: 'varchar', length: '255', default: "''" },
        { name: 'sip_password', type: 'varchar', length: '128', default: "''" },
        { name: 'skills', type: 'text' },
        { name: 'team', type: 'varchar', length: '64', default: "''" },
        { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'state', type: 'varchar', length: '16' },
        ts('state_since'),
        { name: 'state_reason', type: 'varchar', length: '64', default: "''" },
        ts('wrapup_until', true),
        ts('created_at'),
        ts('updated_at'),
      ],
      indices: [new TableIndex({ name: 'uq_acd_agents_endpoint', columnNames: ['endpoint'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'acd_agent_events',
      columns: [
        { name: 'id', type: sqlite ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'agent_id', type: 'varchar', length: '36' },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'reason', type: 'varchar', length: '64', default: "''" },
        { name: 'source', type: 'varchar', length: '16' },
        ts('at'),
      ],
      indices: [new TableIndex({ name: 'idx_acd_agent_events_agent_at', columnNames: ['agent_id', 'at'] })],
    }));
    await q.createTable(new Table({
      name: 'acd_queue_calls',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'queue', type: 'varchar', length: '64' },
        { name: 'uniqueid', type: 'varchar', length: '64' },
        { name: 'caller_number', type: 'varchar', length: '64', default: "''" },
        ts('joined_at'),
        ts('answered_at', true),
        ts('left_at', true),
        ts('ended_at', true),
        { name: 'outcome', type: 'varchar', length: '16' },
        { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'agent_interface', type: 'varchar', length: '80', default: "''" },
        { name: 'hold_seconds', type: 'int', isNullable: true },
        { name: 'talk_seconds', type: 'int', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'idx_acd_queue_calls_queue_joined', columnNames: ['queue', 'joined_at'] }),
        new TableIndex({ name: 'uq_acd_queue_calls_uniqueid_queue', columnNames: ['uniqueid', 'queue'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'acd_routing',
      columns: [{ name: 'kind', type: 'varchar', length: '16', isPrimary: true }, { name: 'body', type: 'text' }, ts('updated_at')],
    }));
    await q.createTable(new Table({
      name: 'acd_sync',
      columns: [{ name: 'key', type: 'varchar', length: '32', isPrimary: true }, { name: 'value', type: 'varchar', length: '255' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['acd_sync', 'acd_routing', 'acd_queue_calls', 'acd_agent_events', 'acd_agents', 'acd_queues']) await q.dropTable(t);
  }
}
