// Call records that no node follows any more. A node that dies (kill -9, power) after a call left
// Stasis for a queue, or after the caller hung up, never writes that call's end, and the node
// that takes over resumes only the calls still in the app. The active node therefore looks, a
// little after it took the app and then every `everyMs`, for records still open after `graceMs`
// that no session of its own drives and whose channel is not in the app: a channel Asterisk
// still has went on in the dialplan (handed off); a channel that is gone ended unrecorded. A
// call the dialplan itself runs (a compiled flow, handledBy 'dialplan') is left alone while its
// channel lives, and ended like the others once it is gone.
// Nothing is kept between sweeps: any active node finds the same records in the database.
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';
import type { CallControl } from '../pbx/ports.js';
import { DIALPLAN_HANDLER, type CallsService } from './calls.service.js';

export interface OrphanSweepOptions {
  /** A record younger than this is never touched (its call may be starting). */
  graceMs: number;
  everyMs: number;
  /** At most this many records per sweep. */
  batch?: number;
}

export class OrphanSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly calls: Pick<CallsService, 'openRecords' | 'finishIfOpen'>,
    private readonly control: Pick<CallControl, 'channelsNow'>,
    /** Whether this node drives the call on that channel now. */
    private readonly follows: (channelId: string) => boolean,
    private readonly log: Logger,
    private readonly opts: OrphanSweepOptions,
  ) {}

  /** This node took the app: sweep once the resumed calls have their sessions, then periodically. */
  start(): void {
    this.stop();
    const tick = (ms: number) => {
      this.timer = setTimeout(() => {
        void this.sweep().finally(() => tick(this.opts.everyMs));
      }, ms);
      this.timer.unref();
    };
    tick(Math.min(this.opts.graceMs, this.opts.everyMs));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One pass; answers how many records it ended. Never throws (a failed pass is logged; the next one tries again). */
  sweep(now = new Date()): Promise<number> {
    this.running ??= this.pass(now)
      .catch(logFailure(this.log, 'sweeping call records no node follows (next pass tries again)', { fallback: 0 }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<number> {
    const open = (await this.calls.openRecords(new Date(now.getTime() - this.opts.graceMs), this.opts.batch ?? 500)).filter((r) => !this.follows(r.channelId));
    if (!open.length) return 0;
    const { all, inApp } = await this.control.channelsNow();
    let ended = 0;
    for (const r of open) {
      if (inApp.has(r.channelId) || this.follows(r.channelId)) continue; // in the app: the recovery resumes it
      const up = all.has(r.channelId);
      if (up && r.handledBy === DIALPLAN_HANDLER) continue; // a compiled flow: the dialplan still runs it
      const cause = up ? 'left Stasis; its node stopped first' : 'ended while no node followed it';
      if (await this.calls.finishIfOpen(r, up ? 'handed_off' : 'failed', cause, now)) {
        ended++;
        this.log.warn({ callId: r.id, channelId: r.channelId, handledBy: r.handledBy, step: r.currentStep, outcome: up ? 'handed_off' : 'failed' }, 'call record no node followed: ended by the sweep');
      }
    }
    return ended;
  }
}
