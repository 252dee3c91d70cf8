// Migrations on MariaDB, whose schema changes commit by themselves. In a loaded full run a node
// was killed while it migrated a new database; its migration had created a table and was not
// recorded, and from then on every start stopped at "Table ... already exists" (the two hot
// standby cases after it could not start a node). Here a real migration is cut off after its
// first changes (it throws where a kill would stop it), then the start is repeated.
import { expect } from 'chai';
import { DataSource, Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDataSource, migrations } from '../../app/db/data-source.js';
import { migrate } from '../../app/db/migrate.js';
import { createLogger } from '../../app/logger.js';
import { createTestDb, dbConfig, type TestDb } from '../support/db.js';

let cut = true;
/** Creates a table and a row, (cut off here the first time), then a column and an index. */
class ResumeProbe9999999999001 implements MigrationInterface {
  name = 'ResumeProbe9999999999001';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'resume_probe', columns: [{ name: 'id', type: 'int', isPrimary: true }] }));
    await q.query('INSERT INTO resume_probe (id) VALUES (1)');
    if (cut) throw new Error('cut off');
    await q.addColumn('resume_probe', new TableColumn({ name: 'note', type: 'varchar', length: '20', isNullable: true }));
    await q.createIndex('resume_probe', new TableIndex({ name: 'idx_resume_probe_note', columnNames: ['note'] }));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('resume_probe');
  }
}

/** Creates a table someone else already made. */
class ForeignTable9999999999002 implements MigrationInterface {
  name = 'ForeignTable9999999999002';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'not_ours', columns: [{ name: 'id', type: 'int', isPrimary: true }] }));
  }
  async down(): Promise<void> {}
}

describe('migrations on MariaDB: one cut off part-way is applied again on the next start', function () {
  this.timeout(120_000);
  let db: TestDb;
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: 'info', secrets: [], destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  const source = (extra: Array<new () => MigrationInterface>) => new DataSource({ ...createDataSource(dbConfig(db)).options, migrations: [...migrations, ...extra] });
  const tables = async () => (await db.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()')).map((r) => r.t);

  before(async () => {
    db = await createTestDb('mariadb');
  });
  after(async () => {
    await db?.drop();
  });

  it('cut off after a table and a row: the next start adds the rest, once, and records it', async () => {
    const first = source([ResumeProbe9999999999001]);
    await first.initialize();
    const err = await migrate(first, log).then(() => null, (e: Error) => e);
    await first.destroy();
    expect(err?.message).to.equal('cut off');
    expect(await tables(), 'the table stayed behind').to.include('resume_probe');
    const recorded = async () => (await db.query<{ name: string }>('SELECT name FROM migrations WHERE name = ?', ['ResumeProbe9999999999001'])).length;
    expect(await recorded(), 'not recorded').to.equal(0);

    cut = false;
    const again = source([ResumeProbe9999999999001]);
    await again.initialize();
    const applied = await migrate(again, log);
    await again.destroy();
    expect(applied.map((m) => m.name)).to.deep.equal(['ResumeProbe9999999999001']);
    expect(await recorded()).to.equal(1);
    const cols = await db.query<{ c: string }>("SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'resume_probe' ORDER BY ordinal_position");
    expect(cols.map((c) => c.c)).to.deep.equal(['id', 'note']);
    const idx = await db.query<{ n: string }>("SELECT DISTINCT index_name AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'resume_probe' AND index_name = 'idx_resume_probe_note'");
    expect(idx).to.have.length(1);
    expect(await db.query('SELECT id FROM resume_probe')).to.deep.equal([{ id: 1 }]);
    expect(lines.some((l) => l.msg === 'migration cut off part-way before: applied again, skipping what is already there' && l.migration === 'ResumeProbe9999999999001')).to.equal(true);
    expect(lines.filter((l) => l.msg === 'migration statement already applied; skipped').map((l) => l.skipped)).to.deep.equal(['table exists', 'row exists']);
    expect(await db.query('SELECT name FROM hotline_migrations_started'), 'no mark left').to.deep.equal([]);
  });

  it('a table in the way that Hotline did not make stops the start every time, with the database message', async () => {
    await db.query('CREATE TABLE not_ours (id int PRIMARY KEY)');
    for (let attempt = 0; attempt < 2; attempt++) {
      const ds = source([ForeignTable9999999999002]);
      await ds.initialize();
      const err = await migrate(ds, log).then(() => null, (e: Error) => e);
      await ds.destroy();
      expect(err?.message, `attempt ${attempt + 1}`).to.match(/Table 'not_ours' already exists/);
    }
    expect(await db.query('SELECT name FROM hotline_migrations_started')).to.deep.equal([]);
  });

  it('two nodes starting on a new database at once: one migrates while the other waits, both start', async () => {
    const fresh = await createTestDb('mariadb');
    try {
      const nodes = [0, 1].map(() => new DataSource({ ...createDataSource(dbConfig(fresh)).options }));
      await Promise.all(nodes.map((n) => n.initialize()));
      const applied = await Promise.all(nodes.map((n) => migrate(n, log)));
      await Promise.all(nodes.map((n) => n.destroy()));
      expect(applied.map((a) => a.length).sort((x, y) => x - y), 'all migrations by one node, none by the other').to.deep.equal([0, migrations.length]);
      const recorded = await fresh.query<{ n: number }>('SELECT COUNT(*) AS n FROM migrations');
      expect(Number(recorded[0]!.n)).to.equal(migrations.length);
    } finally {
      await fresh.drop();
    }
  });
});
