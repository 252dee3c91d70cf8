// Watches the real Asterisk's AMI events during a test, with Hotline's own AMI client.
import { AmiClient, fieldOf, type AmiMessage } from '../../app/pbx/ami/index.js';
import { waitUntil } from './pbx.js';

export class AmiWatch {
  readonly events: AmiMessage[] = [];
  /** When this process received each event (Date.now()): latency measurements start here. */
  readonly receivedAt = new WeakMap<AmiMessage, number>();
  private readonly client = new AmiClient({
    host: '127.0.0.1',
    port: Number(process.env.HOTLINE_AMI_PORT ?? 5038),
    username: process.env.HOTLINE_AMI_USER ?? 'hotline',
    secret: process.env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami',
    events: 'on',
  });

  async start(): Promise<this> {
    this.client.on('event', (e) => {
      const m = e as unknown as AmiMessage;
      this.receivedAt.set(m, Date.now());
      this.events.push(m);
    });
    this.client.start();
    await this.client.waitForConnected(15_000);
    return this;
  }

  /** Waits for an event whose fields all match (string equality), among the events from the
   *  `since`-th on (default: all received; pass `events.length` taken earlier to skip older ones). */
  waitFor(event: string, fields: Record<string, string> = {}, timeoutMs = 15_000, since = 0): Promise<AmiMessage> {
    return waitUntil(`AMI ${event} ${JSON.stringify(fields)}`, () =>
      this.events.find((e, i) => i >= since && fieldOf(e, 'Event') === event && Object.entries(fields).every(([k, v]) => fieldOf(e, k) === v)),
    timeoutMs);
  }

  /** Sends one action (MixMonitor, StopMixMonitor ...) on the watcher's own connection. */
  action(name: string, fields: Record<string, string>): Promise<AmiMessage> {
    return this.client.action(name, fields) as Promise<AmiMessage>;
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}
