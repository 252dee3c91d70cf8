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

export class SipFront {
  private seq = 0;

  constructor(private readonly url: string, private readonly timeoutMs = 2000) {}

  /** Sets the front's admission rate. */
  async setRate(callsPerSecond: number): Promise<void> {
    await this.call('pv.shvSet', ['interval', 'int', frontInterval(callsPerSecond)]);
  }

  /** The rate the front applies now (calls/s). */
  async rate(): Promise<number> {
    const r = (await this.call('pv.shvGet', ['interval'])) as { value?: unknown } | Array<{ value?: unknown }>;
    const value = Array.isArray(r) ? r[0]?.value : r?.value;
    if (typeof value !== 'number') throw new Error('the SIP front answered pv.shvGet without a number');
    return frontRate(value);
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
