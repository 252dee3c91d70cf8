// A TCP proxy a test can cut: a node reaches MariaDB (or AMI) through it, and cut() severs every
// connection and refuses new ones, as a failed network path would; restore() heals it.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  /** Accept connections again after cut(). */
  restore(): void;
  close(): Promise<void>;
}

/** `onClientData`: sees every byte a client sends upstream (e.g. to check which AMI actions were sent). */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1', opts: { onClientData?: (chunk: Buffer) => void } = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    if (opts.onClientData) client.on('data', opts.onClientData);
    client.pipe(upstream).pipe(client);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
