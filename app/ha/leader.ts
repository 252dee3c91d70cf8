// Leadership: exactly one Hotline node acts on Asterisk. The lease is a MariaDB/MySQL
// named lock (GET_LOCK) held on a dedicated connection: the server releases it the moment
// that connection dies (a killed node's kernel closes the socket), so a standby takes over
// within about a second. The holder checks every `checkMs` that it still owns the lock;
// when it cannot tell (the database is unreachable or slow) it steps down at once
// (fencing) — it may lose the lease without knowing, but never acts without knowing it
// holds it. Two active nodes are impossible: the lock has one owner on the server.
import { EventEmitter } from 'node:events';
import mysql from 'mysql2/promise';
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';

export type Role = 'active' | 'standby';

/** A standby's queries wait for nothing but the lease: their timeout only detects a dead connection. */
const STANDBY_QUERY_MS = 15_000;

export interface LeaderElectorEvents {
  /** This node holds the lease now: start acting. */
  elected: [];
  /** This node no longer holds (or cannot prove it holds) the lease: stop acting at once. */
  lost: [string];
}

export interface LeaderElector extends EventEmitter<LeaderElectorEvents> {
  readonly role: Role;
  readonly since: Date;
  start(): void;
  /** Gives the lease up (planned switchover) and stops contending. */
  release(): Promise<void>;
  stop(): Promise<void>;
  /** Whether another node is standing by, ready to take over (planned switchover). */
  standbyAvailable(): Promise<boolean>;
  /** Steps down now (another node took the Stasis app): fence, then contend again. */
  yieldLeadership(reason: string): void;
  /**
   * Whether this node still holds the lease, checked now (not at the next tick). A node that
   * cannot tell (the database is unreachable) steps down first and answers false: call it before
   * acting on Asterisk because of a database failure, which may mean the lease is already gone.
   */
  confirm(): Promise<boolean>;
}

/** SQLite, or HA off: the only node is always active. */
export class SingleNode extends EventEmitter<LeaderElectorEvents> implements LeaderElector {
  role: Role = 'standby';
  since = new Date();
  start(): void {
    this.role = 'active';
    this.since = new Date();
    this.emit('elected');
  }
  async release(): Promise<void> {}
  async stop(): Promise<void> {}
  async standbyAvailable(): Promise<boolean> {
    return false;
  }
  /** Without HA there is no one to yield to: another Hotline on the same app is a mistake; take the app back after a pause. */
  yieldLeadership(): void {
    setTimeout(() => this.emit('elected'), 5000).unref();
  }
  async confirm(): Promise<boolean> {
    return this.role === 'active';
  }
}

export interface MariaDbLeaseOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  lockName: string;
  /** How often the holder proves it still holds the lock (and the standby tries to take it). */
  checkMs?: number;
  log: Logger;
}

export class MariaDbLease extends EventEmitter<LeaderElectorEvents> implements LeaderElector {
  role: Role = 'standby';
  since = new Date();
  private conn: mysql.Connection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy = false;
  /** This connection holds the standby lock (see tick). */
  private standbyHeld = false;

  constructor(private readonly o: MariaDbLeaseOptions) {
    super();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  private schedule(): void {
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.o.checkMs ?? 500);
  }

  private async connection(): Promise<mysql.Connection> {
    if (this.conn) return this.conn;
    const conn = await mysql.createConnection({
      host: this.o.host,
      port: this.o.port,
      user: this.o.user,
      password: this.o.password,
      database: this.o.database,
      connectTimeout: 2000,
    });
    conn.on('error', () => this.dropConnection());
    this.conn = conn;
    return conn;
  }

  private dropConnection(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.standbyHeld = false;
    conn?.destroy();
  }

