// Settles voicemail messages on the active node: a row still `recording` whose recording ended
// (the IVR said so), whose call ended (the caller hung up to end the message: Asterisk keeps the
// file, the IVR never saw RecordingFinished), or that is older than any recording could run, is
// looked up in Asterisk's stored recordings: there, it becomes `new` with its length from the WAV
// header; not there, `empty`. The rows are the only state: a node that takes over settles what
// another opened. Retention: done (and empty) messages older than `retentionDays` are deleted,
// their recording first.
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { ActiveLoop } from '../ha/active-loop.js';
import type { StoredRecordings } from '../pbx/ports.js';
import { WavError, wavSeconds } from '../recording/wav.js';
import type { VoicemailService } from './voicemail.service.js';
import { settleDue } from './voicemail.rules.js';

export interface VoicemailCollectorDeps {
  stored: StoredRecordings;
  /** Whether call `callId` has ended (its call record is closed). */
  callEnded(callId: string): Promise<boolean>;
  /** The customer of a caller's number, if the CRM knows one. */
  customerOf?(phone: string): Promise<string | null>;
}

export interface VoicemailCollectorOptions {
  isActive: () => boolean;
  everyMs?: number;
  /** Past createdAt + maxSeconds + this, a row still `recording` is settled whatever its call says (prompt, beep, a dead node). */
  marginMs: number;
  /** Done and empty messages are deleted after this many days (0: kept). */
  retentionDays: number;
}

/** Bytes of a stored WAV read to find its length (the header; the rest is not fetched). */
const HEAD_BYTES = 4096;

export class VoicemailCollector {
  private readonly loop: ActiveLoop;
  private purgedAt = 0;

  constructor(
    private readonly messages: VoicemailService,
    private readonly deps: VoicemailCollectorDeps,
    private readonly log: Logger,
    private readonly opts: VoicemailCollectorOptions,
  ) {
    this.loop = new ActiveLoop(() => this.pass(), { isActive: opts.isActive, everyMs: opts.everyMs ?? 2000, log, what: 'settling voicemail messages' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now (a call ended, a recording finished). */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async pass(): Promise<void> {
    const now = new Date();
    for (const row of await this.messages.recording()) {
      if (!this.opts.isActive()) return;
      const ended = !row.finishedAt && (await this.deps.callEnded(row.callId));
      if (!settleDue(row, ended, now, this.opts.marginMs)) continue;
      const stored = await this.stored(row.recording);
      const customerId = row.callerNumber && this.deps.customerOf ? await this.deps.customerOf(row.callerNumber) : null;
      const settled = await this.messages.settle(row.id, stored, customerId);
      if (settled) this.log.info({ voicemailId: row.id, callId: row.callId, mailbox: row.mailbox, status: settled.status, seconds: settled.seconds, recording: row.recording }, 'voicemail settled');
    }
    if (this.opts.retentionDays > 0 && Date.now() - this.purgedAt > 3_600_000) await this.purge();
  }

  /** The stored recording with its length in seconds (null: unreadable header), or null when Asterisk has none. */
  private async stored(name: string): Promise<{ seconds: number | null } | null> {
    const file = await this.deps.stored.open(name);
    if (!file) return null;
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const c of file.body) {
        chunks.push(c as Buffer);
        got += (c as Buffer).length;
        if (got >= HEAD_BYTES) break;
      }
    } finally {
      file.body.destroy();
    }
    try {
      return { seconds: wavSeconds(Buffer.concat(chunks), file.bytes ?? (got < HEAD_BYTES ? got : undefined)) };
    } catch (err) {
      if (!(err instanceof WavError)) throw err;
      this.log.warn({ recording: name, err: err.message }, 'a voicemail recording whose length cannot be read: filed without it');
      return { seconds: null };
    }
  }

  private async purge(): Promise<void> {
    const before = new Date(Date.now() - this.opts.retentionDays * 86_400_000);
    for (const row of await this.messages.expired(before)) {
      if (!this.opts.isActive()) return;
      try {
        await this.deps.stored.remove(row.recording);
        if (await this.messages.delete(row.id)) this.log.info({ voicemailId: row.id, mailbox: row.mailbox, recording: row.recording }, 'voicemail deleted after its retention');
      } catch (err) {
        logFailure(this.log, 'deleting an expired voicemail', { level: 'warn', context: { voicemailId: row.id } })(err);
        return;
      }
    }
    this.purgedAt = Date.now();
  }
}
