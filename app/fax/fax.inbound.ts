// Files received faxes. Only the active node runs it: every second it asks Asterisk (AstDB,
// over AMI) for the result of each fax still `receiving`, claims the fax in the database
// (one node wins), turns the TIFF into a PDF and files it. Nothing of this lives only in memory:
// the fax row and the AstDB result survive a node dying, and the node that takes over files it.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { ActiveLoop } from '../ha/active-loop.js';
import type { FaxControl } from '../pbx/ports.js';
import { pdfInfo, tiffToPdf } from './fax.convert.js';
import type { FaxCustomers, FaxService } from './fax.service.js';

export interface FaxCollectorOptions {
  node: string;
  isActive: () => boolean;
  /** A fax whose call never reached ReceiveFAX in this time is failed. */
  startGraceMs: number;
  /** Longest a fax may run before it is failed without a result. */
  maxCallMs: number;
  everyMs?: number;
  /** Numbers with fax-tone detection (their dialplan globals are (re)set while active). */
  detectNumbers?: string[];
}

const STALE_CLAIM_MS = 120_000;

export class FaxCollector {
  private readonly loop: ActiveLoop;

  constructor(
    private readonly faxes: FaxService,
    private readonly pbx: FaxControl,
    private readonly log: Logger,
    private readonly opts: FaxCollectorOptions,
    private readonly customers?: FaxCustomers,
  ) {
    this.loop = new ActiveLoop(() => this.pass(), { isActive: () => this.opts.isActive(), everyMs: this.opts.everyMs, log: this.log, what: 'filing received faxes' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now (also when a call comes back from ReceiveFAX). */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  private detectSetAt = 0;

  private async pass(): Promise<void> {
    if (this.opts.detectNumbers?.length && Date.now() - this.detectSetAt > 30_000) {
      await this.pbx.detectOn(this.opts.detectNumbers);
      this.detectSetAt = Date.now();
    }
    await this.faxes.releaseStale(STALE_CLAIM_MS);
    for (const fax of await this.faxes.receiving()) {
      if (!this.opts.isActive()) return;
      const result = await this.pbx.result(fax.id);
      const age = Date.now() - fax.createdAt.getTime();
      if (!result) {
        if (age > this.opts.maxCallMs) await this.faxes.failUnfinished(fax.id, 'no result from Asterisk');
        else if (age > this.opts.startGraceMs && !(await this.pbx.started(fax.id))) await this.faxes.failUnfinished(fax.id, 'the call ended before the fax started');
        continue;
      }
      if (!(await this.faxes.claim(fax.id, this.opts.node, STALE_CLAIM_MS))) continue;
      const file = this.faxes.files(fax.id).local;
      let pdf: Buffer | null = null;
      let pages = 0;
      if (result.pages > 0 && existsSync(file)) {
        pdf = await tiffToPdf(file);
        pages = (await pdfInfo(pdf)).pages;
      }
      const filed = await this.faxes.fileInbound(fax.id, this.opts.node, result, pdf, pages, this.customers);
      if (!filed) continue;
      this.log.info({ faxId: fax.id, status: filed.status, pages, rate: result.rate, caller: fax.remoteNumber, queue: fax.queue }, 'fax received and filed');
      await this.pbx.forget(fax.id).catch(logFailure(this.log, 'dropping a filed fax result from AstDB', { level: 'warn', context: { faxId: fax.id } }));
      await rm(file, { force: true });
    }
  }
}
