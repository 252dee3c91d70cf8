import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Fax1764900000000 implements MigrationInterface {
  name = 'Fax1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, def?: string) => ({ name, type: 'varchar', length: String(length), ...(def === undefined ? {} : { default: `'${def}'` }) });
    await q.createTable(new Table({
      name: 'faxes',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('direction', 8),
        str('status', 16),
        { ...str('call_id', 36), isNullable: true },
        str('remote_number', 32),
        str('local_number', 32, ''),
        str('queue', 64, ''),
        { ...str('customer_id', 36), isNullable: true },
        str('remote_station_id', 64, ''),
        { name: 'rate', type: 'int', default: 0 },
        { name: 'pages', type: 'int', default: 0 },
        { name: 'duration_seconds', type: 'int', isNullable: true },
        str('pbx_status', 32, ''),
        str('error', 255, ''),
        str('subject', 255, ''),
        str('created_by', 128, ''),
        { name: 'attempts', type: 'int', default: 0 },
        { name: 'max_attempts', type: 'int', default: 1 },
        ts('next_attempt_at', true),
        str('claimed_by', 64, ''),
        ts('claimed_at', true),
        ts('created_at'),
        ts('updated_at'),
        ts('finished_at', true),
      ],
      indices: [
        new TableIndex({ name: 'idx_faxes_status', columnNames: ['status'] }),
        new TableIndex({ name: 'idx_faxes_inbox', columnNames: ['direction', 'queue', 'created_at'] }),
        new TableIndex({ name: 'uq_faxes_call', columnNames: ['call_id'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'fax_documents',
      columns: [{ ...str('fax_id', 36), isPrimary: true }, { name: 'pdf', type: sqlite ? 'blob' : 'longblob' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('fax_documents');
    await q.dropTable('faxes');
  }
}
