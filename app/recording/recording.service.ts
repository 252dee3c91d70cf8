// Recording queue calls: when an agent answers, the queue's policy decides (all, none, a share,
// or on demand); MixMonitor then runs on the caller's channel until the call ends. The agent
// pauses and resumes it (silence is written meanwhile; the span is marked on the call's
// timeline). Once Asterisk has closed the files, the active node claims the recording (a
// conditional update: one node only) and moves it into the store.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { In, IsNull, LessThan, type DataSource, type Repository } from 'typeorm';
import type { RecordingSettings } from '../acd/acd.schemas.js';
import type { AnsweredQueueCall } from '../acd/acd.calls.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { ChannelGoneError, FencedError, type RecordingControl } from '../pbx/ports.js';
import { NoLiveRecordingError, RecordingPbxError } from './recording.errors.js';
import { Recording, type PausedSpan } from './recording.entities.js';
import { spoolNames, type RecordingStore, type StoredRecording } from './recording.store.js';
import { flagsColumn, type Analysis } from './recording.signals.js';

/** A claim on a recording's move older than this belongs to a node that died: it is taken again. */
const STALE_CLAIM_MS = 5 * 60_000;

export interface RecordingDeps {
  db: DataSource;
  pbx: RecordingControl;
  store: RecordingStore;
  /** MixMonitor's spool directory as Asterisk names it. */
  asteriskSpoolDir: string;
  settingsOf: (queue: string) => Promise<RecordingSettings | null>;
  customerOf: (number: string) => Promise<string | null>;
  /** Marks the call's timeline (calls module). */
  timeline: (callId: string, type: string, detail: unknown, at: Date) => void;
  /** Only the active node records and moves files. */
  isActive: () => boolean;
  /** Analyses the moved files before the recording is marked stored (signals, keywords, flags). */
  analyse?: (rec: Recording, stored: StoredRecording) => Promise<Analysis>;
  /** Flags other modules hold for a call (the survey's `unsatisfied`), added once its recording is stored. */
  callFlags?: (callId: string) => Promise<string[]>;
  log: Logger;
  random?: () => number;
}

export function shouldRecord(s: RecordingSettings, random: () => number): 'record' | 'idle' | 'skip' {
  if (s.mode === 'all') return 'record';
  if (s.mode === 'percent') return random() * 100 < s.percent ? 'record' : 'skip';
  if (s.mode === 'on_demand') return 'idle';
  return 'skip';
}

/** A recording row before any file: what is known of the call, nothing recorded yet. */
function newRecording(r: Pick<Recording, 'id' | 'callId' | 'uniqueid' | 'channel' | 'queue' | 'agentId' | 'customerId' | 'status' | 'answeredAt'> & { callerNumber: string }): Recording {
  return {
    id: r.id, callId: r.callId, uniqueid: r.uniqueid.slice(0, 128), channel: r.channel.slice(0, 128), queue: r.queue, agentId: r.agentId,
    customerNumber: r.callerNumber.slice(0, 64), customerId: r.customerId, status: r.status, answeredAt: r.answeredAt, startedAt: null, endedAt: null, durationMs: null,
    legs: '[]', pauses: '[]', signals: null, keywords: null, flags: '', claimedAt: null, purgeAfter: null, error: null,
  };
}

