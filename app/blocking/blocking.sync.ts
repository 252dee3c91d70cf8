// Keeps Asterisk's copy of the blocks (AstDB family hotline-blocked, read by the inbound
// dialplan for every call) what the rows say. The active node compares the whole copy with the
// rows and writes only the difference: when it takes over, when AMI (re)connects, at once after
// a change through this node (awaited, so the answer comes after Asterisk has it), and every
// `everyMs` (a change made through the other node; blocks that ended are removed).
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';
import type { AstDb } from '../pbx/astdb.js';
import { BLOCK_FAMILY, copyDiff, desiredCopy, parseDatabaseShow } from './blocking.rules.js';
import type { BlockingService } from './blocking.service.js';

export class BlocklistSync {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly blocks: Pick<BlockingService, 'active'>,
    private readonly astdb: AstDb,
    private readonly mayWrite: () => boolean,
    private readonly log: Logger,
    private readonly opts: { everyMs: number; onFailure?: () => void; now?: () => Date },
  ) {}

  /** This node is active: write what the rows say now, then keep it so. */
  start(): void {
    this.stop();
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asterisk (re)connected: it may be another Asterisk, or have lost its database. */
  linkUp(): void {
    if (this.timer) void this.sync();
  }

  /** One pass (a pass already running is followed by one more, which this waits for). Never throws. */
  async sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      await this.running;
      if (this.running) await this.running;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => {
        this.opts.onFailure?.();
        logFailure(this.log, 'writing the blocked numbers into Asterisk (the next pass tries again)')(err);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.sync();
        }
      });
    await this.running;
  }

  private async pass(): Promise<void> {
    if (!this.timer || !this.mayWrite() || !this.astdb.up()) return;
    const desired = desiredCopy(await this.blocks.active(), this.opts.now?.() ?? new Date());
    const actual = parseDatabaseShow(await this.astdb.show(BLOCK_FAMILY));
    const { put, del } = copyDiff(desired, actual);
    if (!put.length && !del.length) return;
    for (const [k, v] of put) await this.astdb.put(BLOCK_FAMILY, k, v);
    for (const k of del) await this.astdb.del(BLOCK_FAMILY, k);
    this.log.info({ written: put.length, removed: del.length, keys: desired.size }, 'blocked numbers written to Asterisk');
  }
}
