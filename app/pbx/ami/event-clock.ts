// When an AMI event happened, on Hotline's clock. Asterisk stamps each event with its own
// time (`Timestamp: <epoch seconds>.<µs>`, manager.conf `timestampevents = yes`); the time
// Hotline reads an event is later by however long its event loop or the socket held it
// (a 9 s stall on a loaded box moved queue events by 9 s and broke the reports' matching of
// AgentComplete to its call). A PBX's clock may also differ from Hotline's: its offset is
// taken as the smallest (read − stamped) of the last minute, the lag of an event that was
// read at once, so a stall (which only adds lag) does not move it and a clock step forward
// is followed at once. Events without a Timestamp (a customer's PBX without the option)
// are dated when read, as before.
import { fieldOf } from './parser.js';
import type { AmiMessage } from './types.js';

const BUCKET_MS = 10_000;
const BUCKETS = 6;

export class AmiEventClock {
  /** The smallest lag seen in each of the last BUCKETS periods of BUCKET_MS, by period. */
  private readonly lags = new Map<number, number>();

  /** When `msg` happened: its Timestamp moved onto Hotline's clock, never after it was read. */
  stamp(msg: AmiMessage, readAt: number = Date.now()): Date {
    const raw = fieldOf(msg, 'Timestamp');
    const stamped = raw ? Number(raw) * 1000 : Number.NaN;
    if (!Number.isFinite(stamped) || stamped <= 0) return new Date(readAt);
    const offset = this.offset(readAt - stamped, readAt);
    return new Date(Math.min(readAt, Math.round(stamped + offset)));
  }

  private offset(lag: number, readAt: number): number {
    const period = Math.floor(readAt / BUCKET_MS);
    const seen = this.lags.get(period);
    if (seen === undefined || lag < seen) this.lags.set(period, lag);
    let min = lag;
    for (const [p, l] of this.lags) {
      if (p <= period - BUCKETS) this.lags.delete(p);
      else if (l < min) min = l;
    }
    return min;
  }
}
