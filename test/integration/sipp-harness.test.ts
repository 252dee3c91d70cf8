// The SIP test harness against the real Asterisk 22: sipp callers (test/support/sipp.ts) and
// composed RFC 2833 digit captures (test/support/dtmf-pcap.ts). Needs no Hotline: 9000 is plain
// dialplan; any other number falls back (Playback + Queue with no members) while the Stasis app
// `hotline` is not connected, and Asterisk still reports the caller's DTMF there over AMI.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertCallsSucceeded, runSipp, SippError, poke, startCall } from '../support/sipp.js';
import type { SippCall } from '../support/sipp.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
type AmiEvent = Record<string, string>;

/** A raw AMI connection that records every event (the real client lives in app/pbx/ami/). */
class AmiTap {
  readonly events: AmiEvent[] = [];
  private buf = '';
  private constructor(private readonly sock: Socket) {}

  static async open(): Promise<AmiTap> {
    const sock = connect(Number(process.env.HOTLINE_AMI_PORT ?? 5038), '127.0.0.1');
    const tap = new AmiTap(sock);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => tap.feed(d));
    await new Promise<void>((res, rej) => { sock.once('connect', () => res()); sock.once('error', rej); });
    sock.write(['Action: Login', `Username: ${process.env.HOTLINE_AMI_USER ?? 'hotline'}`,
      `Secret: ${process.env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami'}`, 'Events: on', 'ActionID: login', '', ''].join('\r\n'));
    const login = await tap.waitFor((m) => m.ActionID === 'login' && 'Response' in m, 5000, 'AMI login');
    if (login.Response !== 'Success') throw new Error(`AMI login refused: ${login.Message}`);
    return tap;
  }

  private feed(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\r\n\r\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 4);
      const msg: AmiEvent = {};
      for (const line of block.split('\r\n')) {
        const c = line.indexOf(': ');
        if (c > 0) msg[line.slice(0, c)] = line.slice(c + 2);
      }
      if (Object.keys(msg).length) this.events.push(msg);
    }
  }

  /** The first message (already seen or arriving) that matches, or an error at the deadline. */
  async waitFor(match: (m: AmiEvent) => boolean, timeoutMs: number, what: string): Promise<AmiEvent> {
    for (const until = Date.now() + timeoutMs; ;) {
      const hit = this.events.find(match);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`AMI: no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Uniqueid of the channel our caller (From user) created. */
  async channelOf(caller: string): Promise<string> {
    const ev = await this.waitFor((m) => m.Event === 'Newchannel' && m.CallerIDNum === caller, 10000, `Newchannel for caller ${caller}`);
    return ev.Uniqueid;
  }

  /** Digits Asterisk received on a channel, in order (DTMFEnd, Direction: Received). */
  digits(uniqueid: string): string[] {
    return this.events.filter((m) => m.Event === 'DTMFEnd' && m.Uniqueid === uniqueid && m.Direction === 'Received').map((m) => m.Digit);
  }

  async waitForDigits(uniqueid: string, n: number, timeoutMs: number): Promise<string[]> {
    await this.waitFor(() => this.digits(uniqueid).length >= n, timeoutMs, `${n} DTMFEnd events (got ${this.digits(uniqueid).join(',')})`);
    return this.digits(uniqueid);
  }

  hungUp(uniqueid: string, timeoutMs = 10000): Promise<AmiEvent> {
    return this.waitFor((m) => m.Event === 'Hangup' && m.Uniqueid === uniqueid, timeoutMs, `Hangup of ${uniqueid}`);
  }

  close(): void {
    this.sock.end('Action: Logoff\r\n\r\n');
    this.sock.destroy();
  }
}

let seq = 0;
/** A caller number no other test uses at the same time. */
const nextCaller = (): string => `77${process.pid % 10000}${String(++seq).padStart(2, '0')}`;
/** A number that is not 9000: it goes to Stasis `hotline`, and without Hotline to the fallback queue. */
const FALLBACK_NUMBER = '7001';

describe('sipp harness against the real Asterisk', function () {
  this.timeout(90_000);
  let ami: AmiTap;
  let call: SippCall | undefined;

  before(async function () {
    this.timeout(180_000);
    execFileSync('bash', [join(ROOT, 'scripts/pbx-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    ami = await AmiTap.open();
  });
  afterEach(async () => {
    if (call) await call.stop(); // hang up whatever a failed test left open
    call = undefined;
  });
  after(() => ami?.close());

  it('calls 9000 (plain dialplan: answer, beep, hang up): the call succeeds and Asterisk hangs up', async () => {
    const r = await runSipp({ scenario: 'uac-wait-bye', service: '9000', caller: nextCaller() });
    assertCallsSucceeded(r);
    expect(r.events).to.include({ ANSWERED: 1, PBX_BYE: 1, CALLER_BYE: 0 });
    expect(r.callIds).to.have.length(1);
  });

  it("Asterisk's BYE landing while a caller waits in a loop (before its digits, before hanging up itself) ends the call as PBX_BYE, never as an unexpected message", async () => {
    // 9000 hangs up after a beep (about 1 s): the uac-dtmf callers are still in their pre-digit
    // wait (5 s), the uac-wait-bye callers in their 100 ms hang-up loop (20 s). Before the BYE was
    // taken at any step, every uac-dtmf call here failed with "unexpected BYE".
    const [dtmf, waiting] = await Promise.all([
      runSipp({ scenario: 'uac-dtmf', service: '9000', digits: '1', waitBeforeDigitsMs: 5000, hangupAfterMs: 20_000, calls: 5, rate: 10 }),
      runSipp({ scenario: 'uac-wait-bye', service: '9000', hangupAfterMs: 20_000, calls: 10, rate: 20 }),
    ]);
    assertCallsSucceeded(dtmf, 5);
    assertCallsSucceeded(waiting, 10);
    expect(dtmf.events).to.include({ PBX_BYE: 5, CALLER_BYE: 0 });
    expect(waiting.events).to.include({ PBX_BYE: 10, CALLER_BYE: 0 });
  });

  it('carries several calls at a rate with their own ports', async () => {
    const [a, b] = await Promise.all([
      runSipp({ scenario: 'uac-wait-bye', service: '9000', calls: 5, rate: 10 }),
      runSipp({ scenario: 'uac-wait-bye', service: '9000', calls: 5, rate: 10 }),
    ]);
    assertCallsSucceeded(a, 5);
    assertCallsSucceeded(b, 5);
    expect(a.sipPort).to.not.equal(b.sipPort);
    expect(a.mediaPort).to.not.equal(b.mediaPort);
  });

  it('sends RFC 2833 digits "31411" that Asterisk receives whole and in order (AMI DTMFEnd)', async () => {
    const caller = nextCaller();
    call = await startCall({ scenario: 'uac-dtmf', service: FALLBACK_NUMBER, caller, digits: '31411', waitBeforeDigitsMs: 500, hangupAfterMs: 20_000 });
    const channel = await ami.channelOf(caller);
    const digits = await ami.waitForDigits(channel, 5, 15_000);
    expect(digits, 'digits Asterisk reported (is Hotline running? this test expects the fallback queue)').to.deep.equal(['3', '1', '4', '1', '1']);
    await call.hangup();
    const r = await call.done;
    assertCallsSucceeded(r);
    expect(r.events).to.include({ ANSWERED: 1, DIGITS: 1, CALLER_BYE: 1 });
    await ami.hungUp(channel);
  });

  it('sends * and # (events 10 and 11) as well', async () => {
    const caller = nextCaller();
    call = await startCall({ scenario: 'uac-dtmf', service: FALLBACK_NUMBER, caller, digits: '*0#', waitBeforeDigitsMs: 300, hangupAfterMs: 20_000 });
    const channel = await ami.channelOf(caller);
    expect(await ami.waitForDigits(channel, 3, 15_000)).to.deep.equal(['*', '0', '#']);
    await call.hangup();
    assertCallsSucceeded(await call.done);
    await ami.hungUp(channel);
  });

  it('uac-hangup: the caller hangs up after the pause it was given', async () => {
    const caller = nextCaller();
    const r = await runSipp({ scenario: 'uac-hangup', service: FALLBACK_NUMBER, caller, hangupAfterMs: 1500 });
    assertCallsSucceeded(r);
    expect(r.events).to.include({ ANSWERED: 1, CALLER_BYE: 1 });
    expect(r.durationMs).to.be.at.least(1500);
    await ami.hungUp(await ami.channelOf(caller));
  });

  it('uac-wait-bye with hangupAfterMs: a caller left waiting in the queue hangs up itself', async () => {
    const caller = nextCaller();
    const r = await runSipp({ scenario: 'uac-wait-bye', service: FALLBACK_NUMBER, caller, hangupAfterMs: 1000 });
    assertCallsSucceeded(r);
    expect(r.events).to.include({ PBX_BYE: 0, CALLER_BYE: 1 });
    await ami.hungUp(await ami.channelOf(caller));
  });

  it('uac-wait-bye without a BYE in time: the call fails, the error carries the sipp log, the channel is hung up', async () => {
    const caller = nextCaller();
    const r = await runSipp({ scenario: 'uac-wait-bye', service: FALLBACK_NUMBER, caller, recvTimeoutMs: 1500 });
    expect(r.exitCode).to.equal(1);
    expect(r.failed).to.equal(1);
    expect(r.failures).to.deep.equal({ FailedTimeoutOnRecv: 1 });
    expect(() => assertCallsSucceeded(r)).to.throw(SippError, /receive timeout/);
    await ami.hungUp(await ami.channelOf(caller)); // sipp sent BYE when it gave up
  });

  it('a burst of "hang up now" MESSAGEs, landing at whatever step the caller stands, ends the call once and fails nothing', async () => {
    const caller = nextCaller();
    call = await startCall({ scenario: 'uac-hangup', service: FALLBACK_NUMBER, caller, hangupAfterMs: 60000 });
    const callId = await call.waitFor('ANSWERED');
    const channel = await ami.channelOf(caller);
    await poke(call.sipPort, Array.from({ length: 30 }, () => callId));
    const r = await call.done;
    assertCallsSucceeded(r);
    expect(r.events).to.include({ ANSWERED: 1, CALLER_BYE: 1 });
    await ami.hungUp(channel);
  });

  it('startCall: waits for the answer, and stop() ends a call that would wait for ever', async () => {
    const caller = nextCaller();
    call = await startCall({ scenario: 'uac-wait-bye', service: FALLBACK_NUMBER, caller });
    const callId = await call.waitFor('ANSWERED');
    expect(callId).to.match(/@127\.0\.0\.1$/);
    const channel = await ami.channelOf(caller);
    const r = await call.stop();
    expect(r.stopped).to.equal(true);
    expect(r.events.CALLER_BYE, `events ${JSON.stringify(r.events)}, failures ${JSON.stringify(r.failures)}, exit ${r.exitCode}/${r.signal}, errors ${r.errors.slice(0, 600)}, logs ${r.logDir}`).to.equal(1);
    await ami.hungUp(channel);
  });
});
