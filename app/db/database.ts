// Opens the database (retrying with backoff until it answers), applies migrations, and
// keeps an up/down state with a periodic ping for /health.
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { Backoff, type LinkState } from '../pbx/backoff.js';
import { createDataSource } from './data-source.js';
import { migrate } from './migrate.js';
import { logFailure } from '../log-failure.js';

export class Database {
  readonly source: DataSource;
  private link: LinkState = { up: false, since: new Date(), detail: 'connecting' };
  private pinger: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly config: Config['db'],
    private readonly log: Logger,
  ) {
    this.source = createDataSource(config);
  }

  get state(): LinkState {
    return this.link;
  }

  private set(up: boolean, detail?: string): void {
    if (this.link.up !== up) this.link = { up, since: new Date(), detail };
  }

  /** Resolves once the database is open and migrated; retries for ever unless closed. */
  async open(): Promise<void> {
    const backoff = new Backoff(500, 10_000);
    while (!this.closing) {
      try {
        await this.source.initialize();
        const applied = await migrate(this.source, this.log);
        if (applied.length) this.log.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
        this.set(true);
        this.log.info({ type: this.config.type }, 'database ready');
        this.pinger = setInterval(() => void this.ping(), 5000);
        return;
      } catch (err) {
        if (this.source.isInitialized) await this.source.destroy().catch(logFailure(this.log, 'closing the half-opened database', { level: 'debug' }));
        this.link = { up: false, since: this.link.since, detail: (err as Error).message };
        this.log.warn({ err: (err as Error).message }, 'database not available; retrying');
        await new Promise((r) => setTimeout(r, backoff.next()));
      }
    }
  }

  private async ping(): Promise<void> {
    try {
      await this.source.query('SELECT 1');
      this.set(true);
    } catch (err) {
      if (this.link.up) this.log.error({ err: (err as Error).message }, 'database stopped answering');
      this.set(false, (err as Error).message);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.pinger);
    if (this.source.isInitialized) await this.source.destroy();
  }
}
