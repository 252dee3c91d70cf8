import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Blocked numbers (app/blocking): callers Asterisk refuses before the IVR. */
export class BlockedNumbers1765300000000 implements MigrationInterface {
  name = 'BlockedNumbers1765300000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number) => ({ name, type: 'varchar', length: String(length) });
    await q.createTable(new Table({
      name: 'blocked_numbers',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('number', 32),
        str('reason', 200),
        ts('until_at', true),
        { name: 'attempts', type: 'int', default: 0 },
        ts('last_attempt_at', true),
        str('created_by', 160),
        ts('created_at'),
        str('updated_by', 160),
        ts('updated_at'),
      ],
      indices: [
        new TableIndex({ name: 'uq_blocked_numbers_number', columnNames: ['number'], isUnique: true }),
        new TableIndex({ name: 'idx_blocked_numbers_created', columnNames: ['created_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('blocked_numbers');
  }
}
