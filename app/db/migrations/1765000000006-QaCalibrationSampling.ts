import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * QA calibration sessions (several evaluators score one recording; their evaluations carry the
 * session and are not official unless picked) and sampling rules that create QA tasks.
 */
export class QaCalibrationSampling1765000000006 implements MigrationInterface {
  name = 'QaCalibrationSampling1765000000006';

  async up(q: QueryRunner): Promise<void> {
    const dt = { type: 'datetime', precision: 3 } as const;
    await q.createTable(
      new Table({
        name: 'qa_calibrations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'recording_id', type: 'varchar', length: '36' },
          { name: 'scorecard_id', type: 'varchar', length: '36' },
          { name: 'evaluators', type: 'text' },
          { name: 'threshold', type: 'decimal', precision: 5, scale: 1 },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'official_evaluation_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '160' },
          { name: 'created_at', ...dt },
          { name: 'closed_at', ...dt, isNullable: true },
        ],
      }),
    );
    await q.createIndex('qa_calibrations', new TableIndex({ name: 'idx_qa_calibrations_created', columnNames: ['created_at'] }));
    await q.addColumn('qa_evaluations', new TableColumn({ name: 'calibration_id', type: 'varchar', length: '36', isNullable: true }));
    await q.addColumn('qa_evaluations', new TableColumn({ name: 'official', type: 'boolean', default: true }));
    // One evaluation per evaluator and session (NULL sessions: ordinary evaluations, not constrained).
    await q.createIndex('qa_evaluations', new TableIndex({ name: 'uq_qa_evaluations_calibration_evaluator', columnNames: ['calibration_id', 'evaluator'], isUnique: true }));
    await q.createTable(
      new Table({
        name: 'qa_sampling_rules',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'queue', type: 'varchar', length: '64' },
          { name: 'percent', type: 'int' },
          { name: 'evaluators', type: 'text' },
          { name: 'scorecard_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'due_days', type: 'int' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'assigned', type: 'int', default: 0 },
          { name: 'created_by', type: 'varchar', length: '160' },
          { name: 'created_at', ...dt },
          { name: 'updated_at', ...dt },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'qa_tasks',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'rule_id', type: 'varchar', length: '36' },
          { name: 'recording_id', type: 'varchar', length: '36' },
          { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'queue', type: 'varchar', length: '64' },
          { name: 'week', type: 'varchar', length: '8' },
          { name: 'reason', type: 'varchar', length: '16' },
          { name: 'scorecard_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'assignee', type: 'varchar', length: '160' },
          { name: 'due_at', ...dt },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'evaluation_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', ...dt },
          { name: 'done_at', ...dt, isNullable: true },
        ],
      }),
    );
    await q.createIndex('qa_tasks', new TableIndex({ name: 'uq_qa_tasks_recording_rule', columnNames: ['recording_id', 'rule_id'], isUnique: true }));
    await q.createIndex('qa_tasks', new TableIndex({ name: 'idx_qa_tasks_assignee_status', columnNames: ['assignee', 'status'] }));
    await q.createIndex('qa_tasks', new TableIndex({ name: 'idx_qa_tasks_rule_week', columnNames: ['rule_id', 'week', 'agent_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('qa_tasks');
    await q.dropTable('qa_sampling_rules');
    await q.dropIndex('qa_evaluations', 'uq_qa_evaluations_calibration_evaluator');
    await q.dropColumn('qa_evaluations', 'official');
    await q.dropColumn('qa_evaluations', 'calibration_id');
    await q.dropTable('qa_calibrations');
  }
}
