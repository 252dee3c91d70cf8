import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Identity and security (issue 6): users, sessions, API keys, the append-only audit log. */
export class Auth1763930000000 implements MigrationInterface {
  name = 'Auth1763930000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('username', 128),
          str('display_name', 128),
          str('email', 255, true),
          str('role', 16),
          str('source', 8),
          str('password_hash', 255, true),
          { name: 'failed_attempts', type: 'int', default: 0 },
          ts('locked_until', true),
          str('totp_secret', 64, true),
          { name: 'totp_enabled', type: 'boolean', default: false },
          { name: 'totp_last_step', type: 'int', isNullable: true },
          str('team', 64, true),
          { name: 'disabled', type: 'boolean', default: false },
          ts('created_at'),
          ts('updated_at'),
          ts('last_login_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_users_username', columnNames: ['username'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('token_hash', 64),
          str('user_id', 36),
          { ...str('purpose', 16), default: "'full'" },
          ts('created_at'),
          ts('expires_at'),
          ts('revoked_at', true),
          str('ip', 64, true),
          str('user_agent', 255, true),
        ],
        indices: [
          new TableIndex({ name: 'idx_sessions_token', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_sessions_user', columnNames: ['user_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('name', 64),
          str('key_hash', 64),
          str('prefix', 16),
          str('role', 16),
          str('created_by', 160),
          ts('created_at'),
          ts('revoked_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_api_keys_hash', columnNames: ['key_hash'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: sqlite ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          ts('at'),
          str('actor', 160),
          str('actor_ip', 64, true),
          str('action', 64),
          str('target', 255, true),
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_audit_at', columnNames: ['at'] }),
          new TableIndex({ name: 'idx_audit_actor', columnNames: ['actor'] }),
          new TableIndex({ name: 'idx_audit_action', columnNames: ['action'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log');
    await q.dropTable('api_keys');
    await q.dropTable('sessions');
    await q.dropTable('users');
  }
}
