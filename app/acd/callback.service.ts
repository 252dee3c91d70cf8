// Callbacks that keep the caller's place. A waiting caller presses the queue's callback key;
// Asterisk takes them out of Queue() with QUEUEPOSITION and into Hotline, which stores the
// request and puts a placeholder (a Local channel) into the queue at that position with the
// caller's priority, then lets the caller hang up. When the placeholder's turn comes and an
// agent answers it, its other side dials the customer with the agent listening.
//
// Everything is persisted or lives in Asterisk, so a node that takes over carries on:
// - the row says which placeholder (`seq`) should be in the queue and whether Asterisk took it
//   (`placedSeq`); placeholder channel ids derive from (id, seq), so placing twice finds the
//   first one instead of making a second;
// - each side of a placeholder writes its result into AstDB when it ends; a placeholder that is
//   gone is judged by those results, never placed again once it ran;
// - retries are a `next_at` in the row, taken by a conditional update (only one node wins).
import { randomUUID } from 'node:crypto';
import { In, LessThanOrEqual, MoreThanOrEqual, type DataSource } from 'typeorm';
import { AppError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { FencedError, type CallbackControl, type CallControl, type CallInfo, type QueueEvent } from '../pbx/ports.js';
import type { AcdConfig } from './acd.config.js';
import type { LiveHub } from './acd.live.js';
import { DIALABLE_NUMBER, outboundDialString, type QueueSettings } from './acd.schemas.js';
import { AcdCallback, callbackKey, OPEN_CALLBACK_STATUSES, type CallbackStatus } from './callback.entities.js';
import { logFailure, settled } from '../log-failure.js';
import { ignoreChannelGone, isChannelGone } from '../pbx/gone.js';

export const CALLBACK_EXIT_CONTEXT = 'hotline-callback-exit';
export const PLACEHOLDER_PREFIX = 'hotline-cb-';
type CallbackSettings = NonNullable<QueueSettings['callback']>;
const DEFAULTS: CallbackSettings = { key: '1', offerAfterSeconds: 60, maxAttempts: 3, retryAfterSeconds: 300, ringSeconds: 30, expireAfterSeconds: 4 * 3600 };
/** Queue() ended without an agent because nobody could take calls: wait this long and place again. */
const NO_AGENTS_RETRY_MS = 15_000;
/** A placed placeholder's channels are checked this often (lost in an Asterisk restart?). */
const LIVENESS_EVERY_MS = 10_000;
const CUSTOMER_RESULTS = new Set(['NOANSWER', 'BUSY', 'CONGESTION', 'CHANUNAVAIL', 'INVALIDARGS', 'DONTCALL', 'TORTURE']);

export class CallbackStateError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export interface CallbackView {
  id: string;
  queue: string;
  number: string;
  name: string;
  priority: number;
  status: CallbackStatus;
  attempts: number;
  maxAttempts: number;
  lastResult: string;
  agentId: string | null;
  requestedAt: string;
  nextAt: string | null;
  endedAt: string | null;
  talkSeconds: number | null;
}

const view = (r: AcdCallback): CallbackView => ({
  id: r.id,
  queue: r.queue,
  number: r.number,
  name: r.name,
  priority: r.priority,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.maxAttempts,
  lastResult: r.lastResult,
  agentId: r.agentId,
  requestedAt: r.requestedAt.toISOString(),
  nextAt: r.nextAt ? r.nextAt.toISOString() : null,
  endedAt: r.endedAt ? r.endedAt.toISOString() : null,
  talkSeconds: r.talkSeconds,
});

/** `<uuid>-<seq>` -> its parts (the uuid has dashes of its own). */
export function parseKey(key: string): { id: string; seq: number } | null {
  const m = /^([0-9a-f-]{36})-(\d+)$/.exec(key);
  return m ? { id: m[1]!, seq: Number(m[2]) } : null;
}

/** A caller ID that can be dialed back: digits, optionally a leading +. */
export function dialableNumber(callerNumber: string): string | null {
  const n = callerNumber.replace(/[\s-]/g, '');
  return DIALABLE_NUMBER.test(n) ? n : null;
}

export class CallbackService {
  private active = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private lastLiveness = 0;

  constructor(
    private readonly db: DataSource,
    private readonly config: AcdConfig,
    private readonly pbx: CallbackControl,
    private readonly calls: Pick<CallControl, 'handBack'>,
    private readonly live: LiveHub,
    private readonly opts: { dialTemplate: string; tickMs?: number },
    private readonly log: Logger,
    private readonly agentIdOf: (iface: string) => Promise<string | null>,
    /** The caller's queue-call row: left for a callback. */
    private readonly markQueueCall: (uniqueid: string, queue: string) => Promise<void>,
  ) {}

  private get repo() {
    return this.db.getRepository(AcdCallback);
  }

  /** Runs `fn` after everything queued before it: one callback change at a time on this node. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = settled(p); // p's error goes to serial()'s caller
    return p;
  }

  activate(): void {
    this.active = true;
    this.lastLiveness = 0; // a node that takes over checks every placed placeholder at once
    this.timer ??= setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.timer.unref();
    void this.tick();
  }

  deactivate(): void {
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when every change queued so far is done (tests, shutdown). */
  flushed(): Promise<unknown> {
    return this.chain;
  }

  private tick(): Promise<void> {
    if (!this.active) return Promise.resolve();
    return this.serial(() => this.pump()).catch((err: Error) => {
      if (!(err instanceof FencedError)) this.log.warn({ err: err.message }, 'callback pass failed; the next one tries again');
    });
  }

  private async settingsOf(queue: string): Promise<CallbackSettings> {
    const q = await this.config.getQueue(queue).catch(logFailure(this.log, 'callback: reading the queue\'s settings (defaults used)', { context: { queue }, fallback: null, expected: (e) => e instanceof NotFoundError }));
    return q?.settings.callback ?? DEFAULTS;
  }

  private publish(r: AcdCallback): void {
    this.live.publish({ type: 'queue.callback', callbackId: r.id, queue: r.queue, number: r.number, status: r.status, attempts: r.attempts, lastResult: r.lastResult, agentId: r.agentId, at: new Date().toISOString() });
  }

  private async save(r: AcdCallback, changes: Partial<AcdCallback>, expect: { status?: CallbackStatus[] } = {}): Promise<AcdCallback | null> {
    const where = { id: r.id, seq: r.seq, ...(expect.status ? { status: In(expect.status) } : {}) };
    const res = await this.repo.update(where, { ...changes, updatedAt: new Date() });
    if (!res.affected) return null;
    const fresh = await this.repo.findOneByOrFail({ id: r.id });
    this.publish(fresh);
    return fresh;
  }

  // ---- requests -----------------------------------------------------------------------------

  /**
   * A caller pressed the callback key (the channel is in the app, context hotline-callback-exit).
   * `args`: queue, position, priority from the dialplan (empty after a takeover: read from the channel).
   * Never rejects: a request that fails is logged and the caller goes back to the queue.
   */
  async onStasisRequest(call: CallInfo, args: string[]): Promise<void> {
    try {
      await this.takeStasisRequest(call, args);
    } catch (err) {
      if (isChannelGone(err)) return this.log.debug({ channelId: call.channelId }, 'callback request: the caller hung up');
      this.log.error({ err: (err as Error).message, channelId: call.channelId }, 'callback request failed; caller back in the queue');
      await this.calls.handBack(call.channelId, { context: CALLBACK_EXIT_CONTEXT, extension: 'refused' }).catch(ignoreChannelGone(this.log, 'callback: handing the caller back (failed)', { channelId: call.channelId }));
    }
  }

  private async takeStasisRequest(call: CallInfo, args: string[]): Promise<void> {
    let [queue, position, priority] = args;
    if (!queue) {
      const v = await this.pbx.variables(call.channelId, ['HOTLINE_QUEUE', 'HOTLINE_QUEUE_POSITION', 'QUEUE_PRIO']);
      [queue, position, priority] = [v.HOTLINE_QUEUE, v.HOTLINE_QUEUE_POSITION, v.QUEUE_PRIO];
    }
    const number = dialableNumber(call.callerNumber);
    const q = queue ? await this.config.getQueue(queue).catch(logFailure(this.log, 'callback: reading the queue (request refused)', { context: { queue }, fallback: null, expected: (e) => e instanceof NotFoundError })) : null;
    if (!number || !q?.settings.callback) {
      this.log.info({ queue, hasNumber: Boolean(number) }, 'callback refused: no number to call back or no callbacks in this queue');
      await this.calls.handBack(call.channelId, { context: CALLBACK_EXIT_CONTEXT, extension: 'refused' }).catch(ignoreChannelGone(this.log, 'callback: handing the caller back (refused)', { channelId: call.channelId }));
      return;
    }
    try {
      await this.serial(async () => {
        const row = await this.insert({
          queue: q.name,
          number,
          name: call.callerName ?? '',
          priority: Number(priority) || 0,
          position: Number(position) > 0 ? Number(position) : null,
          requestUniqueid: call.channelId,
          settings: q.settings.callback!,
        });
        await this.markQueueCall(call.channelId, q.name).catch((err: Error) => this.log.warn({ err: err.message }, 'queue call not marked as left for a callback'));
        // The place is taken before the caller hears the confirmation.
        if (row.status === 'waiting' && row.placedSeq < row.seq) await this.place(row).catch((err: Error) => this.log.warn({ callbackId: row.id, err: err.message }, 'placeholder not placed yet; retried'));
      });
    } catch (err) {
      // Not stored: the caller goes back to their place in line rather than lose it.
      this.log.error({ err: (err as Error).message, queue }, 'callback request not stored; caller back in the queue');
      await this.calls.handBack(call.channelId, { context: CALLBACK_EXIT_CONTEXT, extension: 'refused' }).catch(ignoreChannelGone(this.log, 'callback: handing the caller back (not stored)', { channelId: call.channelId }));
      return;
    }
    await this.calls.handBack(call.channelId, { context: CALLBACK_EXIT_CONTEXT, extension: 'booked' }).catch(ignoreChannelGone(this.log, 'callback: handing the caller back (booked)', { channelId: call.channelId }));
  }

  /** A callback asked for over the API (an agent promised one): joins the queue at the back. */
  /** A callback asked for on the customer's behalf: now (at the back of the queue), or `at` a later time (scheduled: it joins the queue then). */
  async create(body: { queue: string; number: string; name: string; priority: number; at?: Date }): Promise<CallbackView> {
    const q = await this.config.getQueue(body.queue);
    const at = body.at && body.at.getTime() > Date.now() ? body.at : undefined;
    const row = await this.serial(() => this.insert({ ...body, at, position: null, requestUniqueid: `api:${randomUUID()}`, settings: q.settings.callback ?? DEFAULTS }));
    void this.tick();
    return view(row);
  }

  private async insert(r: { queue: string; number: string; name: string; priority: number; position: number | null; requestUniqueid: string; settings: CallbackSettings; at?: Date }): Promise<AcdCallback> {
    const existing = await this.repo.findOneBy({ requestUniqueid: r.requestUniqueid });
    if (existing) return existing;
    const now = new Date();
    const row: AcdCallback = {
      id: randomUUID(),
      queue: r.queue,
      number: r.number,
      name: r.name.slice(0, 128),
      priority: r.priority,
      position: r.position,
      requestUniqueid: r.requestUniqueid,
      // Scheduled: no placeholder until `at` (the pump makes it waiting then, as a due retry).
      status: r.at ? 'scheduled' : 'waiting',
      seq: r.at ? 0 : 1,
      placedSeq: 0,
      attempts: 0,
      maxAttempts: r.settings.maxAttempts,
      lastResult: '',
      agentInterface: '',
      agentId: null,
      talkSeconds: null,
      requestedAt: now,
      expiresAt: new Date((r.at ?? now).getTime() + r.settings.expireAfterSeconds * 1000),
      nextAt: r.at ?? null,
      updatedAt: now,
      endedAt: null,
    };
    await this.repo.insert(row);
    this.log.info({ callbackId: row.id, queue: row.queue, position: row.position, priority: row.priority, at: r.at }, r.at ? 'callback scheduled' : 'callback requested');
    this.publish(row);
    return row;
  }

  // ---- placing --------------------------------------------------------------------------------

  private async place(r: AcdCallback): Promise<void> {
    const key = callbackKey(r.id, r.seq);
    // Placed before, but the node died before it wrote so: judge by what that placeholder did.
    const done = await this.pbx.results(key);
    if (done.dial !== null || done.queue !== null) {
      await this.applyResults(r, done);
      return;
    }
    const s = await this.settingsOf(r.queue);
    const waitSeconds = Math.max(30, Math.round((r.expiresAt.getTime() - Date.now()) / 1000));
    const outcome = await this.pbx.place({ key, queue: r.queue, priority: r.priority, position: r.position, number: r.number, name: r.name, dial: outboundDialString(this.opts.dialTemplate, r.number), ringSeconds: s.ringSeconds, waitSeconds });
    await this.repo.update({ id: r.id, seq: r.seq }, { placedSeq: r.seq, updatedAt: new Date() });
    this.log.info({ callbackId: r.id, seq: r.seq, queue: r.queue, position: r.position, outcome }, 'callback placeholder in the queue');
  }

  /** One pass: due retries, placeholders to place, expiry, and (now and then) lost placeholders. */
  private async pump(): Promise<void> {
    const now = new Date();
    // Due retries and scheduled callbacks: a new placeholder (next seq), at the back of the line.
    for (const r of await this.repo.find({ where: { status: In(['retry_wait', 'scheduled']), nextAt: LessThanOrEqual(now) }, take: 50 })) {
      await this.save(r, { status: 'waiting', seq: r.seq + 1, position: r.lastResult === 'HANGUP' || r.lastResult === 'CANCEL' ? 1 : null, nextAt: null }, { status: [r.status] });
    }
    // Expired: given up (a waiting placeholder leaves the queue).
    for (const r of await this.repo.find({ where: { status: In(['waiting', 'retry_wait']), expiresAt: LessThanOrEqual(now) }, take: 50 })) {
      if (r.status === 'waiting' && r.placedSeq === r.seq) await this.pbx.remove(callbackKey(r.id, r.seq)).catch(ignoreChannelGone(this.log, 'callback: removing an expired placeholder', { callback: r.id }));
      await this.save(r, { status: 'failed', lastResult: 'EXPIRED', endedAt: now, nextAt: null }, { status: ['waiting', 'retry_wait'] });
    }
    for (const r of await this.repo.find({ where: { status: 'waiting' }, order: { requestedAt: 'ASC' }, take: 200 })) {
      if (r.placedSeq < r.seq) await this.place(r);
    }
    if (Date.now() - this.lastLiveness >= LIVENESS_EVERY_MS) {
      this.lastLiveness = Date.now();
      await this.checkPlaced();
    }
  }

  /** Placed placeholders that are gone without their result event (lost events, a takeover, an Asterisk restart). */
  private async checkPlaced(): Promise<void> {
    for (const r of await this.repo.find({ where: { status: In(['waiting', 'connecting']) }, take: 500 })) {
      if (r.placedSeq !== r.seq) continue;
      const key = callbackKey(r.id, r.seq);
      if (await this.pbx.alive(key)) continue;
      const res = await this.pbx.results(key);
      if (res.dial !== null || res.queue !== null) await this.applyResults(r, res);
      else if (r.status === 'waiting') {
        // Never ran (Asterisk restarted under it): the same placeholder goes in again.
        this.log.warn({ callbackId: r.id, seq: r.seq }, 'callback placeholder lost; placing it again');
        await this.repo.update({ id: r.id, seq: r.seq }, { placedSeq: r.seq - 1 });
      } else {
        await this.afterDial(r, 'HANGUP');
      }
    }
  }

  private async applyResults(r: AcdCallback, res: { queue: string | null; dial: string | null }): Promise<void> {
    if (res.dial !== null) await this.afterDial(r, res.dial);
    else if (res.queue !== null) await this.afterQueue(r, res.queue);
  }

  // ---- what Asterisk reports --------------------------------------------------------------------

  onEvent(e: Extract<QueueEvent, { kind: 'callback' }>): void {
    if (!this.active) return;
    void this.serial(async () => {
      const k = parseKey(e.key);
      if (!k) return;
      const r = await this.repo.findOneBy({ id: k.id });
      if (!r || r.seq !== k.seq) return; // an older placeholder's late news
      if (e.stage === 'agent') await this.save(r, { status: 'connecting', lastResult: 'CONNECTED' }, { status: ['waiting'] });
      else if (e.stage === 'dial') await this.afterDial(r, e.status, e.talkSeconds);
      else await this.afterQueue(r, e.status);
    }).catch((err: Error) => this.log.error({ err: err.message, key: e.key }, 'callback event not applied'));
  }

  /** AgentConnect of a placeholder: which agent took the callback. */
  onAgentConnect(callerUniqueid: string, iface: string): void {
    if (!this.active || !callerUniqueid.startsWith(PLACEHOLDER_PREFIX)) return;
    const k = parseKey(callerUniqueid.slice(PLACEHOLDER_PREFIX.length).replace(/-q$/, ''));
    if (!k) return;
    void this.serial(async () => {
      const r = await this.repo.findOneBy({ id: k.id });
      if (!r || r.seq !== k.seq) return;
      await this.save(r, { agentInterface: iface.slice(0, 80), agentId: await this.agentIdOf(iface) });
    }).catch((err: Error) => this.log.error({ err: err.message }, 'callback agent not recorded'));
  }

  private async afterDial(r: AcdCallback, status: string, talkSeconds?: number): Promise<void> {
    const now = new Date();
    if (status === 'ANSWER') {
      await this.save(r, { status: 'completed', attempts: r.attempts + 1, lastResult: status, talkSeconds: talkSeconds ?? null, endedAt: now }, { status: ['waiting', 'connecting'] });
      return;
    }
    if (CUSTOMER_RESULTS.has(status)) {
      const attempts = r.attempts + 1;
      if (attempts >= r.maxAttempts) {
        await this.save(r, { status: 'failed', attempts, lastResult: status, endedAt: now }, { status: ['waiting', 'connecting'] });
        return;
      }
      const s = await this.settingsOf(r.queue);
      await this.save(r, { status: 'retry_wait', attempts, lastResult: status, nextAt: new Date(now.getTime() + s.retryAfterSeconds * 1000) }, { status: ['waiting', 'connecting'] });
      return;
    }
    // The agent's side ended before the customer answered (CANCEL, HANGUP): not the customer's
    // attempt; it is their turn again right away, at the head of the line.
    await this.save(r, { status: 'retry_wait', lastResult: status === 'CANCEL' ? 'CANCEL' : 'HANGUP', nextAt: now }, { status: ['waiting', 'connecting'] });
  }

  private async afterQueue(r: AcdCallback, status: string): Promise<void> {
    if (status === 'CONTINUE' || r.status !== 'waiting') return; // answered: the dial result decides
    const now = new Date();
    if (status === 'TIMEOUT') {
      await this.save(r, { status: 'failed', lastResult: 'EXPIRED', endedAt: now }, { status: ['waiting'] });
      return;
    }
    // Nobody could take calls (JOINEMPTY, LEAVEEMPTY ...): place it again a little later.
    await this.save(r, { status: 'retry_wait', lastResult: status.slice(0, 32), nextAt: new Date(now.getTime() + NO_AGENTS_RETRY_MS) }, { status: ['waiting'] });
  }

  // ---- API ----------------------------------------------------------------------------------

  async list(q: { queue?: string; status?: CallbackStatus | 'open'; limit: number }): Promise<CallbackView[]> {
    const where: Record<string, unknown> = {};
    if (q.queue) where.queue = q.queue;
    if (q.status) where.status = q.status === 'open' ? In(OPEN_CALLBACK_STATUSES) : q.status;
    return (await this.repo.find({ where, order: { requestedAt: 'DESC' }, take: q.limit })).map(view);
  }

  async get(id: string): Promise<CallbackView> {
    const r = await this.repo.findOneBy({ id });
    if (!r) throw new NotFoundError('callback', id);
    return view(r);
  }

  async cancel(id: string): Promise<CallbackView> {
    return this.serial(async () => {
      const r = await this.repo.findOneBy({ id });
      if (!r) throw new NotFoundError('callback', id);
      if (r.status === 'connecting') throw new CallbackStateError('callback_in_progress', 'an agent is calling this customer now; it cannot be cancelled');
      if (!OPEN_CALLBACK_STATUSES.includes(r.status)) throw new CallbackStateError('callback_closed', `the callback is already ${r.status}`);
      if (r.status === 'waiting' && r.placedSeq === r.seq) await this.pbx.remove(callbackKey(r.id, r.seq));
      const saved = await this.save(r, { status: 'cancelled', lastResult: 'CANCELLED', endedAt: new Date(), nextAt: null }, { status: ['scheduled', 'waiting', 'retry_wait'] });
      if (!saved) throw new CallbackStateError('callback_changed', 'the callback changed meanwhile; look again');
      return view(saved);
    });
  }

  /** Callbacks to these numbers asked for since `since` (the reports' abandoned-call list). */
  async forNumbers(numbers: string[], since: Date): Promise<AcdCallback[]> {
    if (!numbers.length) return [];
    return this.repo.find({ where: { number: In(numbers.map((n) => n.slice(0, 32))), requestedAt: MoreThanOrEqual(since) }, order: { requestedAt: 'ASC' } });
  }

  /** The callbacks part of a queue's live stats. */
  async stats(queue: string, since: Date): Promise<{ scheduled: number; waiting: number; connecting: number; retrying: number; requested: number; completed: number; failed: number }> {
    const open = await this.repo.find({ where: { queue, status: In(OPEN_CALLBACK_STATUSES) }, select: { status: true } });
    const today = await this.repo.find({ where: { queue, requestedAt: MoreThanOrEqual(since) }, select: { status: true } });
    const count = (rows: Array<{ status: string }>, s: string) => rows.filter((r) => r.status === s).length;
    return {
      scheduled: count(open, 'scheduled'),
      waiting: count(open, 'waiting'),
      connecting: count(open, 'connecting'),
      retrying: count(open, 'retry_wait'),
      requested: today.length,
      completed: count(today, 'completed'),
      failed: count(today, 'failed'),
    };
  }
}
