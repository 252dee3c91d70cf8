// ARI over keep-alive HTTP (app/pbx/ari/http.ts): a request written on a kept-alive socket the
// server closes at that moment (Asterisk closes idle connections after 15 s) fails with
// ECONNRESET without having reached the server; it is sent once more on a fresh socket. A reset
// on a fresh socket is a real failure and is reported. A local HTTP server plays Asterisk.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AriHttp } from '../../app/pbx/ari/http.js';

describe('ARI HTTP: a kept-alive socket closed by the server', () => {
  let server: http.Server;
  let url = '';
  const seen: string[] = [];
  /** Requests per connection; `resetOn`: the connection's n-th request is answered by closing it. */
  let resetOn = 2;

  before(async () => {
    const perSocket = new WeakMap<Socket, number>();
    server = http.createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      seen.push(`${req.method} ${req.url} #${n}`);
      if (n === resetOn) {
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: n }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the request is sent again on a fresh socket, once, and answers', async () => {
    const ari = new AriHttp(url, 'u', 'p');
    seen.length = 0;
    resetOn = 2;
    expect(await ari.request('GET', '/asterisk/info')).to.deep.equal({ ok: 1 });
    expect(await ari.request('POST', '/channels/c1/answer')).to.deep.equal({ ok: 1 });
    expect(seen).to.deep.equal(['GET /ari/asterisk/info #1', 'POST /ari/channels/c1/answer #2', 'POST /ari/channels/c1/answer #1']);
  });

  it('a reset on a fresh socket is reported, not sent again', async () => {
    const ari = new AriHttp(url, 'u', 'p');
    seen.length = 0;
    resetOn = 1;
    const err = await ari.request('POST', '/channels/c2/answer').then(() => null, (e: NodeJS.ErrnoException) => e);
    expect(err?.code).to.equal('ECONNRESET');
    expect(seen).to.deep.equal(['POST /ari/channels/c2/answer #1']);
  });
});
