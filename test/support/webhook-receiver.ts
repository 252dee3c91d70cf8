// A webhook receiver for tests: a node:http server on 127.0.0.1 that records every POST
// (path, headers, raw body) and answers with the status `answer` picks (default 200).
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** The status to answer the n-th (0-based) request to `path` with (0: never answer). */
  answer: (path: string, n: number) => number;
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const r: Receiver = {
    url: '',
    port: 0,
    received,
    answer: () => 200,
    on: (path) => received.filter((x) => x.path === path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const path = req.url ?? '/';
      const n = received.filter((x) => x.path === path).length;
      received.push({ path, headers: req.headers, raw, body });
      const status = r.answer(path, n);
      if (status) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  r.port = typeof addr === 'object' && addr ? addr.port : port;
  r.url = `http://127.0.0.1:${r.port}`;
  return r;
}

/** The receiver's check of x-hotline-signature (as docs/api/webhooks.md shows it). */
export function signedBy(secret: string, got: Received): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['x-hotline-signature'] ?? ''));
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${got.raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}
