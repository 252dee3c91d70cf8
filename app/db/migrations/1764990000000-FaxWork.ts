import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The console's work on a fax: who it is assigned to, and the ticket it belongs to. */
export class FaxWork1764990000000 implements MigrationInterface {
  name = 'FaxWork1764990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('faxes', [
      new TableColumn({ name: 'assigned_to', type: 'varchar', length: '128', default: "''" }),
      new TableColumn({ name: 'ticket_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('faxes', 'ticket_id');
    await q.dropColumn('faxes', 'assigned_to');
  }
}
