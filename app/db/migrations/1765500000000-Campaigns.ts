import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Outbound campaigns, their contacts and the calls placed to them (app/campaign). */
export class Campaigns1765500000000 implements MigrationInterface {
  name = 'Campaigns1765500000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await q.createTable(new Table({
      name: 'campaigns',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('name', 64),
        { name: 'definition', type: 'text' },
        str('status', 16),
        str('created_by', 160),
        ts('created_at'),
        ts('updated_at'),
      ],
      indices: [new TableIndex({ name: 'uq_campaigns_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'campaign_contacts',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('campaign_id', 36),
        { name: 'seq', type: 'int' },
        str('phone', 40),
        { ...str('name', 100), default: "''" },
        { name: 'fields', type: 'text' },
        str('customer_id', 36, true),
        str('status', 16),
        str('result', 32, true),
        { ...str('note', 2000), default: "''" },
        { name: 'attempts', type: 'int', default: 0 },
        ts('next_attempt_at'),
        str('agent_id', 36, true),
        str('held_by', 36, true),
        ts('reserved_until', true),
        ts('callback_at', true),
        str('callback_agent_id', 36, true),
        ts('created_at'),
        ts('updated_at'),
      ],
      indices: [
        new TableIndex({ name: 'uq_campaign_contacts_phone', columnNames: ['campaign_id', 'phone'], isUnique: true }),
        new TableIndex({ name: 'idx_campaign_contacts_due', columnNames: ['campaign_id', 'status', 'next_attempt_at'] }),
        new TableIndex({ name: 'idx_campaign_contacts_agent', columnNames: ['campaign_id', 'agent_id'] }),
        new TableIndex({ name: 'uq_campaign_contacts_held', columnNames: ['campaign_id', 'held_by'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'campaign_attempts',
      columns: [
        { ...str('id', 36), isPrimary: true },
        str('campaign_id', 36),
        str('contact_id', 36),
        str('agent_id', 36),
        { ...str('agent_name', 128), default: "''" },
        str('channel_id', 64),
        ts('requested_at'),
        ts('placed_at', true),
        ts('ended_at', true),
        str('dial_status', 16, true),
        { name: 'talk_seconds', type: 'int', isNullable: true },
        str('result', 32, true),
        { ...str('note', 2000), default: "''" },
      ],
      indices: [
        new TableIndex({ name: 'uq_campaign_attempts_channel', columnNames: ['channel_id'], isUnique: true }),
        new TableIndex({ name: 'idx_campaign_attempts_contact', columnNames: ['contact_id', 'requested_at'] }),
        new TableIndex({ name: 'idx_campaign_attempts_campaign', columnNames: ['campaign_id', 'placed_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('campaign_attempts');
    await q.dropTable('campaign_contacts');
    await q.dropTable('campaigns');
  }
}
