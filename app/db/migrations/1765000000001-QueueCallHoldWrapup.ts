import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** A queue call's time on hold (after the answer) and the agent's wrap-up after it: AHT = talk + hold + wrap-up. */
export class QueueCallHoldWrapup1765000000001 implements MigrationInterface {
  name = 'QueueCallHoldWrapup1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('acd_queue_calls', [
      new TableColumn({ name: 'on_hold_seconds', type: 'int', default: 0 }),
      new TableColumn({ name: 'hold_started_at', type: 'datetime', precision: 3, isNullable: true }),
      new TableColumn({ name: 'wrapup_seconds', type: 'int', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('acd_queue_calls', 'wrapup_seconds');
    await q.dropColumn('acd_queue_calls', 'hold_started_at');
    await q.dropColumn('acd_queue_calls', 'on_hold_seconds');
  }
}
