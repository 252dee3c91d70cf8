// A TCP proxy a test can cut: a node reaches MariaDB (or AMI) through it, and cut() severs every
// connection and refuses new ones, as a failed network path would; restore() heals it.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  /** Accept connections again after cut(). */
  restore(): void;
  /** New connections go to another port from now on (a virtual IP moving to the standby); open ones are cut. */
  retarget(port: number): void;
  close(): Promise<void>;
}

/**
 * `onClientData`: sees every byte a client sends upstream (e.g. to check which AMI actions were sent).
 * `replyDelayMs`: every chunk the server sends back arrives this much later (a server a network hop away).
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1', opts: { onClientData?: (chunk: Buffer) => void; replyDelayMs?: number } = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  let port = targetPort;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(port, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    if (opts.onClientData) client.on('data', opts.onClientData);
    client.pipe(upstream);
    const delay = opts.replyDelayMs ?? 0;
    if (delay <= 0) upstream.pipe(client);
    else {
      // Same delay for every chunk: timers keep their order.
      upstream.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), delay));
      upstream.on('end', () => setTimeout(() => client.end(), delay));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    retarget(p) {
      port = p;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
