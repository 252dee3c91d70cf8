// A link that stays down must not flood the log (an unreachable AMI retried every 3-5 s wrote
// about 1,100 lines an hour): the first failed attempt of an outage is logged, then at most one
// line per interval with how many attempts failed since the last line; the line saying the
// link is back carries the outage's totals.

export interface OutageNote {
  /** The first failure of this outage (otherwise a periodic reminder). */
  first: boolean;
  /** Attempts that failed since the previous line (1 on the first). */
  failedAttempts: number;
  downForMs: number;
}

export class OutageLog {
  private downSince: number | null = null;
  private lastLineAt = 0;
  private sinceLine = 0;
  private total = 0;

  constructor(
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** One failed attempt: what to log now, or undefined to stay quiet. */
  failed(): OutageNote | undefined {
    const t = this.now();
    this.total++;
    this.sinceLine++;
    if (this.downSince === null) this.downSince = t;
    else if (t - this.lastLineAt < this.everyMs) return undefined;
    const note = { first: this.total === 1, failedAttempts: this.sinceLine, downForMs: t - this.downSince };
    this.lastLineAt = t;
    this.sinceLine = 0;
    return note;
  }

  /** The link is up: ends the outage; its totals, or undefined if there was none. */
  recovered(): { failedAttempts: number; downForMs: number } | undefined {
    if (this.downSince === null) return undefined;
    const totals = { failedAttempts: this.total, downForMs: this.now() - this.downSince };
    this.downSince = null;
    this.total = 0;
    this.sinceLine = 0;
    return totals;
  }
}