export class RecordingService {
  private readonly repo: Repository<Recording>;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly d: RecordingDeps) {
    this.repo = d.db.getRepository(Recording);
  }

  // ---- the call's side --------------------------------------------------------------------

  /**
   * A caller is handed to queues (the queue, then its overflow): for each queue whose policy
   * records this call, a recording is armed and its spool name returned. The dialplan sets
   * MixMonitor (only while bridged) on the caller's channel before Queue() rings anyone, so the
   * file starts at the bridge however late Hotline hears of the answer (a burst of answers
   * delays AgentConnect by a second and more). Returns the key per queue ('' where none).
   */
  async arm(call: { callId: string | null; uniqueid: string; callerNumber: string }, queues: string[]): Promise<string[]> {
    if (!this.d.isActive() || !call.uniqueid) return queues.map(() => '');
    const keys: string[] = [];
    for (const queue of queues) {
      const s = queue ? await this.d.settingsOf(queue) : null;
      if (!s || shouldRecord(s, this.d.random ?? Math.random) !== 'record') {
        keys.push('');
        continue;
      }
      const id = randomUUID();
      await this.repo.insert(newRecording({ id, callId: call.callId, uniqueid: call.uniqueid, channel: '', queue, agentId: null, callerNumber: call.callerNumber, customerId: null, status: 'armed', answeredAt: new Date() }));
      keys.push(id);
    }
    return keys;
  }

  /** An agent answered a queue caller: the recording armed for this queue goes on; otherwise record per the queue's policy. */
  async onAnswered(a: AnsweredQueueCall): Promise<void> {
    if (!this.d.isActive() || !a.channel) return;
    const armed = await this.repo.find({ where: { uniqueid: a.uniqueid, status: 'armed' } });
    const mine = armed.find((r) => r.queue === a.queue);
    // Armed for a queue the caller left (overflow): the dialplan stopped its MixMonitor; its empty files go.
    const others = armed.filter((r) => r !== mine).map((r) => r.id);
    if (others.length) await this.repo.update({ id: In(others), status: 'armed' }, { status: 'discarding', endedAt: a.at });
    if (mine) {
      const customerId = await this.customerOf(a.callerNumber);
      // The file's time 0 is the bridge: the answer.
      const taken = await this.repo.update({ id: mine.id, status: 'armed' }, {
        status: 'recording', callId: a.callId ?? mine.callId, channel: a.channel.slice(0, 128), agentId: a.agentId, customerNumber: a.callerNumber.slice(0, 64), customerId, answeredAt: a.at, startedAt: a.at,
      });
      if (taken.affected && (a.callId ?? mine.callId)) this.d.timeline((a.callId ?? mine.callId)!, 'recording.started', { recordingId: mine.id }, a.at);
      return;
    }
    const s = await this.d.settingsOf(a.queue);
    if (!s) return;
    const decision = shouldRecord(s, this.d.random ?? Math.random);
    if (decision === 'skip') return;
    const row = newRecording({
      id: randomUUID(), callId: a.callId, uniqueid: a.uniqueid, channel: a.channel, queue: a.queue, agentId: a.agentId,
      callerNumber: a.callerNumber, customerId: await this.customerOf(a.callerNumber), status: decision === 'record' ? 'recording' : 'idle', answeredAt: a.at,
    });
    await this.repo.insert(row);
    if (decision === 'record') await this.begin(row);
  }

  private customerOf(number: string): Promise<string | null> {
    return this.d.customerOf(number).catch(logFailure(this.d.log, 'looking up the recorded caller', { fallback: null }));
  }

  /** The call of `uniqueid` ended: an on-demand call never recorded leaves nothing behind; the rest waits for Asterisk's files. */
  async onEnded(uniqueid: string, at: Date): Promise<void> {
    await this.repo.delete({ uniqueid, status: 'idle' });
    // Armed and never answered: Asterisk closes the (empty) files as the channel goes; the sweep removes them.
    await this.repo.update({ uniqueid, status: 'armed' }, { status: 'discarding', endedAt: at });
    await this.repo.update({ uniqueid, status: In(['recording']), endedAt: IsNull() }, { endedAt: at });
    this.kick();
  }

  private async begin(row: Recording): Promise<void> {
    const names = spoolNames(row.id);
    const at = (n: string) => `${this.d.asteriskSpoolDir}/${n}`;
    try {
      await this.d.pbx.start(row.channel, { mixed: at(names.mixed), received: at(names.caller), transmitted: at(names.agent), doneMarker: at(names.done) });
    } catch (err) {
      await this.repo.delete({ id: row.id });
      if (err instanceof ChannelGoneError) return; // hung up as it was answered
      if (err instanceof FencedError) throw new RecordingPbxError('this node is not the active one; try again in a moment');
      this.d.log.error({ err: (err as Error).message, queue: row.queue }, 'starting MixMonitor failed: the call is not recorded');
      throw new RecordingPbxError(`the recording could not start: ${(err as Error).message}`);
    }
    const startedAt = new Date();
    await this.repo.update({ id: row.id }, { status: 'recording', startedAt });
    if (row.callId) this.d.timeline(row.callId, 'recording.started', { recordingId: row.id }, startedAt);
  }

  /** The agent's call being recorded (or recordable) now. */
  private async liveOf(agentId: string, statuses: Array<Recording['status']>): Promise<Recording | null> {
    return this.repo.findOne({ where: { agentId, status: In(statuses), endedAt: IsNull() }, order: { answeredAt: 'DESC' } });
  }

  /** The agent's current recording and whether it is paused (the desktop's button). */
  async live(agentId: string): Promise<{ id: string; status: 'idle' | 'recording'; paused: boolean } | null> {
    const r = await this.liveOf(agentId, ['idle', 'recording']);
    if (!r) return null;
    const pauses = JSON.parse(r.pauses) as PausedSpan[];
    return { id: r.id, status: r.status as 'idle' | 'recording', paused: pauses.some((p) => p.to === null) };
  }

  /** On demand: the agent starts recording the call now. */
  async startOnDemand(agentId: string): Promise<{ id: string }> {
    const r = await this.liveOf(agentId, ['idle']);
    if (!r) throw new NoLiveRecordingError('the agent has no call that may be recorded on demand (not on a call, already recording, or the queue records none)');
    await this.begin(r);
    return { id: r.id };
  }

  async pause(agentId: string, paused: boolean): Promise<{ id: string; paused: boolean; offsetSeconds: number }> {
    const r = await this.liveOf(agentId, ['recording']);
    if (!r || !r.startedAt) throw new NoLiveRecordingError('the agent has no call being recorded');
    const pauses = JSON.parse(r.pauses) as PausedSpan[];
    const open = pauses.find((p) => p.to === null);
    if (paused === !!open) return { id: r.id, paused, offsetSeconds: open?.from ?? pauses.at(-1)?.to ?? 0 };
    try {
      await this.d.pbx.mute(r.channel, paused);
    } catch (err) {
      if (err instanceof ChannelGoneError) throw new NoLiveRecordingError('the call has ended');
      throw new RecordingPbxError(err instanceof FencedError ? 'this node is not the active one; try again in a moment' : (err as Error).message);
    }
    const at = new Date();
    const offsetSeconds = Math.round((at.getTime() - r.startedAt.getTime()) / 10) / 100;
    if (paused) pauses.push({ from: offsetSeconds, to: null });
    else open!.to = offsetSeconds;
    await this.repo.update({ id: r.id }, { pauses: JSON.stringify(pauses) });
    if (r.callId) this.d.timeline(r.callId, paused ? 'recording.paused' : 'recording.resumed', { recordingId: r.id, offsetSeconds }, at);
    return { id: r.id, paused, offsetSeconds };
  }

  // ---- moving finished recordings into the store ------------------------------------------

  start(everyMs = 1000): void {
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Looks for finished recordings now (one sweep at a time). */
  kick(): void {
    if (this.sweeping || !this.d.isActive()) return;
    this.sweeping = this.sweep()
      .catch(logFailure(this.d.log, 'moving finished recordings', { level: 'error' }))
      .finally(() => (this.sweeping = undefined));
  }

  /** Resolves when every recording whose files are closed is stored (tests). */
  async sweep(): Promise<void> {
    const stale = new Date(Date.now() - STALE_CLAIM_MS);
    const candidates = [
      ...(await this.repo.find({ where: { status: 'recording' }, take: 200 })),
      ...(await this.repo.find({ where: { status: 'storing', claimedAt: LessThan(stale) }, take: 50 })),
    ];
    await this.discard();
    for (const r of candidates) {
      if (r.status === 'recording' && !existsSync(join(this.d.store.spoolDir, spoolNames(r.id).done))) continue;
      const claimedAt = new Date();
      const claim = await this.repo.update({ id: r.id, status: r.status, ...(r.status === 'storing' ? { claimedAt: LessThan(stale) } : {}) }, { status: 'storing', claimedAt });
      if (!claim.affected) continue; // another node has it
      await this.storeOne({ ...r, claimedAt });
    }
  }

  /**
   * Removes the spool files of armed recordings that never became one (the call ended unanswered,
   * or was answered in another queue) once Asterisk has closed them; also armed rows whose files
   * Asterisk closed while Hotline never heard of the answer (the call is over: nothing to attach them to).
   */
  private async discard(): Promise<void> {
    const stale = new Date(Date.now() - STALE_CLAIM_MS);
    const rows = [
      ...(await this.repo.find({ where: { status: 'discarding' }, take: 200 })),
      ...(await this.repo.find({ where: { status: 'armed', answeredAt: LessThan(stale) }, take: 200 })),
    ];
    for (const r of rows) {
      const closed = existsSync(join(this.d.store.spoolDir, spoolNames(r.id).done));
      // Never armed in Asterisk (the hand-off failed) leaves no done marker: gone after the claim age.
      if (!closed && (r.endedAt ?? r.answeredAt) > stale) continue;
      if (r.status === 'armed' && !closed) continue;
      await this.d.store.clearSpool(r.id);
      await this.repo.delete({ id: r.id, status: r.status });
    }
  }

  /**
   * Adds flags to the stored recordings of a call (a caller who answered the survey unsatisfied):
   * QA finds them as it finds the signals' flags. A recording not stored yet gets them when it is
   * (callFlags). Returns how many recordings changed.
   */
  async addFlags(callId: string, flags: string[]): Promise<number> {
    let changed = 0;
    for (const rec of await this.repo.find({ where: { callId, status: 'stored' } })) {
      const had = rec.flags.split(',').filter(Boolean);
      const added = flags.filter((f) => !had.includes(f));
      if (!added.length) continue;
      await this.repo.update({ id: rec.id }, { flags: flagsColumn([...had, ...added]) });
      this.d.timeline(callId, 'recording.flagged', { recordingId: rec.id, flags: added }, new Date());
      changed++;
    }
    return changed;
  }

  private async storeOne(r: Recording): Promise<void> {
    try {
      const stored = await this.d.store.store(r.id, r.answeredAt);
      // Analysed under the storing claim: a node that dies here leaves the recording `storing`
      // with its spool files, and the next active node redoes the move and the analysis.
      const analysis = this.d.analyse ? await this.d.analyse(r, stored).catch(logFailure(this.d.log, 'analysing a stored recording', { level: 'error', context: { recording: r.id }, fallback: null })) : null;
      const settings = await this.d.settingsOf(r.queue);
      const endedAt = r.endedAt ?? new Date();
      const purgeAfter = new Date(endedAt.getTime() + (settings?.retentionDays ?? 365) * 86_400_000);
      await this.repo.update({ id: r.id, status: 'storing' }, { status: 'stored', legs: JSON.stringify(stored.legs), durationMs: stored.durationMs, endedAt, purgeAfter, error: null, ...(analysis?.columns ?? {}) });
      // On the timeline in the same turn as the row says `stored` (no await between): whoever reads
      // the call through this node after seeing the recording stored finds these events too.
      const now = new Date();
      if (r.callId) this.d.timeline(r.callId, 'recording.stored', { recordingId: r.id, durationMs: stored.durationMs }, now);
      if (r.callId && analysis?.flags.length) {
        const keywords = analysis.keywords.map((k) => ({ phrase: k.phrase, leg: k.leg, at: k.from }));
        this.d.timeline(r.callId, 'recording.flagged', { recordingId: r.id, flags: analysis.flags, ...(keywords.length ? { keywords } : {}) }, new Date(now.getTime() + 1));
      }
      await this.d.store.clearSpool(r.id);
      // Asked after the row says stored: a flag given before this is found here, one given after
      // finds the recording stored (addFlags), so none is lost between the two.
      if (r.callId && this.d.callFlags) {
        const extra = await this.d.callFlags(r.callId).catch(logFailure(this.d.log, 'reading the flags other modules hold for a call', { context: { recording: r.id }, fallback: [] as string[] }));
        if (extra.length) await this.addFlags(r.callId, extra);
      }
    } catch (err) {
      this.d.log.error({ err: (err as Error).message, recording: r.id }, 'storing a recording failed');
      await this.repo.update({ id: r.id }, { status: 'failed', error: (err as Error).message.slice(0, 255) });
    }
  }
}
