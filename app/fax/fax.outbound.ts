// Sends queued faxes. Only the active node runs it; every step is in the database first
// (queued -> sending with the attempt counted -> sent | queued again | failed), and the
// result of an attempt is kept in Asterisk by the dialplan: a node that takes over goes on
// with the faxes the dead node was sending, and no attempt is made twice.
import { mkdir, rm } from 'node:fs/promises';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { ActiveLoop } from '../ha/active-loop.js';
import type { FaxControl } from '../pbx/ports.js';
import { writeFaxImage } from './fax.documents.js';
import type { Fax } from './fax.entities.js';
import type { FaxService } from './fax.service.js';

export interface FaxSenderOptions {
  node: string;
  isActive: () => boolean;
  /** Asterisk dial string with {number}. */
  dialTemplate: string;
  callerNumber: string;
  callerName: string;
  ringSeconds: number;
  /** Wait before attempt n+1: retrySeconds * 2^(n-1). */
  retrySeconds: number;
  /** An attempt with no result after this long is failed (Asterisk lost it). */
  attemptTimeoutMs: number;
  everyMs?: number;
}

export function retryDelayMs(retrySeconds: number, attemptsMade: number): number {
  return retrySeconds * 1000 * 2 ** Math.max(0, attemptsMade - 1);
}

export class FaxSender {
  private readonly loop: ActiveLoop;

  constructor(
    private readonly faxes: FaxService,
    private readonly pbx: FaxControl,
    private readonly log: Logger,
    private readonly opts: FaxSenderOptions,
  ) {
    this.loop = new ActiveLoop(() => this.pass(), { isActive: () => this.opts.isActive(), everyMs: this.opts.everyMs, log: this.log, what: 'sending faxes' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async pass(): Promise<void> {
    for (const fax of await this.faxes.sending()) {
      if (!this.opts.isActive()) return;
      await this.collect(fax);
    }
    for (const fax of await this.faxes.due(new Date())) {
      if (!this.opts.isActive()) return;
      if (!(await this.faxes.claimAttempt(fax, this.opts.node))) continue;
      await this.attempt({ ...fax, attempts: fax.attempts + 1 } as Fax);
    }
  }

  private async attempt(fax: Fax): Promise<void> {
    const files = this.faxes.files(fax.id);
    try {
      await this.pbx.forget(fax.id); // no result of an earlier attempt may pass for this one's
      await mkdir(files.local.slice(0, files.local.lastIndexOf('/')), { recursive: true });
      await writeFaxImage(await this.faxes.pdf(fax.id), files.local);
      await this.pbx.send({ id: fax.id, dial: this.opts.dialTemplate.replace('{number}', fax.remoteNumber.replace(/^\+/, '')), file: files.pbx, callerNumber: this.opts.callerNumber, callerName: this.opts.callerName, ringSeconds: this.opts.ringSeconds });
      this.log.info({ faxId: fax.id, to: fax.remoteNumber, attempt: fax.attempts, of: fax.maxAttempts }, 'fax call placed');
    } catch (err) {
      this.log.warn({ faxId: fax.id, err: (err as Error).message }, 'could not place the fax call');
      await this.end(fax, { status: 'FAILED', pages: 0, rate: 0, error: `could not place the call: ${(err as Error).message}`, durationSeconds: null });
    }
  }

  private async collect(fax: Fax): Promise<void> {
    const r = await this.pbx.result(fax.id);
    if (!r) {
      if (fax.claimedAt && Date.now() - fax.claimedAt.getTime() > this.opts.attemptTimeoutMs) await this.end(fax, { status: 'FAILED', pages: 0, rate: 0, error: 'no result from Asterisk in time', durationSeconds: null });
      return;
    }
    const durationSeconds = r.startedAt && r.endedAt ? Math.max(0, Math.round((r.endedAt.getTime() - r.startedAt.getTime()) / 1000)) : null;
    const error = r.status.startsWith('NOANSWER') ? noAnswerReason(r.status) : `${r.error || r.status}${r.statusText ? `: ${r.statusText}` : ''}`;
    await this.end(fax, { status: r.status, pages: r.pages, rate: r.rate, error, durationSeconds });
    await this.pbx.forget(fax.id).catch(logFailure(this.log, 'dropping a fax result', { context: { faxId: fax.id } }));
  }

  private async end(fax: Fax, r: { status: string; pages: number; rate: number; error: string; durationSeconds: number | null }): Promise<void> {
    const ok = r.status === 'SUCCESS';
    const retryAt = !ok && fax.attempts < fax.maxAttempts ? new Date(Date.now() + retryDelayMs(this.opts.retrySeconds, fax.attempts)) : null;
    const status = await this.faxes.finishAttempt(fax, { ok, pages: r.pages, rate: r.rate, pbxStatus: r.status, error: r.error, durationSeconds: r.durationSeconds, retryAt });
    if (!status) return;
    this.log.info({ faxId: fax.id, status, attempt: fax.attempts, pbxStatus: r.status, pages: r.pages, retryAt }, status === 'sent' ? 'fax sent' : status === 'queued' ? 'fax attempt failed; will retry' : 'fax failed');
    if (status !== 'queued') await rm(this.faxes.files(fax.id).local, { force: true });
  }
}

/** Asterisk's originate reasons (dialplan `failed`): 1 hung up, 3 no answer, 5 busy, 8 congestion. */
function noAnswerReason(status: string): string {
  const reason = status.slice('NOANSWER-'.length);
  return { '0': 'the call failed', '1': 'hung up before answering', '3': 'no answer', '5': 'busy', '8': 'congestion' }[reason] ?? `not answered (${reason})`;
}
