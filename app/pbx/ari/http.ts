// Keep-alive HTTP for ARI's REST side. One agent, pooled sockets, JSON in and out.
import http, { type IncomingMessage } from 'node:http';

export class AriHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(`ARI ${method} ${path} -> ${status}: ${message}`);
    this.name = 'AriHttpError';
  }
  /** 404 after a hangup is normal in call control: the channel is simply gone. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export class AriHttp {
  /**
   * Idle sockets are closed after 10 s, before Asterisk closes them (its HTTP server keeps a
   * connection 15 s after a request, session_keep_alive): a request written on a socket the
   * server is closing fails with ECONNRESET. One that does all the same is sent again (below).
   */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000, timeout: 10_000 });
  private readonly base: URL;
  private readonly auth: string;
  /** Start times (performance.now()) of the requests under way. */
  private readonly started = new Set<{ at: number }>();
  /** Told every request's round trip in ms, answered or failed (admission, rate-governor.ts). */
  onRoundTrip: ((ms: number) => void) | undefined;

  constructor(url: string, user: string, password: string, private readonly timeoutMs = 5000) {
    this.base = new URL(url);
    this.auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  }

  request<T = unknown>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const fullPath = `/ari${path}${qs.size ? `?${qs}` : ''}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const mark = { at: performance.now() };
    this.started.add(mark);
    const done = (): void => {
      if (!this.started.delete(mark)) return;
      this.onRoundTrip?.(performance.now() - mark.at);
    };
    return new Promise<T>((resolve, reject) => {
      const send = (again: boolean): void => {
        const req = http.request(
          {
            host: this.base.hostname,
            port: this.base.port || 80,
            method,
            path: fullPath,
            agent: this.agent,
            timeout: this.timeoutMs,
            headers: {
              authorization: this.auth,
              accept: 'application/json',
              ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              done();
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                try {
                  resolve((text ? JSON.parse(text) : undefined) as T);
                } catch {
                  resolve(undefined as T);
                }
                return;
              }
              let message = text.slice(0, 200);
              try {
                message = (JSON.parse(text) as { message?: string }).message ?? message;
              } catch {
                /* plain-text error body */
              }
              reject(new AriHttpError(method, path, status, message));
            });
            res.on('error', (err) => {
              done();
              reject(err);
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`ARI ${method} ${path} timed out after ${this.timeoutMs} ms`)));
        req.on('error', (err: NodeJS.ErrnoException) => {
          // A kept-alive socket Asterisk closed as the request went out: the request never reached
          // it (nothing was done), so it is sent once more on a fresh socket.
          if (!again && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
            send(true);
            return;
          }
          done();
          reject(err);
        });
        req.end(payload);
      };
      send(false);
    });
  }

  /**
   * A request whose answer is a file (a stored recording): resolves with the response to read as
   * a stream once Asterisk answered 2xx; any other status rejects with AriHttpError (its body read).
   * The timeout applies while the stream is idle.
   */
  stream(method: string, path: string): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = http.request(
        { host: this.base.hostname, port: this.base.port || 80, method, path: `/ari${path}`, agent: this.agent, timeout: this.timeoutMs, headers: { authorization: this.auth } },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let message = text.slice(0, 200);
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              /* plain-text error body */
            }
            reject(new AriHttpError(method, path, status, message));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`ARI ${method} ${path} timed out after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** How long (ms) each request still under way has been waiting. */
  pendingAges(): number[] {
    const now = performance.now();
    return [...this.started].map((m) => now - m.at);
  }

  close(): void {
    this.agent.destroy();
  }
}
