// One call inside the Stasis app: receives that channel's events and lets a flow wait
// for the next one it needs (with a deadline). When the caller hangs up, every wait
// rejects with CallEnded, so a flow stops at once wherever it is.
import type { PbxCallEvent } from '../pbx/ports.js';

export class CallEnded extends Error {
  constructor(
    readonly reason: string,
    /** Set when Hotline itself passed the call to the dialplan: its fallback, or a destination (queue, transfer). */
    readonly handedTo?: 'fallback' | 'destination' | 'another node',
  ) {
    super(`call ended (${reason})`);
    this.name = 'CallEnded';
  }
}

type Waiter = {
  match: (e: PbxCallEvent) => boolean;
  resolve: (e: PbxCallEvent | null) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
};

export class CallSession {
  /** Digits received and not yet consumed by a flow step (type-ahead / barge-in). */
  private readonly typeAhead: string[] = [];
  private waiters: Waiter[] = [];
  private endedBy: CallEnded | undefined;
  private lastDigitAt: bigint | undefined;
  private leaving: { reason: string; handedTo: 'fallback' | 'destination' } | undefined;

  /**
   * Hotline is about to send the call out of Stasis: the StasisEnd that follows (it can
   * arrive before the command's own response) means that, not a caller who left.
   */
  expectLeave(reason: string, handedTo: 'fallback' | 'destination'): void {
    this.leaving = { reason, handedTo };
  }

  /** Set when the ARI link came back: the current step should repeat its prompt. */
  resyncRequested = false;

  constructor(
    readonly callId: string,
    readonly channelId: string,
    readonly startedAt: Date,
  ) {}

  get ended(): CallEnded | undefined {
    return this.endedBy;
  }

  deliver(event: PbxCallEvent): void {
    if (this.endedBy) return;
    if (event.kind === 'left' && this.leaving) {
      this.end(this.leaving.reason, this.leaving.handedTo);
      return;
    }
    if (event.kind === 'hangup' || event.kind === 'left') {
      this.end(event.kind === 'hangup' ? event.cause : 'left the app');
      return;
    }
    if (event.kind === 'dtmf') {
      this.typeAhead.push(event.digit);
      this.lastDigitAt = process.hrtime.bigint();
    }
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.removeWaiter(w);
        w.resolve(event);
      }
    }
  }

  end(cause: string, handedTo?: 'fallback' | 'destination' | 'another node'): void {
    if (this.endedBy) return;
    this.endedBy = new CallEnded(cause, handedTo);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(this.endedBy);
    }
    this.waiters = [];
  }

  /** Takes the oldest digit typed ahead, if any. */
  takeDigit(): string | undefined {
    return this.typeAhead.shift();
  }

  hasDigit(): boolean {
    return this.typeAhead.length > 0;
  }

  /** When the last digit arrived (hrtime), once: for the digit-to-prompt latency. */
  takeLastDigitAt(): bigint | undefined {
    const at = this.lastDigitAt;
    this.lastDigitAt = undefined;
    return at;
  }

  clearTypeAhead(): void {
    this.typeAhead.length = 0;
  }

  /** Resolves with the first matching event, or null after `timeoutMs`. */
  waitFor(match: (e: PbxCallEvent) => boolean, timeoutMs: number): Promise<PbxCallEvent | null> {
    if (this.endedBy) return Promise.reject(this.endedBy);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.removeWaiter(waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Wakes every wait with `null`, e.g. to repeat a prompt after a reconnect. */
  interrupt(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    this.waiters = [];
  }

  private removeWaiter(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
  }
}