  /** A query that must answer within `ms`, or the connection is treated as lost. */
  private async query(sql: string, params: unknown[], ms: number): Promise<unknown> {
    const conn = await this.connection();
    let timer: NodeJS.Timeout | undefined;
    try {
      // The verdict waits one turn of the event loop: after a stall (a starved CPU) timers run
      // before sockets are read, and an answer that came in time would otherwise count as none.
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => setImmediate(() => reject(new Error(`no answer in ${ms} ms`))), ms)));
      const [rows] = (await Promise.race([conn.query(sql, params), timeout])) as unknown as [Array<Record<string, unknown>>];
      return Object.values(rows[0] ?? {})[0];
    } finally {
      clearTimeout(timer);
    }
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.running) return;
    this.busy = true;
    try {
      if (this.role === 'active') {
        const mine = await this.query('SELECT IS_USED_LOCK(?) = CONNECTION_ID()', [this.o.lockName], this.proofMs);
        if (Number(mine) !== 1) this.stepDown('the lease is held by another connection');
      } else {
        // Standing by is announced by a second lock, so the active node knows a handover can work.
        // Taken once per connection: GET_LOCK nests in MariaDB, and a lock taken every tick was
        // still held (by the now active node) after one RELEASE_LOCK.
        if (!this.standbyHeld) this.standbyHeld = Number(await this.query('SELECT GET_LOCK(?, 0)', [this.standbyLock], STANDBY_QUERY_MS)) === 1;
        // The server waits up to a second for the lease. The client's timeout only guards against
        // a dead connection: on a starved box a grant read late must not be thrown away (dropping
        // the connection gives the lease up again, and the takeover starts over).
        const got = await this.query('SELECT GET_LOCK(?, 1)', [this.o.lockName], STANDBY_QUERY_MS);
        if (Number(got) === 1 && this.running) {
          this.role = 'active';
          this.since = new Date();
          this.o.log.info({ lock: this.o.lockName }, 'HA: this node holds the lease; becoming active');
          this.emit('elected');
          // No longer standing by; a failure here must not cost the lease.
          if (this.standbyHeld) {
            this.standbyHeld = false;
            await this.query('SELECT RELEASE_LOCK(?)', [this.standbyLock], STANDBY_QUERY_MS).catch(logFailure(this.o.log, 'HA: giving up the standby mark (it ends with the connection anyway)'));
          }
        }
      }
    } catch (err) {
      this.dropConnection();
      if (this.role === 'active') this.stepDown(`cannot reach the database: ${(err as Error).message}`);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  yieldLeadership(reason: string): void {
    if (this.role === 'active') this.stepDown(reason);
  }

  async confirm(): Promise<boolean> {
    if (this.role !== 'active') return false;
    try {
      const mine = await this.query('SELECT IS_USED_LOCK(?) = CONNECTION_ID()', [this.o.lockName], this.proofMs);
      if (Number(mine) === 1) return this.role === 'active';
      if (this.role === 'active') this.stepDown('the lease is held by another connection');
    } catch (err) {
      this.dropConnection();
      if (this.role === 'active') this.stepDown(`cannot reach the database: ${(err as Error).message}`);
    }
    return false;
  }

  private stepDown(reason: string): void {
    this.role = 'standby';
    this.since = new Date();
    this.o.log.error({ reason }, 'HA: lost the lease; fencing (no more actions on Asterisk)');
    this.dropConnection();
    this.emit('lost', reason);
  }

  async release(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    if (this.role === 'active' && this.conn) {
      await this.conn.query('SELECT RELEASE_LOCK(?)', [this.o.lockName]).catch(logFailure(this.o.log, 'HA: releasing the lease (it ends with the connection anyway)'));
      this.o.log.info('HA: lease released for a planned switchover');
    }
    this.role = 'standby';
    this.since = new Date();
    this.dropConnection();
  }

  async stop(): Promise<void> {
    await this.release();
  }

  /**
   * How long the holder waits for the proof that it still holds the lease before it fences
   * itself: twice the check interval, at least 5 s. A slow answer is no sign of a lost lease
   * (the server keeps the lock while the connection lives, and a closed or reset connection fails
   * at once); with 1 s, a CPU-starved box (measured: two busy processes beside Asterisk) had both
   * nodes give the lease up and take it back over and over, each time repeating every caller's
   * prompt. What the wait bounds is a connection the server dropped without this node hearing of
   * it; the calls are safe meanwhile, as the node that takes the lease opens the Stasis app and
   * Asterisk stops this node's commands at once (ApplicationReplaced).
   */
  private get proofMs(): number {
    return Math.max(2 * (this.o.checkMs ?? 500), 5000);
  }

  private get standbyLock(): string {
    return `${this.o.lockName}-standby`;
  }

  async standbyAvailable(): Promise<boolean> {
    try {
      // Another connection's: never this node's own mark, whatever is left of it.
      return Number(await this.query('SELECT COALESCE(IS_USED_LOCK(?) <> CONNECTION_ID(), 0)', [this.standbyLock], 1000)) === 1;
    } catch (err) {
      return logFailure(this.o.log, 'HA: asking whether a standby is connected (taken as none)', { fallback: false })(err);
    }
  }
}
