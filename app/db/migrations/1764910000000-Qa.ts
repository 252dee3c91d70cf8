import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** QA scorecards (versioned) and evaluations of recorded calls. */
export class Qa1764910000000 implements MigrationInterface {
  name = 'Qa1764910000000';

  async up(q: QueryRunner): Promise<void> {
    const dt = { type: 'datetime', precision: 3 } as const;
    await q.createTable(
      new Table({
        name: 'qa_scorecards',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'queue', type: 'varchar', length: '64', isNullable: true },
          { name: 'version', type: 'int' },
          { name: 'definition', type: 'text' },
          { name: 'created_by', type: 'varchar', length: '160' },
          { name: 'created_at', ...dt },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'qa_evaluations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'recording_id', type: 'varchar', length: '36' },
          { name: 'call_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'scorecard_id', type: 'varchar', length: '36' },
          { name: 'scorecard_version', type: 'int' },
          { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'queue', type: 'varchar', length: '64' },
          { name: 'evaluator', type: 'varchar', length: '160' },
          { name: 'answers', type: 'text' },
          { name: 'comments', type: 'text' },
          { name: 'summary', type: 'text' },
          { name: 'score', type: 'decimal', precision: 5, scale: 1 },
          { name: 'critical_failed', type: 'varchar', length: '255', default: "''" },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'dispute_comment', type: 'text', isNullable: true },
          { name: 'resolution_comment', type: 'text', isNullable: true },
          { name: 'resolved_by', type: 'varchar', length: '160', isNullable: true },
          { name: 'created_at', ...dt },
          { name: 'updated_at', ...dt },
        ],
      }),
    );
    for (const [name, col] of [['recording', 'recording_id'], ['agent', 'agent_id'], ['status', 'status'], ['created', 'created_at']] as const) {
      await q.createIndex('qa_evaluations', new TableIndex({ name: `idx_qa_evaluations_${name}`, columnNames: [col] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('qa_evaluations');
    await q.dropTable('qa_scorecards');
  }
}
