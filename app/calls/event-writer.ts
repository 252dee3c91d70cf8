// Writes call timeline events in batches (one multi-row INSERT every few ms), so the
// timeline costs one statement per batch instead of one per event. The call record itself
// — the state a standby resumes from — is never batched.
import type { DataSource } from 'typeorm';
import { CallEvent } from './calls.entities.js';
import { settled } from '../log-failure.js';

type Row = Pick<CallEvent, 'callId' | 'at' | 'type' | 'detail'>;

export class EventWriter {
  private pending: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly db: DataSource,
    private readonly onError: (err: Error, lost: number) => void,
    private readonly delayMs = 20,
    private readonly maxBatch = 500,
  ) {}

  add(row: Row): void {
    this.pending.push(row);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Resolves once every event added so far is in the database. */
  async flushed(): Promise<void> {
    if (!this.pending.length) return this.current;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    return done;
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current) await settled(this.current); // its failure went to onError and its waiters
    if (!this.pending.length) return;
    const rows = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.current = this.db
      .createQueryBuilder()
      .insert()
      .into(CallEvent)
      .values(rows)
      .updateEntity(false)
      .execute()
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err: Error) => {
          this.onError(err, rows.length);
          waiters.forEach((w) => w.reject(err));
        },
      )
      .finally(() => {
        this.current = undefined;
      });
    await this.current;
    if (this.pending.length && !this.timer) this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
