// Work only the active node does, as a loop (the fax collector and sender, the voicemail
// collector): a pass every `everyMs` and on demand (tick), one pass at a time (a tick during a
// pass joins it), only while this node is active; a failed pass is logged and the next tick
// tries again. The work's state lives in the database, so the node that takes over goes on.
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';

export class ActiveLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private following: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly opts: { isActive: () => boolean; everyMs?: number; log: Logger; what: string; onFailure?: () => void },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.everyMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * A pass now, or the one under way. `fresh`: what changed may have been read before the pass
   * under way read it, so a pass that starts after it is waited for (one for every such caller).
   */
  tick(opts: { fresh?: boolean } = {}): Promise<void> {
    if (!this.opts.isActive()) return Promise.resolve();
    if (this.running && opts.fresh) {
      this.following ??= this.running.then(() => {
        this.following = null;
        return this.tick();
      });
      return this.following;
    }
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.opts.onFailure?.();
        logFailure(this.opts.log, this.opts.what, { level: 'warn' })(err);
      })
      .finally(() => (this.running = null));
    return this.running;
  }
}
