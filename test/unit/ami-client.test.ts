// AmiClient against a small fake AMI server (net.createServer): protocol logic only.
import { expect } from 'chai';
import net from 'node:net';
import { once } from 'node:events';
import { inspect } from 'node:util';
import { AmiClient, AmiError, type AmiClientOptions } from '../../app/pbx/ami/index.js';
import { AmiParser, fieldOf } from '../../app/pbx/ami/parser.js';
import type { AmiEvent, AmiLogger, AmiMessage } from '../../app/pbx/ami/types.js';

const SECRET = 'fake-s3cret-value';
type Handler = (msg: AmiMessage, reply: (fields: Record<string, string>) => void, sock: net.Socket) => void;

class FakeAmi {
  readonly server = net.createServer((s) => this.accept(s));
  readonly sockets: net.Socket[] = [];
  readonly logins: { msg: AmiMessage; at: number }[] = [];
  readonly actions: AmiMessage[] = [];
  handlers: Record<string, Handler> = {};
  banner = true;
  port = 0;

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  private accept(sock: net.Socket): void {
    this.sockets.push(sock);
    sock.on('error', () => {});
    if (this.banner) sock.write('Asterisk Call Manager/11.0.0\r\n');
    const parser = new AmiParser({ expectBanner: false });
    sock.on('data', (d) => {
      for (const f of parser.push(d)) if (f.type === 'message') this.onAction(f.message, sock);
    });
  }
  private onAction(msg: AmiMessage, sock: net.Socket): void {
    const id = fieldOf(msg, 'ActionID') ?? '';
    const reply = (fields: Record<string, string>): void => send(sock, { ...fields, ActionID: id });
    if (msg.Action === 'Login') {
      this.logins.push({ msg, at: Date.now() });
      if (msg.Secret === SECRET) reply({ Response: 'Success', Message: 'Authentication accepted' });
      else reply({ Response: 'Error', Message: 'Authentication failed' });
      return;
    }
    this.actions.push(msg);
    const h = this.handlers[fieldOf(msg, 'Action') ?? ''];
    if (h) h(msg, reply, sock);
    else reply({ Response: 'Success', Message: `${msg.Action} ok` });
  }
  get last(): net.Socket {
    return this.sockets[this.sockets.length - 1];
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

function send(sock: net.Socket, fields: Record<string, string>): void {
  sock.write(Object.entries(fields).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
}

const logged: unknown[] = [];
const logger: AmiLogger = {
  debug: (o, m) => logged.push(['debug', o, m]),
  info: (o, m) => logged.push(['info', o, m]),
  warn: (o, m) => logged.push(['warn', o, m]),
  error: (o, m) => logged.push(['error', o, m]),
};

const wait = <T extends unknown[]>(c: AmiClient, name: 'connected' | 'disconnected' | 'loginFailed' | 'event', ms = 3000) =>
  once(c, name, { signal: AbortSignal.timeout(ms) }) as Promise<T>;

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('AmiClient (fake AMI server)', () => {
  let fake: FakeAmi;
  let client: AmiClient;
  const make = (o: Partial<AmiClientOptions> = {}): AmiClient =>
    (client = new AmiClient({
      host: '127.0.0.1', port: fake.port, username: 'hotline', secret: SECRET, logger,
      backoff: { initialMs: 10, maxMs: 50 }, actionTimeoutMs: 1000, ...o,
    }));

  beforeEach(async () => {
    fake = await new FakeAmi().listen();
  });
  afterEach(async () => {
    await client?.stop();
    await fake.close();
  });
  after(() => {
    expect(JSON.stringify(logged)).not.to.include(SECRET);
  });

  it('logs in (username, secret, events), emits connected and exposes state/since', async () => {
    const c = make({ events: 'system,call,agent,user' });
    expect(c.state).to.equal('stopped');
    const before = c.since;
    c.start();
    expect(c.state).to.equal('connecting');
    await wait(c, 'connected');
    expect(c.state).to.equal('connected');
    expect(c.since.getTime()).to.be.at.least(before.getTime());
    const login = fake.logins[0].msg;
    expect(login).to.include({ Username: 'hotline', Secret: SECRET, Events: 'system,call,agent,user' });
    expect(fieldOf(login, 'ActionID')).to.match(/^hl-/);
    expect(inspect(c, { depth: 2 })).not.to.include(SECRET);
  });

  it('correlates responses sent out of order, with unique non-time ActionIDs', async () => {
    const held: (() => void)[] = [];
    fake.handlers.Getvar = (msg, reply) => held.push(() => reply({ Response: 'Success', Value: `v-${msg.Variable}` }));
    const c = make();
    c.start();
    const results = ['A', 'B', 'C'].map((v) => c.action('Getvar', { Variable: v }));
    await until(() => held.length === 3);
    held.reverse().forEach((f) => f());
    const values = (await Promise.all(results)).map((r) => r.Value);
    expect(values).to.deep.equal(['v-A', 'v-B', 'v-C']);
    const ids = fake.actions.map((a) => fieldOf(a, 'ActionID') as string);
    expect(new Set(ids).size).to.equal(3);
    for (const id of ids) expect(id).not.to.include(String(Date.now()).slice(0, 8));
  });

  it('rejects with AmiError carrying the Response: Error message', async () => {
    fake.handlers.Bogus = (_m, reply) => reply({ Response: 'Error', Message: 'Invalid/unknown command: Bogus.' });
    const c = make();
    c.start();
    const err = await c.action('Bogus').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AmiError);
    expect((err as AmiError).code).to.equal('action_failed');
    expect((err as AmiError).message).to.include('Invalid/unknown command: Bogus.');
    expect((err as AmiError).response?.Response).to.equal('Error');
  });

  it('times out an unanswered action and ignores its late response', async () => {
    let late: (() => void) | undefined;
    fake.handlers.Slow = (_m, reply) => (late = () => reply({ Response: 'Success' }));
    const c = make();
    c.start();
    const err = (await c.action('Slow', {}, { timeoutMs: 100 }).catch((e: unknown) => e)) as AmiError;
    expect(err.code).to.equal('timeout');
    expect(err.message).to.match(/Slow .*within 100 ms/);
    expect(c.pendingCount).to.equal(0);
    late?.();
    expect((await c.action('Ping')).Response).to.equal('Success');
  });

  it('collects list events by ActionID until EventList: Complete, passing other events on', async () => {
    fake.handlers.QueueStatus = (_m, reply, sock) => {
      reply({ Response: 'Success', EventList: 'start', Message: 'Queue status will follow' });
      send(sock, { Event: 'Newchannel', Channel: 'PJSIP/9-1' });
      reply({ Event: 'QueueParams', Queue: 'q1' });
      reply({ Event: 'QueueMember', Queue: 'q1', Name: 'agent1' });
      reply({ Event: 'QueueStatusComplete', EventList: 'Complete', ListItems: '2' });
    };
    const c = make();
    const events: AmiEvent[] = [];
    c.on('event', (e) => events.push(e));
    c.start();
    const r = await c.actionList('QueueStatus');
    expect(r.response.EventList).to.equal('start');
    expect(r.events.map((e) => e.Event)).to.deep.equal(['QueueParams', 'QueueMember']);
    expect(r.complete?.ListItems).to.equal('2');
    expect(events.map((e) => e.Event)).to.deep.equal(['Newchannel']);
  });

  it('rejects a list action answered with an error', async () => {
    fake.handlers.QueueStatus = (_m, reply) => reply({ Response: 'Error', Message: 'Permission denied' });
    const c = make();
    c.start();
    const err = (await c.actionList('QueueStatus').catch((e: unknown) => e)) as AmiError;
    expect(err.code).to.equal('action_failed');
    expect(err.message).to.include('Permission denied');
  });

  it('queues actions while down (bounded by maxPending) and sends them after login', async () => {
    fake.banner = false; // handshake cannot finish: the client stays "connecting"
    const c = make({ maxPending: 3, connectTimeoutMs: 300 });
    c.start();
    const queued = [c.action('Ping'), c.action('Ping'), c.action('Ping')];
    const full = (await c.action('Ping').catch((e: unknown) => e)) as AmiError;
    expect(full.code).to.equal('buffer_full');
    expect(full.message).to.match(/buffer full \(3 actions pending\)/);
    fake.banner = true;
    await wait(c, 'connected');
    expect((await Promise.all(queued)).map((r) => r.Response)).to.deep.equal(['Success', 'Success', 'Success']);
    expect(fake.actions).to.have.length(3);
  });

  it('rejects actions already sent when the connection drops, reconnects and re-logs in', async () => {
    fake.handlers.Hang = (_m, _r, sock) => setTimeout(() => sock.destroy(), 20);
    const c = make();
    c.start();
    await wait(c, 'connected');
    const disconnected = wait<[Error]>(c, 'disconnected');
    const err = (await c.action('Hang').catch((e: unknown) => e)) as AmiError;
    expect(err.code).to.equal('disconnected');
    const [reason] = await disconnected;
    expect(reason.message).to.match(/closed/);
    await wait(c, 'connected');
    expect(fake.logins).to.have.length(2);
    expect(fake.actions.filter((a) => a.Action === 'Hang')).to.have.length(1); // never re-sent
    expect((await c.action('Ping')).Response).to.equal('Success');
  });

  it('tells how long it has been down: 0 while connected, counting from the drop (a change waits only for a short outage)', async () => {
    fake.handlers.Hang = (_m, _r, sock) => setTimeout(() => sock.destroy(), 20);
    const c = make();
    c.start();
    await wait(c, 'connected');
    expect(c.downForMs()).to.equal(0);
    await fake.close(); // Asterisk gone: the drop, then failed reconnects
    await c.action('Hang').catch(() => undefined);
    await until(() => c.state !== 'connected');
    await new Promise((r) => setTimeout(r, 120));
    const down = c.downForMs();
    expect(down, 'counted from the drop, not from the last reconnect attempt').to.be.within(100, 2000);
    fake = await new FakeAmi().listen(); // afterEach closes it
  });

  it('reports a rejected login clearly, without the secret, and retries with growing backoff', async () => {
    const c = make({ secret: 'wrong-s3cret', backoff: { initialMs: 40, maxMs: 320 } });
    const failures: AmiError[] = [];
    c.on('loginFailed', (e) => failures.push(e));
    c.start();
    await until(() => fake.logins.length >= 6, 5000);
    expect(c.state).to.not.equal('connected');
    expect(failures[0].code).to.equal('login_rejected');
    expect(failures[0].message).to.equal('AMI login rejected for user hotline: Authentication failed');
    expect(JSON.stringify(logged)).to.include('AMI login rejected for user hotline').and.not.include('wrong-s3cret');
    const gaps = fake.logins.slice(1).map((l, i) => l.at - fake.logins[i].at);
    // equal jitter: the delay before attempt n is in [base/2, base], base doubling up to maxMs
    expect(gaps[2]).to.be.greaterThan(gaps[0]);
    expect(gaps[3]).to.be.greaterThan(gaps[1]);
    for (const g of gaps) expect(g).to.be.lessThan(320 + 150);
  });

  it('resets the connection on an oversized message, then reconnects', async () => {
    fake.handlers.Huge = (_m, reply) => reply({ Response: 'Success', Blob: 'x'.repeat(5000) });
    const c = make({ maxMessageBytes: 1024 });
    c.start();
    await wait(c, 'connected');
    const disconnected = wait<[Error]>(c, 'disconnected');
    const err = (await c.action('Huge').catch((e: unknown) => e)) as AmiError;
    expect(err.code).to.equal('disconnected');
    expect((await disconnected)[0].message).to.match(/exceeds 1024 bytes/);
    await wait(c, 'connected');
  });

  it('gives up a handshake that never completes (no banner) and retries', async () => {
    fake.banner = false;
    const c = make({ connectTimeoutMs: 100 });
    c.start();
    const [reason] = await wait<[Error]>(c, 'disconnected');
    expect(reason.message).to.match(/timed out after 100 ms/);
    await until(() => fake.sockets.length >= 2);
  });

  it('detects a dead peer with Ping and reconnects', async () => {
    let silent = true;
    fake.handlers.Ping = (_m, reply) => !silent && reply({ Response: 'Success', Ping: 'Pong' });
    const c = make({ pingIntervalMs: 50 });
    c.start();
    await wait(c, 'connected');
    const [reason] = await wait<[Error]>(c, 'disconnected');
    expect(reason.message).to.match(/ping/i);
    silent = false;
    await wait(c, 'connected');
  });

  it('keeps a connection whose Ping goes unanswered while events still arrive (a slow Asterisk is not a dead one)', async () => {
    fake.handlers.Ping = () => {}; // never answered
    // Timeouts well above a busy box's event-loop stalls (a 100 ms one dropped it once while the
    // box ran browser tests beside it: the events were still waiting in the socket).
    const c = make({ pingIntervalMs: 300, actionTimeoutMs: 300 });
    let dropped = false;
    c.on('disconnected', () => (dropped = true));
    c.start();
    await wait(c, 'connected');
    const events = setInterval(() => send(fake.last, { Event: 'Newchannel', Channel: 'PJSIP/9-1' }), 20);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // several unanswered pings
      expect(dropped, 'dropped while events were flowing').to.equal(false);
    } finally {
      clearInterval(events);
    }
    // Silent from now on: the next unanswered ping drops it.
    const [reason] = await wait<[Error]>(c, 'disconnected');
    expect(reason.message).to.match(/ping/i);
  });

    it('refuses CR/LF injection and reserved fields; sends array values as repeated lines', async () => {
    const c = make();
    c.start();
    for (const bad of [c.action('Originate', { Channel: 'PJSIP/1\r\nAction: Logoff' }), c.action('Ping', { ActionID: 'x' }), c.action('Bad Name')]) {
      expect(((await bad.catch((e: unknown) => e)) as AmiError).code).to.equal('invalid_action');
    }
    await c.action('Originate', { Channel: 'PJSIP/1', Variable: ['A=1', 'B=2'], Async: true, Timeout: 3000, Skip: undefined });
    expect(fake.actions[0]).to.include({ Channel: 'PJSIP/1', Async: 'true', Timeout: '3000' });
    expect(fake.actions[0].Variable).to.deep.equal(['A=1', 'B=2']);
    expect(fake.actions[0]).not.to.have.property('Skip');
  });

  it('survives a throwing event listener', async () => {
    const c = make();
    c.on('event', () => { throw new Error('listener bug'); });
    c.start();
    await wait(c, 'connected');
    const ev = wait<[AmiEvent]>(c, 'event');
    send(fake.last, { Event: 'UserEvent', UserEvent: 'Hello' });
    expect((await ev)[0]).to.include({ Event: 'UserEvent', UserEvent: 'Hello' });
    expect(JSON.stringify(logged)).to.include('AMI listener threw');
    expect((await c.action('Ping')).Response).to.equal('Success');
  });

  it('stop() rejects pending actions, closes, and stops reconnecting', async () => {
    fake.handlers.Slow = () => {};
    const c = make();
    c.start();
    await wait(c, 'connected');
    const pending = c.action('Slow').catch((e: unknown) => e);
    await until(() => fake.actions.length === 1);
    await c.stop();
    expect(((await pending) as AmiError).code).to.equal('stopped');
    expect(c.state).to.equal('stopped');
    expect(((await c.action('Ping').catch((e: unknown) => e)) as AmiError).code).to.equal('stopped');
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.sockets).to.have.length(1);
  });
});
