// What a flow step can do with its call: answer, play, wait for digits, hand off, hang up.
// Each step is persisted on the call record before it acts, so a standby can resume it.
// Media are Asterisk media URIs: `sound:hello-world`, `digits:123`, `number:42`.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { ChannelGoneError, type CallControl, type DialplanTarget, type PbxCallEvent } from '../pbx/ports.js';
import { CallEnded, type CallSession } from './call-session.js';
import type { CallsService, PathEntry } from './calls.service.js';
import { settled } from '../log-failure.js';

const MAX_PROMPT_MS = 5 * 60_000;
const isDigit = (e: PbxCallEvent) => e.kind === 'dtmf';

export interface CollectOptions {
  minDigits: number;
  maxDigits: number;
  /** '#', '*' or 'none' */
  terminator: string;
  /** Wait for the first digit after the prompt, and between digits. */
  timeoutMs: number;
  bargeIn: boolean;
}

export interface CallContextHooks {
  /** Seconds from the caller's last digit to the next prompt starting (IVR latency metric). */
  onPromptAfterDigit?: (seconds: number) => void;
  /** Longest wait for a prompt's end (default 5 min); past it the flow goes on, with a warning. */
  maxPromptMs?: number;
}

export class CallContext {
  private readonly path: PathEntry[];
  private digits: string;

  constructor(
    readonly session: CallSession,
    private readonly control: CallControl,
    private readonly calls: CallsService,
    readonly log: Logger,
    resumed?: { path: PathEntry[]; digits: string },
    private readonly hooks: CallContextHooks = {},
  ) {
    this.path = resumed?.path ?? [];
    this.digits = resumed?.digits ?? '';
  }

  get callId(): string {
    return this.session.callId;
  }

