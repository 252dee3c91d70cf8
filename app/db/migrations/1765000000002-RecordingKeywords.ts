import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Keyword lists for recordings (pocketsphinx keyword spotting) and the hits on each recording. */
export class RecordingKeywords1765000000002 implements MigrationInterface {
  name = 'RecordingKeywords1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'recording_keywords',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'phrase', type: 'varchar', length: '100' },
          { name: 'queue', type: 'varchar', length: '64', isNullable: true },
          { name: 'leg', type: 'varchar', length: '8' },
          { name: 'threshold', type: 'varchar', length: '16' },
          { name: 'created_by', type: 'varchar', length: '160' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await q.createIndex('recording_keywords', new TableIndex({ name: 'idx_recording_keywords_queue', columnNames: ['queue'] }));
    // The hits (JSON KeywordHit[]); null: not searched (recorded before keywords, or the recogniser failed).
    await q.addColumn('recordings', new TableColumn({ name: 'keywords', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('recordings', 'keywords');
    await q.dropTable('recording_keywords');
  }
}
