import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The orphan sweep asks every minute for open call records by age: an index on (ended_at, started_at) keeps that off the whole history. */
export class CallRecordsOpen1764850000000 implements MigrationInterface {
  name = 'CallRecordsOpen1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('call_records', new TableIndex({ name: 'idx_call_records_open', columnNames: ['ended_at', 'started_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('call_records', 'idx_call_records_open');
  }
}
