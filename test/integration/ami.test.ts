// AmiClient against the REAL Asterisk 22 of scripts/pbx-up.sh (no fakes). Fails, never skips,
// when Asterisk cannot be started or reached.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiClient, AmiError, type AmiClientOptions } from '../../app/pbx/ami/index.js';
import type { AmiEvent } from '../../app/pbx/ami/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AMI = {
  host: process.env.HOTLINE_AMI_HOST ?? '127.0.0.1',
  port: Number(process.env.HOTLINE_AMI_PORT ?? 5038),
  username: process.env.HOTLINE_AMI_USER ?? 'hotline',
  secret: process.env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami',
};

function pbx(script: 'pbx-up.sh' | 'pbx-down.sh'): void {
  try {
    execFileSync('bash', [path.join(ROOT, 'scripts', script)], { cwd: ROOT, stdio: 'pipe', timeout: 150_000 });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${script} failed: ${err.message}\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  }
}

/** Waits for `name` on the client, failing after `ms` with a message saying what was awaited. */
async function next<T extends unknown[]>(c: AmiClient, name: 'connected' | 'disconnected' | 'loginFailed', ms: number): Promise<T> {
  try {
    return (await once(c, name, { signal: AbortSignal.timeout(ms) })) as T;
  } catch {
    throw new Error(`no '${name}' from the AMI client within ${ms} ms (state ${c.state}, last error: ${c.lastError?.message ?? 'none'})`);
  }
}

describe('AMI client against the real Asterisk', function () {
  this.timeout(240_000);
  const clients: AmiClient[] = [];
  const make = (o: Partial<AmiClientOptions> = {}): AmiClient => {
    const c = new AmiClient({ ...AMI, connectTimeoutMs: 5000, actionTimeoutMs: 10_000, ...o });
    clients.push(c);
    return c;
  };

  before(() => pbx('pbx-up.sh'));
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });
  after(() => pbx('pbx-up.sh')); // leave Asterisk running for whoever comes next

  it('logs in and answers a Ping', async () => {
    const c = make();
    c.start();
    await c.waitForConnected(15_000);
    expect(c.state).to.equal('connected');
    const pong = await c.action('Ping');
    expect(pong).to.include({ Response: 'Success', Ping: 'Pong' });
  });

  it("lists QueueStatus: hotline-fallback's QueueParams, then Complete", async () => {
    const c = make();
    c.start();
    await c.waitForConnected(15_000);
    const list = await c.actionList('QueueStatus');
    expect(list.response).to.include({ Response: 'Success', EventList: 'start' });
    const params = list.events.find((e) => e.Event === 'QueueParams' && e.Queue === 'hotline-fallback');
    expect(params, 'QueueParams for hotline-fallback').to.not.equal(undefined);
    expect(params).to.include({ Strategy: 'ringall' });
    expect(list.complete).to.include({ Event: 'QueueStatusComplete', EventList: 'Complete' });
    expect(Number(list.complete?.ListItems)).to.equal(list.events.length);
  });

  it("rejects an unknown action with Asterisk's error message", async () => {
    const c = make();
    c.start();
    await c.waitForConnected(15_000);
    const err = (await c.action('NoSuchAction').catch((e: unknown) => e)) as AmiError;
    expect(err).to.be.instanceOf(AmiError);
    expect(err.code).to.equal('action_failed');
    expect(err.message).to.match(/Invalid\/unknown command: NoSuchAction/);
  });

  it('reports a wrong secret clearly, without the secret', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const logged: string[] = [];
    const log = (o: object, m: string): void => void logged.push(JSON.stringify(o) + m);
    const c = make({ secret: wrong, logger: { debug: log, info: log, warn: log, error: log } });
    const failed = next<[AmiError]>(c, 'loginFailed', 15_000);
    c.start();
    const [err] = await failed;
    expect(err.code).to.equal('login_rejected');
    expect(err.message).to.match(new RegExp(`^AMI login rejected for user ${AMI.username}: Authentication failed`));
    expect(err.message).not.to.include(wrong);
    expect(JSON.stringify(err)).not.to.include(wrong);
    expect(logged.join('\n')).to.include('AMI login rejected').and.not.include(wrong);
    const notConnected = (await c.waitForConnected(500).catch((e: unknown) => e)) as AmiError;
    expect(notConnected.message).to.include('AMI login rejected').and.not.include(wrong);
    expect(c.state).to.not.equal('connected');
  });

  it('reconnects and logs in again by itself after Asterisk restarts', async () => {
    const c = make({ backoff: { initialMs: 250, maxMs: 2000 } });
    const events: AmiEvent[] = [];
    c.on('event', (e) => events.push(e));
    c.start();
    await c.waitForConnected(15_000);
    const firstSince = c.since;

    const lost = next<[Error]>(c, 'disconnected', 60_000);
    pbx('pbx-down.sh');
    const [reason] = await lost;
    expect(reason.message).to.be.a('string');
    expect(c.state).to.not.equal('connected');

    const back = next(c, 'connected', 90_000);
    pbx('pbx-up.sh');
    await back;
    expect(c.state).to.equal('connected');
    expect(c.since.getTime()).to.be.greaterThan(firstSince.getTime());

    const list = await c.actionList('QueueStatus');
    expect(list.events.some((e) => e.Event === 'QueueParams' && e.Queue === 'hotline-fallback')).to.equal(true);
    expect((await c.action('Ping')).Ping).to.equal('Pong');
  });
});
