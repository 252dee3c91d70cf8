import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { normalizePhone } from '../../crm/phone.js';

// The CRM core (issue 5): more customer fields (address, region, custom fields, merge and soft
// delete), emails, tags, companies and contacts, the interaction timeline and reminders.
// Written with TypeORM's Table API so one migration serves MariaDB, MySQL and SQLite.
export class CrmCore1764300000000 implements MigrationInterface {
  name = 'CrmCore1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.addColumns('customers', [
      new TableColumn({ name: 'address', type: 'varchar', length: '255', default: "''" }),
      new TableColumn({ name: 'region', type: 'varchar', length: '64', default: "''" }),
      new TableColumn({ name: 'custom_fields', type: 'text', isNullable: true }),
      new TableColumn({ name: 'merged_into', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn(ts('deleted_at', true)),
    ]);
    for (const [name, column] of [
      ['idx_customers_name', 'name'],
      ['idx_customers_vip', 'vip_level'],
      ['idx_customers_merged_into', 'merged_into'],
      ['idx_customers_created', 'created_at'],
      ['idx_customers_updated', 'updated_at'],
    ] as const) {
      await q.createIndex('customers', new TableIndex({ name, columnNames: [column] }));
    }
    await q.createTable(
      new Table({
        name: 'customer_emails',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254', isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'idx_customer_emails_email', columnNames: ['email'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'customer_tags',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '64', isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'idx_customer_tags_tag', columnNames: ['tag'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'companies',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'address', type: 'varchar', length: '255', default: "''" },
          { name: 'region', type: 'varchar', length: '64', default: "''" },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_companies_name', columnNames: ['name'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'company_contacts',
        columns: [
          { name: 'company_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customer_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '64', default: "''" },
          ts('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_company_contacts_customer', columnNames: ['customer_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'interactions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customer_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'ref_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'summary', type: 'varchar', length: '2000' },
          { name: 'actor', type: 'varchar', length: '128', default: "''" },
          ts('at'),
        ],
        indices: [new TableIndex({ name: 'idx_interactions_customer_at', columnNames: ['customer_id', 'at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'reminders',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customer_id', type: 'varchar', length: '36' },
          { name: 'agent_id', type: 'varchar', length: '36' },
          ts('due_at'),
          { name: 'text', type: 'varchar', length: '1000' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_by', type: 'varchar', length: '128', default: "''" },
          ts('created_at'),
          ts('notified_at', true),
          ts('done_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_reminders_customer', columnNames: ['customer_id'] }),
          new TableIndex({ name: 'idx_reminders_status_due', columnNames: ['status', 'due_at'] }),
          new TableIndex({ name: 'idx_reminders_agent_due', columnNames: ['agent_id', 'due_at'] }),
        ],
      }),
    );
    await renormalizePhones(q);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['reminders', 'interactions', 'company_contacts', 'companies', 'customer_tags', 'customer_emails']) await q.dropTable(t);
    for (const i of ['idx_customers_updated', 'idx_customers_created', 'idx_customers_merged_into', 'idx_customers_vip', 'idx_customers_name']) await q.dropIndex('customers', i);
    for (const c of ['deleted_at', 'merged_into', 'custom_fields', 'region', 'address']) await q.dropColumn('customers', c);
  }
}

/**
 * Brings stored phone numbers to today's normal form (+8613800138000 was stored as written
 * before; it is 13800138000 now). A number whose new form another customer already holds
 * keeps its old form (nothing is lost; the duplicate can be merged by hand); rows are taken in
 * code-point order of the old form, so which one keeps it is the same on every database.
 */
async function renormalizePhones(q: QueryRunner): Promise<void> {
  const rows = (await q.query('SELECT phone, customer_id FROM customer_phones')) as Array<{ phone: string; customer_id: string }>;
  rows.sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0)); // the same outcome on every driver
  const owner = new Map(rows.map((r) => [r.phone, r.customer_id]));
  for (const r of rows) {
    const next = normalizePhone(r.phone);
    if (!next || next === r.phone) continue;
    const taken = owner.get(next);
    if (taken === undefined) {
      await q.query('UPDATE customer_phones SET phone = ? WHERE phone = ?', [next, r.phone]);
      owner.delete(r.phone);
      owner.set(next, r.customer_id);
    } else if (taken === r.customer_id) {
      await q.query('DELETE FROM customer_phones WHERE phone = ?', [r.phone]);
      owner.delete(r.phone);
    }
  }
}
