// Exponential backoff with full jitter, for reconnecting forever.
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 5000,
  ) {}
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
  reset(): void {
    this.attempt = 0;
  }
}

/** Up/down state of a link, with the time of the last change (for /health). */
export interface LinkState {
  up: boolean;
  since: Date;
  detail?: string;
  /** Not configured: not counted in the overall status. */
  disabled?: boolean;
}
