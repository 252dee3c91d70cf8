import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outbound calls agents place (app/acd/outbound-calls.ts): one row per agent channel that
 * dialled an outside number, from the dialplan's UserEvents. The reports roll them up
 * (dimension 'outbound'); `npm run reports:rebuild` writes those rows again from this table.
 */
export class OutboundCalls1765000000005 implements MigrationInterface {
  name = 'OutboundCalls1765000000005';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(new Table({
      name: 'acd_outbound_calls',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'source', type: 'varchar', length: '32', default: "'hotline'" },
        { name: 'uniqueid', type: 'varchar', length: '64' },
        { name: 'kind', type: 'varchar', length: '16' },
        { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'number', type: 'varchar', length: '64' },
        ts('placed_at'),
        ts('answered_at', true),
        ts('ended_at', true),
        { name: 'talk_seconds', type: 'int', isNullable: true },
        { name: 'dial_status', type: 'varchar', length: '16', default: "''" },
      ],
      indices: [
        new TableIndex({ name: 'uq_acd_outbound_calls_source_uniqueid', columnNames: ['source', 'uniqueid'], isUnique: true }),
        new TableIndex({ name: 'idx_acd_outbound_calls_placed', columnNames: ['placed_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('acd_outbound_calls');
  }
}
