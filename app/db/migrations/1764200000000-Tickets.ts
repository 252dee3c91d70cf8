import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Tickets (issue 5). Table API, so one migration serves MariaDB, MySQL and SQLite; attachment
// bytes are a LONGBLOB on MariaDB/MySQL (a BLOB there stops at 64 KB).
export class Tickets1764200000000 implements MigrationInterface {
  name = 'Tickets1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'tickets',
        columns: [
          { ...str('id', 36), isPrimary: true },
          { name: 'seq', type: 'int' },
          str('number', 16),
          str('title', 200),
          { name: 'description', type: 'text' },
          str('type', 16),
          str('priority', 8),
          { name: 'priority_rank', type: 'int' },
          str('category', 64, true),
          str('customer_id', 36),
          str('call_id', 36, true),
          str('assignee_id', 36, true),
          str('team', 64, true),
          str('status', 24),
          { name: 'escalation_level', type: 'int', default: 0 },
          ts('escalated_at', true),
          ts('first_response_due_at', true),
          ts('first_responded_at', true),
          ts('resolution_due_at', true),
          ts('due_at', true),
          ts('sla_started_at'),
          ts('resolved_at', true),
          ts('closed_at', true),
          str('merged_into_id', 36, true),
          str('created_by', 160),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_tickets_seq', columnNames: ['seq'], isUnique: true }),
          new TableIndex({ name: 'uq_tickets_number', columnNames: ['number'], isUnique: true }),
          new TableIndex({ name: 'idx_tickets_customer', columnNames: ['customer_id', 'updated_at'] }),
          new TableIndex({ name: 'idx_tickets_status', columnNames: ['status', 'updated_at'] }),
          new TableIndex({ name: 'idx_tickets_assignee', columnNames: ['assignee_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_comments',
        columns: [{ ...str('id', 36), isPrimary: true }, str('ticket_id', 36), str('author', 160), str('visibility', 8), { name: 'body', type: 'text' }, ts('created_at')],
        indices: [new TableIndex({ name: 'idx_ticket_comments_ticket', columnNames: ['ticket_id', 'created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_attachments',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('ticket_id', 36),
          str('file_name', 255),
          str('content_type', 100),
          { name: 'size_bytes', type: 'int' },
          str('sha256', 64),
          str('uploaded_by', 160),
          ts('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_ticket_attachments_ticket', columnNames: ['ticket_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_attachment_data',
        columns: [{ ...str('attachment_id', 36), isPrimary: true }, { name: 'content', type: sqlite ? 'blob' : 'longblob' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ticket_history',
        columns: [
          { name: 'id', type: sqlite ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          str('ticket_id', 36),
          str('actor', 160),
          ts('at'),
          str('field', 64),
          { name: 'old_value', type: 'text', isNullable: true },
          { name: 'new_value', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_ticket_history_ticket', columnNames: ['ticket_id', 'id'] })],
      }),
    );
    await q.createTable(new Table({ name: 'ticket_counters', columns: [{ ...str('name', 32), isPrimary: true }, { name: 'value', type: 'int' }] }));
    await q.query("INSERT INTO ticket_counters (name, value) VALUES ('ticket', 0)");
    await q.createTable(
      new Table({
        name: 'ticket_sla_policies',
        columns: [{ ...str('priority', 8), isPrimary: true }, { name: 'first_response_seconds', type: 'int' }, { name: 'resolution_seconds', type: 'int' }, str('updated_by', 160), ts('updated_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ticket_counters', 'ticket_sla_policies', 'ticket_history', 'ticket_attachment_data', 'ticket_attachments', 'ticket_comments', 'tickets']) await q.dropTable(t);
  }
}
