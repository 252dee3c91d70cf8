// The scheduler on real SQLite and MariaDB: two scheduler processes racing over 200 due jobs
// run each exactly once; a failing job is retried and then marked failed with its work rolled
// back; a process killed with SIGKILL mid-run leaves its job to be run, once, by the next one.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { SchedulerService } from '../../app/scheduler/index.js';
import { createTestDb, DB_KINDS, dbConfig, type TestDb } from '../support/db.js';
import { ROOT, waitUntil } from '../support/pbx.js';

const log = createLogger({ level: 'silent', secrets: [] });

interface Worker {
  child: ChildProcess;
  out(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function startWorker(db: TestDb, node: string, env: Record<string, string> = {}): Promise<Worker> {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/scheduler-worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', SCHED_DB: JSON.stringify(dbConfig(db)), SCHED_NODE: node, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitUntil(`scheduler worker ${node} to start`, () => {
    if (child.exitCode !== null) throw new Error(`worker ${node} exited: ${out}`);
    return out.includes('READY');
  }, 30_000);
  return {
    child,
    out: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

const count = async (ds: DataSource, sql: string, params: unknown[] = []) => Number((await ds.query(sql, params))[0].n);

for (const kind of DB_KINDS) {
  describe(`scheduler (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let ds: DataSource;
    const workers: Worker[] = [];
    let scheduler: SchedulerService;

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      await ds.query('CREATE TABLE sched_effects (job_key varchar(191) NOT NULL, node varchar(64) NOT NULL)');
      scheduler = new SchedulerService(ds, { nodeName: 'test', isActive: () => true, log, retry: { maxAttempts: 3, baseBackoffMs: 20, maxBackoffMs: 100 } });
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.kill()));
    });
    after(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('two scheduler processes racing over 200 due jobs run each exactly once', async () => {
      const a = await startWorker(db, 'node-a');
      const b = await startWorker(db, 'node-b');
      workers.push(a, b);
      const due = new Date(Date.now() + 1500); // both workers are ticking when the jobs fall due
      await ds.transaction(async (m) => {
        for (let i = 0; i < 200; i++) await scheduler.schedule('test.effect', `race-${i}`, due, { n: i }, m);
      });
      await waitUntil('all 200 jobs done', async () => (await count(ds, "SELECT COUNT(*) AS n FROM scheduled_jobs WHERE job_key LIKE 'race-%' AND status = 'done'")) === 200, 90_000, 250);
      const effects: Array<{ job_key: string; node: string }> = await ds.query("SELECT job_key, node FROM sched_effects WHERE job_key LIKE 'race-%'");
      expect(effects).to.have.length(200);
      expect(new Set(effects.map((e) => e.job_key)).size).to.equal(200);
      const byNode = new Map<string, number>();
      for (const e of effects) byNode.set(e.node, (byNode.get(e.node) ?? 0) + 1);
      expect([...byNode.keys()].sort(), 'both nodes took part in the race').to.deep.equal(['node-a', 'node-b']);
      // Each job's done mark names the node whose effect committed.
      const rows: Array<{ job_key: string; claimed_by: string }> = await ds.query("SELECT job_key, claimed_by FROM scheduled_jobs WHERE job_key LIKE 'race-%'");
      const effectNode = new Map(effects.map((e) => [e.job_key, e.node]));
      for (const r of rows) expect(r.claimed_by, r.job_key).to.equal(effectNode.get(r.job_key));
    });

    it('a process killed with SIGKILL mid-run leaves the job to be run once by the next one', async () => {
      const first = await startWorker(db, 'doomed', { SCHED_MODE: 'hang' });
      workers.push(first);
      await scheduler.schedule('test.effect', 'kill-1', new Date(), { n: 1 });
      await waitUntil('the first worker to be inside the job', () => first.out().includes('RUNNING kill-1'), 20_000);
      const running = (await ds.query("SELECT status, claimed_by FROM scheduled_jobs WHERE job_key = 'kill-1'"))[0];
      expect(running).to.deep.include({ status: 'running', claimed_by: 'doomed' });
      await first.kill('SIGKILL');
      // The effect it wrote was never committed.
      expect(await count(ds, "SELECT COUNT(*) AS n FROM sched_effects WHERE job_key = 'kill-1'")).to.equal(0);
      const next = await startWorker(db, 'survivor', { SCHED_LEASE_MS: '1500' });
      workers.push(next);
      await waitUntil('the job done by the next worker', async () => (await ds.query("SELECT status FROM scheduled_jobs WHERE job_key = 'kill-1'"))[0].status === 'done', 30_000, 100);
      const effects = await ds.query("SELECT node FROM sched_effects WHERE job_key = 'kill-1'");
      expect(effects).to.deep.equal([{ node: 'survivor' }]);
      const job = (await ds.query("SELECT claimed_by, attempts FROM scheduled_jobs WHERE job_key = 'kill-1'"))[0];
      expect(job.claimed_by).to.equal('survivor');
      expect(Number(job.attempts)).to.equal(2);
      // It stays done: a later job run by the survivor proves it ticked on, and kill-1 did not run again.
      await scheduler.schedule('test.effect', 'kill-2', new Date(), { n: 2 });
      await waitUntil('a later job done by the survivor', async () => (await ds.query("SELECT status FROM scheduled_jobs WHERE job_key = 'kill-2'"))[0].status === 'done', 30_000, 100);
      expect(await count(ds, "SELECT COUNT(*) AS n FROM sched_effects WHERE job_key = 'kill-1'")).to.equal(1);
    });

    it('a handler that throws is retried with backoff, then marked failed with its work rolled back', async () => {
      let calls = 0;
      scheduler.register<{ n: number }>('test.fails', async (job, m) => {
        calls++;
        await m.query('INSERT INTO sched_effects (job_key, node) VALUES (?, ?)', [job.key, 'test']);
        throw new Error(`boom ${calls}`);
      });
      await scheduler.schedule('test.fails', 'fail-1', new Date(), { n: 1 });
      await waitUntil('the job to be failed', async () => {
        await scheduler.runDue();
        return (await scheduler.find('test.fails', 'fail-1'))?.status === 'failed';
      }, 10_000, 30);
      const job = (await scheduler.find('test.fails', 'fail-1'))!;
      expect(job.attempts).to.equal(3);
      expect(job.lastError).to.equal('boom 3');
      expect(calls).to.equal(3);
      expect(await count(ds, "SELECT COUNT(*) AS n FROM sched_effects WHERE job_key = 'fail-1'")).to.equal(0);
      await scheduler.runDue();
      expect(calls, 'a failed job is not run again').to.equal(3);
    });

    it('a handler that fails twice then succeeds commits its work once', async () => {
      let calls = 0;
      scheduler.register('test.flaky', async (job, m) => {
        calls++;
        await m.query('INSERT INTO sched_effects (job_key, node) VALUES (?, ?)', [job.key, `try-${calls}`]);
        if (calls < 3) throw new Error('not yet');
      });
      await scheduler.schedule('test.flaky', 'flaky-1', new Date(), null);
      await waitUntil('the job to be done', async () => {
        await scheduler.runDue();
        return (await scheduler.find('test.flaky', 'flaky-1'))?.status === 'done';
      }, 10_000, 30);
      expect(await ds.query("SELECT node FROM sched_effects WHERE job_key = 'flaky-1'")).to.deep.equal([{ node: 'try-3' }]);
    });

    it("a handler's after-commit step runs once its work committed (it sees the work from another connection), never after a rollback", async () => {
      const seen: Array<[string, number]> = [];
      let calls = 0;
      scheduler.register('test.after', async (job, m) => {
        calls++;
        await m.query('INSERT INTO sched_effects (job_key, node) VALUES (?, ?)', [job.key, `try-${calls}`]);
        const step = async () => seen.push([`try-${calls}`, await count(ds, "SELECT COUNT(*) AS n FROM sched_effects WHERE job_key = 'after-1'")]);
        if (calls < 2) throw new Error('rolled back');
        return () => void step();
      });
      await scheduler.schedule('test.after', 'after-1', new Date(), null);
      await waitUntil('the job to be done', async () => {
        await scheduler.runDue();
        return (await scheduler.find('test.after', 'after-1'))?.status === 'done';
      }, 10_000, 30);
      await waitUntil('the after-commit step', async () => (seen.length ? true : undefined), 5000, 20);
      expect(seen, 'only the committed try, and its row is there').to.deep.equal([['try-2', 1]]);
    });

    it('scheduling the same kind and key again reschedules the one job; cancel stops it; a standby runs nothing', async () => {
      let ran = 0;
      scheduler.register('test.once', async () => {
        ran++;
      });
      await scheduler.schedule('test.once', 'k', new Date(Date.now() + 3_600_000), { v: 1 });
      await scheduler.schedule('test.once', 'k', new Date(Date.now() - 1000), { v: 2 });
      const rows = await ds.query("SELECT payload, status FROM scheduled_jobs WHERE kind = 'test.once'");
      expect(rows).to.deep.equal([{ payload: '{"v":2}', status: 'pending' }]);
      const standby = new SchedulerService(ds, { nodeName: 'standby', isActive: () => false, log });
      standby.register('test.once', async () => {
        ran++;
      });
      expect(await standby.runDue()).to.equal(0);
      expect(await scheduler.runDue()).to.be.greaterThan(0);
      expect(ran).to.equal(1);
      await scheduler.schedule('test.once', 'c', new Date(), null);
      expect(await scheduler.cancel('test.once', 'c')).to.equal(true);
      await scheduler.runDue();
      expect(ran).to.equal(1);
      expect((await scheduler.find('test.once', 'c'))!.status).to.equal('cancelled');
    });
  });
}
