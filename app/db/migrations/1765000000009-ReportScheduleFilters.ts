import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Scheduled report e-mails take the reports' filters: weekdays, times of day (local to the
 * schedule's timezone) and skill groups. Existing schedules keep null: no filter, as before.
 */
export class ReportScheduleFilters1765000000009 implements MigrationInterface {
  name = 'ReportScheduleFilters1765000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('report_schedules', [
      new TableColumn({ name: 'weekdays', type: 'varchar', length: '32', isNullable: true, default: null }),
      new TableColumn({ name: 'day_start', type: 'varchar', length: '5', isNullable: true, default: null }),
      new TableColumn({ name: 'day_end', type: 'varchar', length: '5', isNullable: true, default: null }),
      new TableColumn({ name: 'skill_groups', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['skill_groups', 'day_end', 'day_start', 'weekdays']) await q.dropColumn('report_schedules', c);
  }
}
