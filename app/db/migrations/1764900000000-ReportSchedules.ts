import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Scheduled report delivery by e-mail (runs are scheduler jobs). */
export class ReportSchedules1764900000000 implements MigrationInterface {
  name = 'ReportSchedules1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_schedules',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'name', type: 'varchar', length: '100' },
        { name: 'frequency', type: 'varchar', length: '8' },
        { name: 'time_of_day', type: 'varchar', length: '5' },
        { name: 'weekday', type: 'int', isNullable: true },
        { name: 'tz', type: 'varchar', length: '64' },
        { name: 'reports', type: 'text' },
        { name: 'queues', type: 'text', isNullable: true },
        { name: 'locale', type: 'varchar', length: '8' },
        { name: 'recipients', type: 'text' },
        { name: 'enabled', type: 'boolean', default: true },
        { name: 'created_by', type: 'varchar', length: '128' },
        { name: 'created_at', type: 'datetime', precision: 3 },
        { name: 'updated_at', type: 'datetime', precision: 3 },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_schedules');
  }
}
