import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A local user whose password someone else chose (the generated first admin, or an admin who
 * asked for it) must choose their own at the next sign-in. Existing users: not required.
 */
export class PasswordChangeRequired1765000000010 implements MigrationInterface {
  name = 'PasswordChangeRequired1765000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn({ name: 'password_change_required', type: 'boolean', default: false }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'password_change_required');
  }
}
