// The live feed (WebSocket /api/acd/live): signs in with the session token, hands every event to
// the page, and reconnects forever with backoff (a dropped socket, a restarted or failed-over
// server). Each time it is ready again it says so (`onReady`), and the page asks the server for
// the state it may have missed: the page never keeps a state it made up while disconnected.
import { ref } from 'vue';

export interface LiveMessage {
  type: string;
  [k: string]: any;
}

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveFeedOptions {
  token: () => string | null;
  onEvent: (e: LiveMessage) => void;
  /** The feed is signed in (first time or after a reconnect): re-ask the server's state. */
  onReady: (reconnected: boolean) => void;
  /** The server refused the token (expired session). */
  onRefused: () => void;
  url?: string;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export class LiveFeed {
  readonly status = ref<FeedStatus>('connecting');
  private ws: WebSocket | null = null;
  private attempts = 0;
  private everReady = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: LiveFeedOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.status.value = 'closed';
    this.ws?.close(1000, 'page closed');
    this.ws = null;
  }

  /** Drops the socket as a network failure would (the page reconnects by itself). */
  drop(): void {
    this.ws?.close(4000, 'dropped');
  }

  private connect(): void {
    const token = this.opts.token();
    if (!token || this.stopped) return;
    const url = this.opts.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/acd/live`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (m) => {
      let e: LiveMessage;
      try {
        e = JSON.parse(String(m.data)) as LiveMessage;
      } catch {
        return;
      }
      if (e.type === 'ready') {
        const reconnected = this.everReady;
        this.everReady = true;
        this.attempts = 0;
        this.status.value = 'live';
        this.opts.onReady(reconnected);
        return;
      }
      this.opts.onEvent(e);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (ev.code === 4401) {
        this.status.value = 'closed';
        this.opts.onRefused();
        return;
      }
      this.status.value = 'reconnecting';
      const wait = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)]!;
      this.attempts++;
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }
}
