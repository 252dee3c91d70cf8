// Migration 1764300000000-CrmCore on a database that already holds customers (SQLite and
// MariaDB): customers keep their rows, stored numbers are brought to today's normal form,
// and it reverts cleanly.
import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { createDataSource, migrations } from '../../app/db/data-source.js';
import { createTestDb, dbConfig, DB_KINDS } from '../support/db.js';

for (const kind of DB_KINDS) {
  describe(`CRM migration CrmCore (${kind})`, function () {
    this.timeout(60_000);

    it('renormalizes stored phone numbers, keeps a clash as it was, adds the new columns, reverts', async () => {
      const db = await createTestDb(kind);
      const full = createDataSource(dbConfig(db));
      const before = new DataSource({ ...full.options, migrations: migrations.filter((m) => m.name !== 'CrmCore1764300000000') } as typeof full.options);
      try {
        await before.initialize();
        await before.runMigrations();
        const t = '2026-11-01 00:00:00.000';
        for (const [id, name] of [['c1', '甲'], ['c2', '乙']]) {
          await before.query('INSERT INTO customers (id, name, company, vip_level, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [id, name, '', 0, t, t]);
        }
        // c1: one number in two old forms and a landline written with +86; c2: a number whose new form c1 already has.
        for (const [phone, owner] of [['+8613800138000', 'c1'], ['13800138000', 'c1'], ['+861012345678', 'c1'], ['013900139000', 'c2'], ['+8613900139000', 'c1']]) {
          await before.query('INSERT INTO customer_phones (phone, customer_id) VALUES (?, ?)', [phone, owner]);
        }
        await before.destroy();

        await full.initialize();
        await full.runMigrations();
        const phones = await full.query('SELECT phone, customer_id FROM customer_phones');
        expect(phones.map((p: any) => [p.phone, p.customer_id]).sort((a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1))).to.deep.equal([
          ['01012345678', 'c1'],
          ['13800138000', 'c1'],
          ['13900139000', 'c1'],
          ['013900139000', 'c2'], // its new form went to c1 (+86… sorts first): kept as it was, for a person to merge
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
        const [c1] = await full.query(`SELECT name, address, region, custom_fields, merged_into, deleted_at FROM customers WHERE id = 'c1'`);
        expect(c1).to.deep.equal({ name: '甲', address: '', region: '', custom_fields: null, merged_into: null, deleted_at: null });
        await full.undoLastMigration();
        const cols = kind === 'sqlite' ? (await full.query(`PRAGMA table_info(customers)`)).map((c: any) => c.name) : (await full.query('SHOW COLUMNS FROM customers')).map((c: any) => c.Field);
        expect(cols).to.deep.equal(['id', 'name', 'company', 'vip_level', 'created_at', 'updated_at']);
        expect((await full.query('SELECT COUNT(*) AS n FROM customers'))[0].n).to.satisfy((n: unknown) => Number(n) === 2);
      } finally {
        if (before.isInitialized) await before.destroy();
        if (full.isInitialized) await full.destroy();
        await db.drop();
      }
    });
  });
}
