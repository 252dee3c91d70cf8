// Hotline's AMI client: one TCP connection, ActionID correlation, list collection until
// `EventList: Complete`, reconnect forever with backoff + jitter and re-login, a bounded send buffer.
//
// Buffer policy: while the connection is down (or logging in), action() queues the action, up to
// `maxPending` actions in flight (queued + awaiting a response); beyond that it rejects at once with
// code 'buffer_full'. Each action's timeout runs from the action() call, queued or not, so nothing
// waits longer than actionTimeoutMs. Queued actions are written right after the next login. An
// action already written when the connection drops is rejected ('disconnected'), never re-sent:
// Asterisk may or may not have run it (think Originate).
//
// The secret is only ever written to the socket: it is in no log line and no error message.
// Asterisk does not guarantee event order: the client passes events on as they come.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { AmiParser, AmiProtocolError, DEFAULT_MAX_MESSAGE_BYTES, encodeAction, fieldOf, type AmiFrame } from './parser.js';
import { AmiError } from './types.js';
import { OutageLog } from '../outage-log.js';
import type { AmiClientEventMap, AmiClientOptions, AmiEvent, AmiFields, AmiListResult, AmiLogger, AmiMessage, AmiState } from './types.js';

interface Pending {
  id: string;
  name: string;
  wire: string;
  list: boolean;
  sent: boolean;
  timer: NodeJS.Timeout;
  resolve: (r: AmiListResult) => void;
  reject: (e: AmiError) => void;
  response?: AmiMessage;
  events: AmiMessage[];
  complete?: AmiMessage;
}

interface Conn {
  socket: net.Socket;
  parser: AmiParser;
  loginId?: string;
  ready: boolean;
  handshake: NodeJS.Timeout;
  ping?: NodeJS.Timeout;
  /** When the socket last brought bytes (ms, performance.now()): a peer that sends is alive. */
  lastDataAt: number;
}

// Process-unique ActionIDs: pid + random prefix, then a counter shared by all clients.
const ID_PREFIX = `hl-${process.pid.toString(36)}-${randomBytes(3).toString('hex')}-`;
let idCounter = 0;
const nextActionId = (): string => ID_PREFIX + (++idCounter).toString(36);

