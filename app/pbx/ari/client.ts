// Hotline's own ARI client: one WebSocket for events + keep-alive HTTP for commands.
// Reconnects forever with backoff; on every (re)connect it re-registers the Stasis app
// (by opening the app's socket) and lists the channels already inside it, because
// Asterisk sends no new StasisStart for them.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Logger } from '../../logger.js';
import { Backoff, type LinkState } from '../backoff.js';
import { OutageLog } from '../outage-log.js';
import { AriHttp } from './http.js';
import type { AriApplication, AriChannel, AriEvent } from './types.js';
import { ignoreChannelGone } from '../gone.js';

export interface AriClientOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  pingIntervalMs?: number;
  /** Event types the app receives; Asterisk drops the rest before serializing them. */
  eventTypes?: string[];
}

export interface AriClientEvents {
  event: [AriEvent];
  /** After every (re)connect: the channels that were already in the app. */
  connected: [{ channels: AriChannel[]; reconnect: boolean }];
  disconnected: [string];
}

export class AriClient extends EventEmitter<AriClientEvents> {
  readonly http: AriHttp;
  /** The Stasis app's name. */
  get app(): string {
    return this.opts.app;
  }
  private ws: WebSocket | undefined;
  private readonly backoff = new Backoff(250, 5000);
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private everConnected = false;
  /** An unreachable ARI is logged once, then at most once a minute with a count. */
  private readonly outage = new OutageLog();
  private link: LinkState = { up: false, since: new Date(), detail: 'not started' };

  constructor(private readonly opts: AriClientOptions) {
    super();
    this.http = new AriHttp(opts.url, opts.user, opts.password);
  }

  get state(): LinkState {
    return this.link;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.http.close();
    this.setLink(false, 'stopped');
  }

  private setLink(up: boolean, detail?: string): void {
    if (this.link.up !== up || this.link.detail !== detail) this.link = { up, since: new Date(), detail };
  }

  private connect(): void {
    const base = new URL(this.opts.url);
    const wsUrl = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/ari/events?app=${encodeURIComponent(this.opts.app)}&subscribeAll=false`;
    const auth = 'Basic ' + Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64');
    const ws = new WebSocket(wsUrl, { headers: { authorization: auth }, handshakeTimeout: 5000 });
    this.ws = ws;
    let alive = true;

    ws.on('open', () => {
      this.opts.logger.info({ url: `${base.host}`, app: this.opts.app, ...this.outage.recovered() }, 'ARI WebSocket connected');
      this.backoff.reset();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, this.opts.pingIntervalMs ?? 10_000);
      void this.afterOpen(ws);
    });
    ws.on('pong', () => (alive = true));
    ws.on('message', (data) => {
      alive = true;
      let event: AriEvent;
      try {
        event = JSON.parse(data.toString()) as AriEvent;
      } catch {
        this.opts.logger.warn('ARI sent a message that is not JSON; ignored');
        return;
      }
      if (this.opts.logger.isLevelEnabled('debug')) {
        // Which events reached Hotline (a prompt that never reports its end: did its PlaybackFinished arrive?).
        const e = event as { channel?: { id?: string }; playback?: { id?: string; target_uri?: string; state?: string } };
        this.opts.logger.debug({ type: event.type, channel: e.channel?.id, playback: e.playback?.id, target: e.playback?.target_uri, state: e.playback?.state }, 'ARI event');
      }
      if (event.type === 'ApplicationReplaced') {
        this.opts.logger.error({ app: this.opts.app }, 'another client took over the ARI app; this node stops receiving events');
      }
      this.emit('event', event);
    });
    ws.on('unexpected-response', (_req, res) => {
      const reason = res.statusCode === 401 ? 'ARI rejected the credentials (401)' : `ARI WebSocket refused: HTTP ${res.statusCode}`;
      ws.emit('error', new Error(reason));
      ws.terminate();
    });
    ws.on('error', (err) => {
      // Say once per outage that Asterisk is unreachable, then at most once a minute with a count.
      const note = this.outage.failed();
      if (note?.first) this.opts.logger.warn({ err: err.message }, 'Asterisk ARI not reachable; calls are not handled until it is (retrying)');
      else if (note) this.opts.logger.warn({ err: err.message, failedAttempts: note.failedAttempts, downForSeconds: Math.round(note.downForMs / 1000) }, 'Asterisk ARI still not reachable; retrying');
      this.setLink(false, err.message);
    });
    ws.on('close', () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = undefined;
      const wasUp = this.link.up;
      this.setLink(false, this.link.up ? 'connection closed' : this.link.detail);
      if (this.stopped) return;
      if (wasUp) {
        this.opts.logger.warn('ARI WebSocket closed; reconnecting');
        this.emit('disconnected', 'closed');
      }
      const delay = this.backoff.next();
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /**
   * Asterisk serializes every event of the app's channels (ChannelVarset alone is five per
   * call); an allow-list saves that work where it costs most, inside Asterisk.
   */
  private async applyEventFilter(types: string[]): Promise<void> {
    try {
      await this.http.request('PUT', `/applications/${encodeURIComponent(this.opts.app)}/eventFilter`, undefined, {
        allowed: types.map((type) => ({ type })),
      });
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'ARI event filter not applied; receiving every event');
    }
  }

  /** The app is registered once its socket is open; recover channels already inside it. */
  private async afterOpen(ws: WebSocket): Promise<void> {
    try {
      // All at once, not one round trip after another: a takeover waits for this on a box that
      // may be starved (a node died), and the filter never waits for the listing.
      const [, app] = await Promise.all([
        this.opts.eventTypes ? this.applyEventFilter(this.opts.eventTypes) : undefined,
        this.http.request<AriApplication>('GET', `/applications/${encodeURIComponent(this.opts.app)}`),
      ]);
      const read = await Promise.all(app.channel_ids.map((id) =>
        // Hung up meanwhile (404): nothing to recover.
        this.http.request<AriChannel>('GET', `/channels/${encodeURIComponent(id)}`).catch(ignoreChannelGone(this.opts.logger, 'ARI: reading a channel already in the app', { channelId: id })),
      ));
      const channels = read.filter((c): c is AriChannel => !!c);
      if (this.ws !== ws) return;
      this.setLink(true);
      const reconnect = this.everConnected;
      this.everConnected = true;
      if (channels.length) this.opts.logger.info({ count: channels.length }, 'ARI: recovering channels already in the app');
      this.emit('connected', { channels, reconnect });
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'ARI: could not list the app after connect; reconnecting');
      ws.terminate();
    }
  }
}
