import type { Logger } from '../logger.js';
import type { LinkState } from './ports.js';

// The SIP front (scripts/sip-front.cfg, Kamailio) in front of Asterisk: it refuses calls past the
// admission rate before Asterisk makes a channel for them. Hotline sets that rate over the
// front's JSON-RPC (the shared variable `interval`, microseconds between two admitted calls) and
// reads it back; the same rate the dialplan applies (HOTLINE_MAX_RATE), which stays in force for
// calls that do not come through the front.

/** Microseconds between two admitted calls at `callsPerSecond`. */
export function frontInterval(callsPerSecond: number): number {
  return Math.max(1, Math.round(1_000_000 / Math.max(1, callsPerSecond)));
}

/** Calls a second an interval admits (the inverse of frontInterval, rounded). */
export function frontRate(intervalUs: number): number {
  return Math.round(1_000_000 / Math.max(1, intervalUs));
}

/** What a front's counter added since it read `before`; a restarted front counts from 0 again. */
function countedSince(now: number, before: number): number {
  return now >= before ? now - before : now;
}

export class SipFront {
  private seq = 0;

  constructor(private readonly url: string, private readonly timeoutMs = 2000) {}

  /** Sets the front's admission rate. */
  async setRate(callsPerSecond: number): Promise<void> {
    await this.call('pv.shvSet', ['interval', 'int', frontInterval(callsPerSecond)]);
  }

  /** The rate the front applies now (calls/s). */
  async rate(): Promise<number> {
    return frontRate(await this.shared('interval'));
  }

  /** Calls the front refused since it started. */
  refused(): Promise<number> {
    return this.shared('refused');
  }

  /** Of them, those refused because Asterisk answered slowly (scripts/sip-front.cfg, HOTLINE_SIP_FRONT_MAX_ANSWER_MS). */
  slowRefused(): Promise<number> {
    return this.shared('slow');
  }

  /** Of them, those Asterisk had not begun to answer within the front's deadline (HOTLINE_SIP_FRONT_ANSWER_DEADLINE_MS): refused there, cancelled in Asterisk. */
  lateRefused(): Promise<number> {
    return this.shared('late');
  }

  /**
   * One of the front's shared integer variables (scripts/sip-front.cfg: its counters, the answer
   * time...). One variable a call: pv.shvGet without a name answers every variable, but as one JSON
   * object with the key "shv" repeated, which JSON.parse folds into the last one.
   */
  async shared(name: string): Promise<number> {
    const r = (await this.call('pv.shvGet', [name])) as { value?: unknown } | Array<{ value?: unknown }>;
    const value = Array.isArray(r) ? r[0]?.value : r?.value;
    if (typeof value !== 'number') throw new Error(`the SIP front answered pv.shvGet ${name} without a number`);
    return value;
  }

  private async call(method: string, params: unknown[]): Promise<unknown> {
    // A kept-alive connection the front closed (it restarted) fails once; a second try opens a new one.
    try {
      return await this.once(method, params);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      return this.once(method, params);
    }
  }

  private async once(method: string, params: unknown[]): Promise<unknown> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: ++this.seq }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`the SIP front answered ${method} with HTTP ${res.status}`);
    const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
    if (body.error) throw new Error(`the SIP front refused ${method}: ${body.error.message ?? 'error'}`);
    return body.result;
  }
}

/**
 * The active node's side of the front: sets the rate it is given, reads it back (and the front's
 * refusal count) on each check, keeps the link state for /health and logs a failing front once.
 */
/** The front's counters the active node reads back. */
const COUNTERS = {
  refused: (f: SipFront) => f.refused(),
  slow: (f: SipFront) => f.slowRefused(),
  late: (f: SipFront) => f.lateRefused(),
};
type Counter = keyof typeof COUNTERS;

export class FrontAdmission {
  private failing = false;
  /** Each counter at this node's last read; none until the first read since activation. */
  private last: Partial<Record<Counter, number>> = {};
  link: LinkState = { up: false, since: new Date(), detail: 'not reached yet (only the active node sets its rate)' };

  constructor(private readonly front: SipFront, private readonly log: Logger, private readonly onRefused: (calls: number) => void) {}

  set(callsPerSecond: number): void {
    this.front.setRate(callsPerSecond).then(() => this.ok(), this.failed('set'));
  }

  /** This node became active (or reconnected): its rate, and where its counts start. */
  activate(callsPerSecond: number): void {
    this.set(callsPerSecond);
    for (const c of Object.keys(COUNTERS) as Counter[]) {
      if (this.last[c] === undefined) void COUNTERS[c](this.front).then((n) => (this.last[c] ??= n), this.failed('read'));
    }
  }

  /** No longer active: what the front refuses from now on is another node's to count. */
  deactivate(): void {
    this.last = {};
  }

  /** Reads counter `c`: what it added since this node's last read (none on a first or failed read). */
  private async since(c: Counter): Promise<number | undefined> {
    const n = await COUNTERS[c](this.front).catch(this.failed('read'));
    if (n === undefined) return undefined;
    const before = this.last[c];
    this.last[c] = n;
    return before === undefined ? undefined : countedSince(n, before);
  }

  /** The read-back: refusals since the last read into the metric; a rate that is not `callsPerSecond` (a restarted front) set again. */
  async check(callsPerSecond: number): Promise<void> {
    const refused = await this.since('refused');
    if (refused !== undefined) this.onRefused(refused);
    // Refusals because Asterisk is behind (it answered slowly, or not by the deadline), whatever
    // the rate: said once a check.
    const slow = (await this.since('slow')) ?? 0;
    const late = (await this.since('late')) ?? 0;
    if (slow + late > 0) {
      this.log.warn({ slow, late }, 'the SIP front refused calls because Asterisk is behind: it answered slowly (HOTLINE_SIP_FRONT_MAX_ANSWER_MS) or not by the deadline (HOTLINE_SIP_FRONT_ANSWER_DEADLINE_MS)');
    }
    const at = await this.front.rate().then((r) => (this.ok(), r), this.failed('read'));
    if (at !== undefined && at !== frontRate(frontInterval(callsPerSecond))) {
      this.log.warn({ rate: at, expected: callsPerSecond }, 'the SIP front\'s admission rate was not Hotline\'s (restarted?): set again');
      this.set(callsPerSecond);
    }
  }

  private ok(): void {
    if (this.failing) this.log.info('the SIP front takes the admission rate again');
    if (!this.link.up) this.link = { up: true, since: new Date() };
    this.failing = false;
  }

  private failed(what: string): (err: Error) => undefined {
    return (err) => {
      if (!this.failing) {
        this.log.warn({ err: err.message }, `could not ${what} the SIP front's admission rate; the dialplan's still applies`);
        this.link = { up: false, since: new Date(), detail: err.message };
      }
      this.failing = true;
      return undefined;
    };
  }
}