const NOOP_LOGGER: AmiLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class AmiClient extends EventEmitter<AmiClientEventMap> {
  state: AmiState = 'stopped';
  since: Date = new Date();
  private downSince = Date.now();
  /** Why the last connection or attempt ended (null once connected). */
  lastError: Error | null = null;

  private readonly opts: Required<Omit<AmiClientOptions, 'backoff' | 'logger' | 'secret' | 'allowedActions'>> & { backoffInitialMs: number; backoffMaxMs: number };
  /** Lower-cased names of the only actions allowed (read-only attachment), or null: any. */
  private readonly allowed: ReadonlySet<string> | null;
  // An ES private field: not in JSON.stringify(client) nor util.inspect(client).
  readonly #secret: string;
  private readonly log: AmiLogger;
  private readonly pending = new Map<string, Pending>();
  private conn: Conn | null = null;
  private running = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** A down link is logged once, then at most once a minute with a count. */
  private readonly outage = new OutageLog();

  constructor(options: AmiClientOptions) {
    super();
    for (const k of ['username', 'secret', 'events'] as const) {
      const v = options[k];
      if (v !== undefined && /[\r\n]/.test(v)) throw new TypeError(`AMI option '${k}' must not contain CR or LF`);
    }
    this.opts = {
      host: options.host, port: options.port, username: options.username,
      events: options.events ?? 'on',
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      maxPending: options.maxPending ?? 1000,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      backoffInitialMs: options.backoff?.initialMs ?? 250,
      backoffMaxMs: options.backoff?.maxMs ?? 5000,
    };
    this.#secret = options.secret;
    this.log = options.logger ?? NOOP_LOGGER;
    this.allowed = options.allowedActions ? new Set(options.allowedActions.map((a) => a.toLowerCase())) : null;
    if (this.allowed && this.opts.pingIntervalMs > 0 && !this.allowed.has('ping')) throw new TypeError("AMI allowedActions must include 'Ping' while pingIntervalMs > 0");
  }

  /** Starts connecting; reconnects forever until stop(). Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.connect();
  }

  /** Closes the connection, stops reconnecting, rejects every pending action ('stopped'). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const conn = this.conn;
    this.conn = null;
    for (const p of [...this.pending.values()]) this.fail(p, new AmiError('stopped', `AMI client stopped; action ${p.name} abandoned`, p.name, p.id));
    this.setState('stopped');
    if (!conn) return;
    this.clearConnTimers(conn);
    if (conn.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      conn.socket.once('close', () => resolve());
      conn.socket.destroy();
    });
  }

  /** Resolves once logged in (at once if already); rejects after timeoutMs, naming the last error. */
  waitForConnected(timeoutMs: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnected = (): void => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(() => {
        this.off('connected', onConnected);
        const last = this.lastError ? `; last error: ${this.lastError.message}` : '';
        reject(new AmiError('timeout', `AMI not connected to ${this.opts.host}:${this.opts.port} within ${timeoutMs} ms${last}`));
      }, timeoutMs);
      this.once('connected', onConnected);
    });
  }

  /** Sends one action; resolves with its `Response: Success`, rejects with an AmiError. */
  async action(name: string, fields: AmiFields = {}, opts: { timeoutMs?: number } = {}): Promise<AmiMessage> {
    return (await this.submit(name, fields, false, opts.timeoutMs)).response;
  }

  /** Sends a list action (QueueStatus, CoreShowChannels...) and collects its events until `EventList: Complete`. */
  actionList(name: string, fields: AmiFields = {}, opts: { timeoutMs?: number } = {}): Promise<AmiListResult> {
    return this.submit(name, fields, true, opts.timeoutMs);
  }

  /** Actions in flight (queued + awaiting a response). */
  get pendingCount(): number {
    return this.pending.size;
  }

  private submit(name: string, fields: AmiFields, list: boolean, timeoutMs = this.opts.actionTimeoutMs): Promise<AmiListResult> {
    if (this.allowed && !this.allowed.has(name.toLowerCase())) {
      this.log.error({ action: name }, 'AMI action refused: not in this read-only client\'s allow-list');
      return Promise.reject(new AmiError('not_allowed', `AMI action ${name} refused: this connection is read-only (allowed: ${[...this.allowed].join(', ')})`, name));
    }
    if (!this.running) return Promise.reject(new AmiError('stopped', `AMI client is not started; action ${name} rejected`, name));
    if (this.pending.size >= this.opts.maxPending) {
      return Promise.reject(new AmiError('buffer_full', `AMI send buffer full (${this.opts.maxPending} actions pending); action ${name} rejected`, name));
    }
    const id = nextActionId();
    let wire: string;
    try {
      wire = encodeAction(name, id, fields);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<AmiListResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(p, new AmiError('timeout', `AMI ${name} (ActionID ${id}) got no ${list ? 'complete list' : 'response'} within ${timeoutMs} ms`, name, id));
      }, timeoutMs);
      const p: Pending = { id, name, wire, list, sent: false, timer, resolve, reject, events: [] };
      this.pending.set(id, p);
      if (this.conn?.ready) this.write(this.conn, p);
    });
  }

  private write(conn: Conn, p: Pending): void {
    p.sent = true;
    conn.socket.write(p.wire);
    this.log.debug({ action: p.name, actionId: p.id }, 'AMI action sent');
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p.id);
    p.resolve({ response: p.response ?? {}, events: p.events, ...(p.complete ? { complete: p.complete } : {}) });
  }

  private fail(p: Pending, err: AmiError): void {
    clearTimeout(p.timer);
    if (this.pending.delete(p.id)) p.reject(err);
  }

  private setState(s: AmiState): void {
    if (this.state === s) return;
    if (this.state === 'connected') this.downSince = Date.now();
    this.state = s;
    this.since = new Date();
  }

  /** How long AMI has been without a connection (0 while connected; counted from the start before the first one). */
  downForMs(): number {
    return this.state === 'connected' ? 0 : Date.now() - this.downSince;
  }

  private connect(): void {
    const { host, port } = this.opts;
    this.setState('connecting');
    const socket = net.connect({ host, port });
    const conn: Conn = {
      socket,
      parser: new AmiParser({ maxMessageBytes: this.opts.maxMessageBytes }),
      ready: false,
      lastDataAt: performance.now(),
      handshake: setTimeout(() => {
        this.drop(conn, new AmiError('timeout', `AMI connect and login to ${host}:${port} timed out after ${this.opts.connectTimeoutMs} ms`));
      }, this.opts.connectTimeoutMs),
    };
    this.conn = conn;
    socket.setNoDelay(true);
    socket.on('connect', () => socket.setKeepAlive(true, 10_000));
    socket.on('data', (chunk: Buffer) => {
      conn.lastDataAt = performance.now();
      let frames: AmiFrame[];
      try {
        frames = conn.parser.push(chunk);
      } catch (e) {
        this.drop(conn, e instanceof AmiProtocolError ? new AmiError('protocol', e.message) : (e as Error));
        return;
      }
      for (const f of frames) {
        if (this.conn !== conn) return;
        if (f.type === 'banner') this.login(conn, f.version);
        else this.onMessage(conn, f.message);
      }
    });
    socket.on('error', (err) => this.drop(conn, err));
    socket.on('close', () => this.drop(conn, new AmiError('disconnected', `AMI connection to ${host}:${port} closed`)));
  }

  private login(conn: Conn, version: string): void {
    conn.loginId = nextActionId();
    const { username, events } = this.opts;
    this.log.debug({ version, username }, 'AMI banner received; logging in');
    conn.socket.write(`Action: Login\r\nActionID: ${conn.loginId}\r\nUsername: ${username}\r\nSecret: ${this.#secret}\r\nEvents: ${events}\r\n\r\n`);
  }

  private onMessage(conn: Conn, msg: AmiMessage): void {
    const id = fieldOf(msg, 'ActionID');
    const response = fieldOf(msg, 'Response');
    if (!conn.ready && id !== undefined && id === conn.loginId && response !== undefined) {
      if (response === 'Success') return this.loggedIn(conn);
      const err = new AmiError('login_rejected', `AMI login rejected for user ${this.opts.username}: ${fieldOf(msg, 'Message') ?? response}`, 'Login', id, msg);
      this.safeEmit('loginFailed', err);
      return this.drop(conn, err);
    }
    const p = id === undefined ? undefined : this.pending.get(id);
    if (response !== undefined) {
      if (!p) return this.log.debug({ actionId: id, response }, 'AMI response for an unknown or timed-out ActionID ignored');
      if (response === 'Error' || response === 'Failure') {
        const text = fieldOf(msg, 'Message') ?? 'no message';
        return this.fail(p, new AmiError('action_failed', `AMI ${p.name} failed: ${text}`, p.name, p.id, msg));
      }
      p.response = msg;
      const listStarts = fieldOf(msg, 'EventList')?.toLowerCase() === 'start';
      if (!p.list || !listStarts || p.complete) this.finish(p);
      return;
    }
    if (fieldOf(msg, 'Event') === undefined) return this.log.debug({ keys: Object.keys(msg) }, 'AMI message without Response or Event ignored');
    if (p?.list) {
      const el = fieldOf(msg, 'EventList')?.toLowerCase();
      if (el === 'complete' || el === 'cancelled') {
        p.complete = msg;
        if (p.response) this.finish(p);
      } else {
        p.events.push(msg);
      }
      return;
    }
    this.safeEmit('event', msg as unknown as AmiEvent);
  }

  private loggedIn(conn: Conn): void {
    clearTimeout(conn.handshake);
    conn.ready = true;
    this.attempt = 0;
    this.lastError = null;
    this.setState('connected');
    const outage = this.outage.recovered();
    this.log.info({ host: this.opts.host, port: this.opts.port, username: this.opts.username, ...outage }, 'AMI connected and logged in');
    if (this.opts.pingIntervalMs > 0) conn.ping = setInterval(() => this.ping(conn), this.opts.pingIntervalMs);
    for (const p of this.pending.values()) if (!p.sent) this.write(conn, p);
    this.safeEmit('connected');
  }

  private ping(conn: Conn): void {
    const timeoutMs = Math.min(this.opts.actionTimeoutMs, this.opts.pingIntervalMs);
    this.action('Ping', {}, { timeoutMs }).catch((e: AmiError) => {
      if (e.code !== 'timeout') return;
      // An Asterisk that keeps sending events is alive, only slow to answer (an overloaded box):
      // dropping it would lose the events of the calls in progress. Only a silent peer is dead.
      if (performance.now() - conn.lastDataAt < timeoutMs) {
        this.log.warn({ host: this.opts.host, port: this.opts.port, waitedMs: timeoutMs }, 'AMI ping unanswered while events still arrive: Asterisk is slow, the connection is kept');
        return;
      }
      this.drop(conn, new AmiError('timeout', 'AMI ping got no response and nothing else came; connection presumed dead'));
    });
  }

  private clearConnTimers(conn: Conn): void {
    clearTimeout(conn.handshake);
    if (conn.ping) clearInterval(conn.ping);
  }

  /** Ends `conn` (once): rejects its unanswered actions, then schedules the next attempt. */
  private drop(conn: Conn, reason: Error): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.clearConnTimers(conn);
    conn.socket.destroy();
    for (const p of [...this.pending.values()]) {
      if (p.sent) this.fail(p, new AmiError('disconnected', `AMI connection lost before ${p.name} (ActionID ${p.id}) was answered: ${reason.message}`, p.name, p.id));
    }
    if (!this.running) return;
    const wasConnected = conn.ready;
    this.lastError = reason;
    this.setState('disconnected');
    const delayMs = this.scheduleReconnect();
    const log = { host: this.opts.host, port: this.opts.port, username: this.opts.username, attempt: this.attempt, delayMs, reason: reason.message };
    if (wasConnected) this.outage.recovered();
    const note = this.outage.failed();
    const rejected = reason instanceof AmiError && reason.code === 'login_rejected';
    if (wasConnected) this.log.warn(log, 'AMI connection lost; reconnecting (further failures logged at most once a minute)');
    else if (note?.first) this.log[rejected ? 'error' : 'warn'](log, rejected ? reason.message : 'AMI connection attempt failed; retrying (further failures logged at most once a minute)');
    else if (note) this.log[rejected ? 'error' : 'warn']({ ...log, failedAttempts: note.failedAttempts, downForSeconds: Math.round(note.downForMs / 1000) }, rejected ? `${reason.message} (still, retrying)` : 'AMI still not reachable; retrying');
    this.safeEmit('disconnected', reason);
  }

  private scheduleReconnect(): number {
    const base = Math.min(this.opts.backoffMaxMs, this.opts.backoffInitialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const delayMs = Math.round(base / 2 + (Math.random() * base) / 2); // "equal jitter"
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) this.connect();
    }, delayMs);
    return delayMs;
  }

  private safeEmit<K extends keyof AmiClientEventMap>(name: K, ...args: AmiClientEventMap[K]): void {
    // Each listener on its own: one that throws neither stops the others nor the socket reader.
    for (const listener of this.rawListeners(name) as ((...a: unknown[]) => void)[]) {
      try {
        listener.apply(this, args);
      } catch (e) {
        this.log.error({ err: e instanceof Error ? e.message : String(e), listener: name }, 'AMI listener threw');
      }
    }
  }
}
