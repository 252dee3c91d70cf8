import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

// Customer import (issue 12.3): rows merged into an earlier row of the file (the same customer
// twice) are counted and listed on the import job.
export class IoMerged1764710000000 implements MigrationInterface {
  name = 'IoMerged1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('io_import_jobs', [
      new TableColumn({ name: 'merged_count', type: 'int', default: 0 }),
      new TableColumn({ name: 'merged', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('io_import_jobs', 'merged');
    await q.dropColumn('io_import_jobs', 'merged_count');
  }
}
