import { randomUUID } from 'node:crypto';
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Flows every installation starts with (published v1); admins edit or replace them. */
export const SEED_FLOWS = [
  {
    name: 'welcome',
    description: 'Default welcome menu: 1 thank you, 2 goodbye',
    isDefault: true,
    numbers: [] as string[],
    definition: {
      entry: 'welcome',
      language: 'en',
      fallback: {},
      nodes: {
        welcome: {
          type: 'menu',
          prompt: { sound: 'hello-world' },
          options: { '1': 'thanks', '2': 'goodbye' },
          timeoutMs: 5000,
          retries: 0,
          invalidPrompt: { sound: 'please-try-again' },
          onExhausted: 'bye',
          bargeIn: true,
        },
        thanks: { type: 'hangup', prompt: { sound: 'auth-thankyou' } },
        goodbye: { type: 'hangup', prompt: { sound: 'vm-goodbye' } },
        bye: { type: 'hangup', prompt: { sound: 'goodbye' } },
      },
    },
  },
  {
    name: 'announcement',
    description: 'Answer, one prompt, hang up (the benchmark number 9001)',
    isDefault: false,
    numbers: ['9001'],
    definition: {
      entry: 'announce',
      language: 'en',
      fallback: {},
      nodes: { announce: { type: 'hangup', prompt: { sound: 'beep' } } },
    },
  },
];

export class IvrFlows1763910000000 implements MigrationInterface {
  name = 'IvrFlows1763910000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'ivr_flows',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'description', type: 'varchar', length: '255', default: "''" },
          { name: 'is_default', type: 'boolean', default: false },
          { name: 'published_version', type: 'int', isNullable: true },
          { name: 'latest_version', type: 'int' },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_ivr_flows_name', columnNames: ['name'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ivr_flow_versions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'flow_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'int' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'definition', type: q.connection.options.type === 'better-sqlite3' ? 'text' : 'mediumtext' },
          ts('created_at'),
          ts('published_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_ivr_versions_flow_version', columnNames: ['flow_id', 'version'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ivr_numbers',
        columns: [
          { name: 'number', type: 'varchar', length: '32', isPrimary: true },
          { name: 'flow_id', type: 'varchar', length: '36' },
          ts('created_at'),
        ],
      }),
    );
    await q.addColumns('call_records', [
      new TableColumn({ name: 'flow_version_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'variables', type: 'text', isNullable: true }),
    ]);
    // Raw SQL so the seed does not depend on today's entity classes; '?' works for both drivers.
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const seed of SEED_FLOWS) {
      const flowId = randomUUID();
      await q.query(
        'INSERT INTO ivr_flows (id, name, description, is_default, published_version, latest_version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1, ?, ?)',
        [flowId, seed.name, seed.description, seed.isDefault ? 1 : 0, now, now],
      );
      await q.query(
        "INSERT INTO ivr_flow_versions (id, flow_id, version, status, definition, created_at, published_at) VALUES (?, ?, 1, 'published', ?, ?, ?)",
        [randomUUID(), flowId, JSON.stringify(seed.definition), now, now],
      );
      for (const number of seed.numbers) {
        await q.query('INSERT INTO ivr_numbers (number, flow_id, created_at) VALUES (?, ?, ?)', [number, flowId, now]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('call_records', 'variables');
    await q.dropColumn('call_records', 'flow_version_id');
    await q.dropTable('ivr_numbers');
    await q.dropTable('ivr_flow_versions');
    await q.dropTable('ivr_flows');
  }
}
