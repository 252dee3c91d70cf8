import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Satisfaction surveys and their responses (app/survey). */
export class Surveys1765400000000 implements MigrationInterface {
  name = 'Surveys1765400000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await q.createTable(new Table({
      name: 'surveys',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('name', 64),
        { name: 'definition', type: 'text' },
        str('created_by', 160),
        ts('created_at'),
        str('updated_by', 160),
        ts('updated_at'),
      ],
      indices: [new TableIndex({ name: 'uq_surveys_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'survey_responses',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('call_id', 36),
        str('channel_id', 128),
        str('survey', 64),
        { ...str('queue', 64), default: "''" },
        str('agent_id', 36, true),
        str('agent_name', 128, true),
        { ...str('caller_number', 64), default: "''" },
        str('status', 16),
        str('answer_key', 1, true),
        str('label', 32, true),
        { name: 'score', type: 'int', isNullable: true },
        { name: 'satisfied', type: 'boolean', isNullable: true },
        { name: 'asked', type: 'int', default: 0 },
        ts('started_at'),
        ts('ended_at', true),
      ],
      indices: [
        new TableIndex({ name: 'uq_survey_responses_call', columnNames: ['call_id'], isUnique: true }),
        new TableIndex({ name: 'idx_survey_responses_channel', columnNames: ['channel_id'] }),
        new TableIndex({ name: 'idx_survey_responses_started', columnNames: ['started_at'] }),
        new TableIndex({ name: 'idx_survey_responses_agent', columnNames: ['agent_id', 'started_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('survey_responses');
    await q.dropTable('surveys');
  }
}
