import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The agent desktop: each agent's phone kind, wrap-up codes on queue calls and call records, the answering agent on call records. */
export class AgentDesk1764713130000 implements MigrationInterface {
  name = 'AgentDesk1764713130000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('acd_agents', new TableColumn({ name: 'phone', type: 'varchar', length: '8', default: "'desk'" }));
    await q.addColumn('acd_queue_calls', new TableColumn({ name: 'disposition', type: 'varchar', length: '32', default: "''" }));
    await q.addColumns('call_records', [
      new TableColumn({ name: 'agent_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'disposition', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'disposition_note', type: 'varchar', length: '500', isNullable: true }),
    ]);
    await q.createIndex('call_records', new TableIndex({ name: 'idx_call_records_agent', columnNames: ['agent_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('call_records', 'idx_call_records_agent');
    await q.dropColumns('call_records', ['agent_id', 'disposition', 'disposition_note']);
    await q.dropColumn('acd_queue_calls', 'disposition');
    await q.dropColumn('acd_agents', 'phone');
  }
}