  get channelId(): string {
    return this.session.channelId;
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

  /** Persists that the call is now at `step` (with the flow's state) before it acts. */
  async step(step: string, state?: unknown): Promise<void> {
    this.path.push({ step, at: new Date().toISOString() });
    await this.calls.step(this.callId, this.path, step, state);
  }

  /** Records a digit the flow consumed (all digits reach the record, in order). */
  async consumed(digits: string): Promise<void> {
    this.digits += digits;
    const last = this.path.at(-1);
    if (last) last.digit = (last.digit ?? '') + digits;
    await this.calls.digit(this.callId, this.digits, digits);
  }

  private newPlaybackId(): string {
    return `${this.callId}.${randomUUID().slice(0, 8)}`;
  }

  private async startPrompt(media: string[], playbackId: string): Promise<string> {
    await this.pbx(() => this.control.play(this.session.channelId, media, playbackId));
    this.log.debug({ playbackId, media }, 'prompt started');
    const since = this.session.takeLastDigitAt();
    if (since !== undefined) this.hooks.onPromptAfterDigit?.(Number(process.hrtime.bigint() - since) / 1e9);
    this.calls.prompt(this.callId, media.join(','), 'started');
    return playbackId;
  }

  private finished(playbackId: string) {
    return (e: PbxCallEvent) => e.kind === 'playback-finished' && e.playbackId === playbackId;
  }

  /**
   * Waits for `match` with the wait in place before `media` starts: a playback that ends (or
   * fails) before the play request's answer comes back is not missed.
   */
  private async playWatching(media: string[], match: (playbackId: string) => (e: PbxCallEvent) => boolean): Promise<{ playbackId: string; event: PbxCallEvent | null }> {
    const playbackId = this.newPlaybackId();
    const maxMs = this.hooks.maxPromptMs ?? MAX_PROMPT_MS;
    const waiting = this.session.waitFor(match(playbackId), maxMs);
    // A caller who hangs up while the play request is under way rejects the wait before anyone
    // awaits it; and if the prompt never starts, its end will not come and the wait means nothing.
    // Marked handled now (awaited below when the prompt started): never an unhandled rejection.
    void settled(waiting);
    await this.startPrompt(media, playbackId);
    const event = await waiting;
    // null without a resync: Asterisk never reported the prompt's end (PlaybackFinished) to this call.
    if (event === null && !this.session.resyncRequested) {
      this.log.warn({ callId: this.callId, playbackId, media, waitedMs: maxMs }, 'prompt did not report its end in time; the flow goes on');
    }
    return { playbackId, event };
  }

  async playAndWait(media: string[]): Promise<void> {
    const { event: done } = await this.playWatching(media, (id) => this.finished(id));
    this.calls.prompt(this.callId, media.join(','), done ? 'finished' : 'interrupted');
  }

  /**
   * Plays `media`; with barge-in a digit typed ahead or pressed during it is taken at
   * once (the prompt stops); otherwise digits pressed during the prompt are dropped.
   * Resolves with the prompt over: 'digit' (one is waiting in the type-ahead buffer) or
   * 'played'.
   */
  private async promptListening(media: string[], bargeIn: boolean): Promise<'digit' | 'played'> {
    if (!bargeIn) {
      this.session.clearTypeAhead();
      await this.playAndWait(media);
      this.session.clearTypeAhead();
      return 'played';
    }
    if (this.session.hasDigit()) return 'digit';
    const { playbackId, event: first } = await this.playWatching(media, (id) => (e) => isDigit(e) || this.finished(id)(e));
    if (first?.kind === 'dtmf') {
      await this.control.stopPlayback(playbackId);
      this.calls.prompt(this.callId, media.join(','), 'interrupted');
      return 'digit';
    }
    if (first === null && this.session.resyncRequested) return this.repeat(() => this.promptListening(media, bargeIn), media);
    this.calls.prompt(this.callId, media.join(','), 'finished');
    return 'played';
  }

  /** The next digit within `timeoutMs` (from the type-ahead buffer first), or null. */
  private async nextDigit(timeoutMs: number): Promise<string | null> {
    const buffered = this.session.takeDigit();
    if (buffered !== undefined) return buffered;
    const pressed = await this.session.waitFor(isDigit, timeoutMs);
    return pressed ? (this.session.takeDigit() ?? null) : null;
  }

  /** Plays `media` and returns the first digit pressed (during or up to `timeoutMs` after it), or null. */
  async promptForDigit(media: string[], timeoutMs: number, bargeIn = true): Promise<string | null> {
    await this.promptListening(media, bargeIn);
    const digit = await this.nextDigit(timeoutMs);
    if (digit === null && this.session.resyncRequested) return this.repeat(() => this.promptForDigit(media, timeoutMs, bargeIn), media);
    return digit;
  }

  /**
   * Plays `media` and collects up to maxDigits digits, ended early by the terminator or by
   * `timeoutMs` without a digit. Returns what was entered (without the terminator), or
   * null when nothing was.
   */
  async collect(media: string[], o: CollectOptions): Promise<string | null> {
    await this.promptListening(media, o.bargeIn);
    let entry = '';
    while (entry.length < o.maxDigits) {
      const digit = await this.nextDigit(o.timeoutMs);
      if (digit === null) {
        if (!entry && this.session.resyncRequested) return this.repeat(() => this.collect(media, o), media);
        break;
      }
      if (o.terminator !== 'none' && digit === o.terminator) break;
      entry += digit;
    }
    return entry || null;
  }

  /** After an ARI reconnect, events in the gap are lost: repeat the prompt. */
  private repeat<T>(again: () => Promise<T>, media: string[]): Promise<T> {
    this.session.resyncRequested = false;
    this.log.info({ callId: this.callId, media }, 'repeating the prompt after the PBX link came back');
    return again();
  }

  /** Records the caller into a stored recording `name`; resolves with its length in seconds. */
  async record(name: string, maxSeconds: number): Promise<{ durationSeconds: number; failed: boolean }> {
    await this.pbx(() => this.control.record(this.session.channelId, name, maxSeconds));
    // Written at once: a caller who hangs up to end the message still leaves it (Asterisk keeps the file).
    this.calls.addEvent(this.callId, 'recording.started', { name, maxSeconds });
    return this.awaitRecording(name, maxSeconds);
  }

  async recordingUnderWay(name: string): Promise<boolean> {
    let under = false;
    await this.pbx(async () => {
      under = await this.control.recordingUnderWay(this.session.channelId, name);
    });
    return under;
  }

  async awaitRecording(name: string, maxSeconds: number): Promise<{ durationSeconds: number; failed: boolean }> {
    const done = await this.session.waitFor((e) => e.kind === 'recording-finished' && e.name === name, (maxSeconds + 15) * 1000);
    if (done?.kind !== 'recording-finished') return { durationSeconds: 0, failed: true };
    this.calls.addEvent(this.callId, 'recording.finished', { name, durationSeconds: done.durationSeconds, failed: done.failed });
    return { durationSeconds: done.durationSeconds, failed: done.failed };
  }

  async hangup(): Promise<void> {
    await this.pbx(() => this.control.hangup(this.session.channelId));
  }

  /** Sends the call back to the dialplan's fallback branch (apology + queue). */
  async handBack(): Promise<void> {
    const reason = 'handed back to the dialplan fallback';
    this.session.expectLeave(reason, 'fallback');
    await this.pbx(() => this.control.handBack(this.session.channelId));
    this.session.end(reason, 'fallback');
  }

  /** Leaves Stasis for a dialplan destination (queue, transfer), with channel variables set first. */
  async handOff(target: DialplanTarget, variables: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(variables)) {
      await this.pbx(() => this.control.setVariable(this.session.channelId, name, value));
    }
    const reason = `handed off to ${target.context}/${target.extension}`;
    this.session.expectLeave(reason, 'destination');
    await this.pbx(() => this.control.handBack(this.session.channelId, target));
    this.session.end(reason, 'destination');
  }

  get state(): { path: PathEntry[]; digits: string } {
    return { path: this.path, digits: this.digits };
  }
}
