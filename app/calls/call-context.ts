// What a flow step can do with its call: answer, play, wait for digits, hang up. Each
// step is persisted on the call record before it acts, so a standby can resume it.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { ChannelGoneError, type CallControl, type PbxCallEvent } from '../pbx/ports.js';
import { CallEnded, type CallSession } from './call-session.js';
import type { CallsService, PathEntry } from './calls.service.js';

const MAX_PROMPT_MS = 5 * 60_000;

export class CallContext {
  private readonly path: PathEntry[];
  private digits: string;

  constructor(
    readonly session: CallSession,
    private readonly control: CallControl,
    private readonly calls: CallsService,
    readonly log: Logger,
    resumed?: { path: PathEntry[]; digits: string },
  ) {
    this.path = resumed?.path ?? [];
    this.digits = resumed?.digits ?? '';
  }

  get callId(): string {
    return this.session.callId;
  }

  /** Runs a PBX command; a channel that is gone means the caller has hung up. */
  private async pbx(run: () => Promise<void>): Promise<void> {
    if (this.session.ended) throw this.session.ended;
    try {
      await run();
    } catch (err) {
      if (err instanceof ChannelGoneError) {
        this.session.end('gone');
        throw this.session.ended ?? new CallEnded('gone');
      }
      throw err;
    }
  }

  async answer(): Promise<void> {
    await this.pbx(() => this.control.answer(this.session.channelId));
    await this.calls.answered(this.callId, new Date());
  }

  async step(step: string, digit?: string): Promise<void> {
    this.path.push({ step, at: new Date().toISOString(), ...(digit !== undefined ? { digit } : {}) });
    await this.calls.step(this.callId, this.path, step);
  }

  /** Records a digit the flow consumed (all digits reach the record, in order). */
  async consumed(digit: string): Promise<void> {
    this.digits += digit;
    await this.calls.digit(this.callId, this.digits, digit);
  }

  private async startPrompt(media: string): Promise<string> {
    const playbackId = `${this.callId}.${randomUUID().slice(0, 8)}`;
    await this.pbx(() => this.control.play(this.session.channelId, media, playbackId));
    this.calls.prompt(this.callId, media, 'started');
    return playbackId;
  }

  private finished(playbackId: string) {
    return (e: PbxCallEvent) => e.kind === 'playback-finished' && e.playbackId === playbackId;
  }

  async playAndWait(media: string): Promise<void> {
    const playbackId = await this.startPrompt(media);
    const done = await this.session.waitFor(this.finished(playbackId), MAX_PROMPT_MS);
    this.calls.prompt(this.callId, media, done ? 'finished' : 'interrupted');
  }

  /**
   * Plays `media` and returns the first digit pressed — during the prompt (barge-in:
   * the prompt stops) or up to `timeoutMs` after it — or null on timeout.
   */
  async promptForDigit(media: string, timeoutMs: number): Promise<string | null> {
    const early = this.session.takeDigit();
    if (early !== undefined) return early;
    const playbackId = await this.startPrompt(media);
    const isDigit = (e: PbxCallEvent) => e.kind === 'dtmf';
    const first = await this.session.waitFor((e) => isDigit(e) || this.finished(playbackId)(e), MAX_PROMPT_MS);
    if (first?.kind === 'dtmf') {
      await this.control.stopPlayback(playbackId);
      this.calls.prompt(this.callId, media, 'interrupted');
      return this.session.takeDigit() ?? null;
    }
    if (first === null && this.session.resyncRequested) return this.repeatAfterResync(media, timeoutMs);
    this.calls.prompt(this.callId, media, 'finished');
    const pressed = await this.session.waitFor(isDigit, timeoutMs);
    if (pressed === null && this.session.resyncRequested) return this.repeatAfterResync(media, timeoutMs);
    return pressed ? (this.session.takeDigit() ?? null) : null;
  }

  /** After an ARI reconnect, events in the gap are lost: repeat the prompt. */
  private repeatAfterResync(media: string, timeoutMs: number): Promise<string | null> {
    this.session.resyncRequested = false;
    this.log.info({ callId: this.callId, media }, 'repeating the prompt after the PBX link came back');
    return this.promptForDigit(media, timeoutMs);
  }

  async hangup(): Promise<void> {
    await this.pbx(() => this.control.hangup(this.session.channelId));
  }

  /** Sends the call back to the dialplan's fallback branch (apology + queue). */
  async handBack(): Promise<void> {
    await this.pbx(() => this.control.handBack(this.session.channelId));
  }

  get state(): { path: PathEntry[]; digits: string } {
    return { path: this.path, digits: this.digits };
  }
}
