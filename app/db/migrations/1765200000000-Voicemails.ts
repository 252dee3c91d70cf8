import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The voicemail inbox (app/voicemail): one row per message, settled by the active node. */
export class Voicemails1765200000000 implements MigrationInterface {
  name = 'Voicemails1765200000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await q.createTable(new Table({
      name: 'voicemails',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('call_id', 36),
        str('mailbox', 64),
        { ...str('caller_number', 32), default: "''" },
        { ...str('called_number', 32), default: "''" },
        str('customer_id', 36, true),
        str('recording', 128),
        { name: 'max_seconds', type: 'int' },
        str('status', 16),
        { name: 'seconds', type: 'int', isNullable: true },
        ts('finished_at', true),
        ts('settled_at', true),
        ts('heard_at', true),
        str('heard_by', 128, true),
        ts('done_at', true),
        str('done_by', 128, true),
        { name: 'note', type: 'text', isNullable: true },
        ts('created_at'),
        ts('updated_at'),
      ],
      indices: [
        new TableIndex({ name: 'uq_voicemails_call', columnNames: ['call_id'], isUnique: true }),
        new TableIndex({ name: 'idx_voicemails_status', columnNames: ['status', 'created_at'] }),
        new TableIndex({ name: 'idx_voicemails_mailbox', columnNames: ['mailbox', 'created_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('voicemails');
  }
}
