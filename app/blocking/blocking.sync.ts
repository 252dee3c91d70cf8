// Keeps Asterisk's copy of the blocks (AstDB family hotline-blocked, read by the inbound
// dialplan for every call) what the rows say. The active node compares the whole copy with the
// rows and writes only the difference: when it takes over, when AMI (re)connects, at once after
// a change through this node (awaited, so the answer comes after Asterisk has it), and every
// `everyMs` (a change made through the other node; blocks that ended are removed).
import type { Logger } from '../logger.js';
import { ActiveLoop } from '../ha/active-loop.js';
import type { AstDb } from '../pbx/astdb.js';
import { BLOCK_FAMILY, copyDiff, desiredCopy, parseDatabaseShow } from './blocking.rules.js';
import type { BlockingService } from './blocking.service.js';

export class BlocklistSync {
  private readonly loop: ActiveLoop;
  private started = false;

  constructor(
    private readonly blocks: Pick<BlockingService, 'active'>,
    private readonly astdb: AstDb,
    mayWrite: () => boolean,
    private readonly log: Logger,
    private readonly opts: { everyMs: number; onFailure?: () => void; now?: () => Date },
  ) {
    this.loop = new ActiveLoop(() => this.pass(), { isActive: () => this.started && mayWrite() && astdb.up(), everyMs: opts.everyMs, log, what: 'writing the blocked numbers into Asterisk', onFailure: opts.onFailure });
  }

  /** This node is active: write what the rows say now, then keep it so. */
  start(): void {
    this.started = true;
    this.loop.start();
    void this.loop.tick();
  }

  stop(): void {
    this.started = false;
    void this.loop.stop();
  }

  /** Asterisk (re)connected: it may be another Asterisk, or have lost its database. */
  linkUp(): void {
    void this.loop.tick({ fresh: true });
  }

  /** A pass that reads the rows after now (the blocks just changed). Never throws. */
  sync(): Promise<void> {
    return this.loop.tick({ fresh: true });
  }

  private async pass(): Promise<void> {
    const desired = desiredCopy(await this.blocks.active(), this.opts.now?.() ?? new Date());
    const actual = parseDatabaseShow(await this.astdb.show(BLOCK_FAMILY));
    const { put, del } = copyDiff(desired, actual);
    if (!put.length && !del.length) return;
    for (const [k, v] of put) await this.astdb.put(BLOCK_FAMILY, k, v);
    for (const k of del) await this.astdb.del(BLOCK_FAMILY, k);
    this.log.info({ written: put.length, removed: del.length, keys: desired.size }, 'blocked numbers written to Asterisk');
  }
}
