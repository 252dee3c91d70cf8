import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Login lockout keyed on the username typed (users who have no row yet, names that do not exist). */
export class LoginLockouts1764917170000 implements MigrationInterface {
  name = 'LoginLockouts1764917170000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'login_lockouts',
      columns: [
        { name: 'username_key', type: 'varchar', length: '64', isPrimary: true },
        { name: 'username', type: 'varchar', length: '256' },
        { name: 'failed_attempts', type: 'int', default: 0 },
        { name: 'locked_until', type: 'datetime', precision: 3, isNullable: true },
        { name: 'updated_at', type: 'datetime', precision: 3 },
      ],
    }));
    await q.createIndex('login_lockouts', new TableIndex({ name: 'idx_login_lockouts_updated', columnNames: ['updated_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('login_lockouts');
  }
}
