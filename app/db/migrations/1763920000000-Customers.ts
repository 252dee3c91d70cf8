import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Customers1763920000000 implements MigrationInterface {
  name = 'Customers1763920000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string) => ({ name, type: 'datetime', precision: 3 });
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'company', type: 'varchar', length: '128', default: "''" },
          { name: 'vip_level', type: 'int', default: 0 },
          ts('created_at'),
          ts('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'customer_phones',
        columns: [
          { name: 'phone', type: 'varchar', length: '24', isPrimary: true },
          { name: 'customer_id', type: 'varchar', length: '36' },
        ],
        indices: [new TableIndex({ name: 'idx_customer_phones_customer', columnNames: ['customer_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('customer_phones');
    await q.dropTable('customers');
  }
}
