import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outgoing webhooks (app/webhooks): the endpoints admins register and the deliveries to them,
 * retried from the database so that whichever node is active sends what is due.
 */
export class Webhooks1765100000000 implements MigrationInterface {
  name = 'Webhooks1765100000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(new Table({
      name: 'webhook_endpoints',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'name', type: 'varchar', length: '64' },
        { name: 'url', type: 'varchar', length: '2000' },
        { name: 'events', type: 'text' },
        { name: 'secret', type: 'varchar', length: '128' },
        { name: 'enabled', type: 'boolean', default: true },
        ts('created_at'),
        ts('updated_at'),
      ],
    }));
    await q.createTable(new Table({
      name: 'webhook_deliveries',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'endpoint_id', type: 'varchar', length: '36' },
        { name: 'event', type: 'varchar', length: '32' },
        { name: 'payload', type: sqlite ? 'text' : 'mediumtext' },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'attempts', type: 'int', default: 0 },
        ts('next_attempt_at'),
        ts('claimed_until', true),
        { name: 'last_status_code', type: 'int', isNullable: true },
        { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
        { name: 'response_ms', type: 'int', isNullable: true },
        ts('created_at'),
        ts('delivered_at', true),
      ],
      indices: [
        new TableIndex({ name: 'idx_webhook_deliveries_endpoint', columnNames: ['endpoint_id', 'created_at'] }),
        new TableIndex({ name: 'idx_webhook_deliveries_status_next', columnNames: ['status', 'next_attempt_at'] }),
        new TableIndex({ name: 'idx_webhook_deliveries_created', columnNames: ['created_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_deliveries');
    await q.dropTable('webhook_endpoints');
  }
}
