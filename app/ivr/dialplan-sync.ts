// Keeps the flows compiled into the dialplan (flow-dialplan.ts) what the database says: every
// number mapped to a published flow the dialplan can run. The active node writes
// extensions_hotline.conf when it takes over, when Asterisk's AMI connects, at once after a flow
// or number change through this node, and every `everyMs` (a change made through the other
// node); it writes only when the compiled dialplan differs from what it last wrote.
import { EntityNotFoundError } from 'typeorm';
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';
import type { DialplanControl } from '../pbx/dialplan-control.js';
import type { CompiledFlowLookup } from '../calls/dialplan-calls.js';
import { compilablePath, compiledSections, type CompiledNumber } from './flow-dialplan.js';
import type { IvrService } from './ivr.service.js';
import type { PromptLibrary } from './ivr.ports.js';

export interface DialplanSyncOptions {
  /** Numbers that listen for fax tones first (HOTLINE_FAX_DETECT_NUMBERS): never compiled. */
  faxDetectNumbers: string[];
  everyMs: number;
  /** false (HOTLINE_COMPILE_FLOWS=false): nothing is compiled; every number's calls go into the app. */
  enabled: boolean;
}

export class DialplanSync implements CompiledFlowLookup {
  private written: string | null = null;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ivr: Pick<IvrService, 'numbers' | 'publishedByName' | 'loadVersion' | 'onChange'>,
    private readonly prompts: Pick<PromptLibrary, 'soundFor'>,
    private readonly dialplan: DialplanControl,
    private readonly mayWrite: () => boolean,
    private readonly log: Logger,
    private readonly opts: DialplanSyncOptions,
  ) {
    ivr.onChange(() => void this.sync());
  }

  /** This node is active: write what the database says now, then keep it so. */
  start(): void {
    this.stop();
    this.written = null;
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asterisk (re)connected: it may be another Asterisk, or have lost the file; write it again. */
  linkUp(): void {
    if (!this.timer) return;
    this.written = null;
    void this.sync();
  }

  /** One pass (a pass already running is followed by one more). Never throws. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch(logFailure(this.log, 'writing the flows compiled into the dialplan (the next pass tries again)'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.sync();
        }
      });
    return this.running;
  }

  /** The numbers the dialplan runs now, by the database (also what the API reports). */
  async compiledNumbers(): Promise<CompiledNumber[]> {
    const out: CompiledNumber[] = [];
    if (!this.opts.enabled) return out;
    const soundOf = (name: string): string | null => {
      try {
        return this.prompts.soundFor(name);
      } catch {
        return null;
      }
    };
    for (const { number, flow } of await this.ivr.numbers()) {
      if (this.opts.faxDetectNumbers.includes(number)) continue;
      const published = await this.ivr.publishedByName(flow);
      const path = published && compilablePath(published.definition, soundOf);
      if (published && path) out.push({ number, versionId: published.versionId, path });
    }
    return out;
  }

  async compiledFlow(versionId: string): Promise<{ flowName: string; versionId: string } | null> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(versionId)) return null;
    const flow = await this.ivr.loadVersion(versionId).catch((err: unknown) => {
      if (err instanceof EntityNotFoundError) return null; // not a version of this database
      throw err;
    });
    return flow ? { flowName: flow.flowName, versionId: flow.versionId } : null;
  }

  private async pass(): Promise<void> {
    if (!this.timer || !this.mayWrite()) return;
    const numbers = await this.compiledNumbers();
    const sections = compiledSections(numbers);
    const text = JSON.stringify(sections);
    if (text === this.written) return;
    await this.dialplan.writeCompiled(sections);
    const first = this.written === null;
    this.written = text;
    this.log.info({ numbers: numbers.map((n) => n.number) }, first ? 'flows the dialplan runs by itself written to Asterisk' : 'flows the dialplan runs by itself changed in Asterisk');
  }
}
