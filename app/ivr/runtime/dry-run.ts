// Walks a flow without a call: the given keys are "pressed" in order, and once they run
// out every wait times out. Returns the path, what would be played and how the call ends.
import type { CollectOptions } from '../../calls/call-context.js';
import type { Logger } from '../../logger.js';
import type { DialplanTarget } from '../../pbx/ports.js';
import type { FlowCall } from './runtime.js';

export interface DryRunResult {
  path: Array<{ step: string; digits?: string }>;
  played: string[][];
  end: { kind: 'hangup' | 'handoff' | 'fallback' | 'unfinished'; target?: DialplanTarget; variables?: Record<string, string> };
  variables: Record<string, string>;
}

export class DryRunCall implements FlowCall {
  readonly callId = 'dry-run';
  readonly channelId = 'dry-run';
  readonly result: DryRunResult = { path: [], played: [], end: { kind: 'unfinished' }, variables: {} };
  private readonly keys: string[];

  constructor(
    digits: string,
    readonly log: Logger,
  ) {
    this.keys = [...digits];
  }

  async answer() {}

  async step(step: string, state?: unknown) {
    this.result.path.push({ step });
    const vars = (state as { vars?: Record<string, string> } | undefined)?.vars;
    if (vars) this.result.variables = { ...vars };
  }

  async playAndWait(media: string[]) {
    this.result.played.push(media);
  }

  async promptForDigit(media: string[]) {
    this.result.played.push(media);
    return this.keys.shift() ?? null;
  }

  async collect(media: string[], o: CollectOptions) {
    this.result.played.push(media);
    let entry = '';
    while (entry.length < o.maxDigits && this.keys.length) {
      const key = this.keys.shift()!;
      if (o.terminator !== 'none' && key === o.terminator) break;
      entry += key;
    }
    return entry || null;
  }

  async consumed(digits: string) {
    const last = this.result.path.at(-1);
    if (last) last.digits = (last.digits ?? '') + digits;
  }

  async record() {
    return { durationSeconds: 0, failed: false };
  }

  async recordingUnderWay() {
    return false;
  }

  async awaitRecording() {
    return { durationSeconds: 0, failed: false };
  }

  async hangup() {
    this.result.end = { kind: 'hangup' };
  }

  async handBack() {
    this.result.end = { kind: 'fallback' };
  }

  async handOff(target: DialplanTarget, variables: Record<string, string>) {
    this.result.end = { kind: 'handoff', target, variables };
  }
}
