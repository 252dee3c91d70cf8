import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A queue caller's place in the queue when they joined (QueueCallerJoin Position) and when they
 * hung up waiting (QueueCallerAbandon Position): on the ACD's queue calls and the reports' facts
 * (the abandoned-call list). Older rows keep null (not known); a reports rebuild copies what the
 * queue calls have.
 */
export class QueuePositions1765000000003 implements MigrationInterface {
  name = 'QueuePositions1765000000003';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['acd_queue_calls', 'report_call_facts']) {
      await q.addColumns(table, [
        new TableColumn({ name: 'join_position', type: 'int', isNullable: true, default: null }),
        new TableColumn({ name: 'abandon_position', type: 'int', isNullable: true, default: null }),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['report_call_facts', 'acd_queue_calls']) {
      await q.dropColumn(table, 'abandon_position');
      await q.dropColumn(table, 'join_position');
    }
  }
}
