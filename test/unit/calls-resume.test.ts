// Recovering calls after a (re)connect with fake ports: when the persisted state cannot be
// read (database error) or rebuilt (a corrupt row), the call is handed back to the dialplan
// fallback, its record closed as handed back, the failure logged with the call's ids, and no
// promise is left rejected for the process to die of.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { CallsStasis } from '../../app/calls/calls.stasis.js';
import type { CallRecord } from '../../app/calls/calls.entities.js';
import type { CallsService } from '../../app/calls/calls.service.js';
import type { FlowResolver } from '../../app/calls/call-flow.js';
import { ChannelGoneError, type CallControl, type CallInfo } from '../../app/pbx/ports.js';

const call: CallInfo = { channelId: 'chan-7', callerNumber: '5551234', callerName: null, calledNumber: '5000', answered: true };

function record(ivrPath: string): CallRecord {
  return { id: 'call-7', channelId: 'chan-7', startedAt: new Date(Date.now() - 5000), ivrPath, digits: '', currentStep: 'welcome', endedAt: null } as unknown as CallRecord;
}

function setup(calls: Partial<CallsService>, control: Partial<CallControl> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  const actions: string[] = [];
  const finished: Array<[string, string, string | null]> = [];
  const outcomes: string[] = [];
  const fullControl = {
    async handBack(channelId: string) { actions.push(`handBack:${channelId}`); },
    async hangup(channelId: string) { actions.push(`hangup:${channelId}`); },
    ...control,
  } as unknown as CallControl;
  const service = {
    async adopt() {},
    async start() { throw new Error('no new call expected'); },
    async finish(r: { id: string }, outcome: string, cause: string | null) { finished.push([r.id, outcome, cause]); },
    ...calls,
  } as unknown as CallsService;
  const flows: FlowResolver = { forNewCall: async () => null, forResumedCall: async () => null };
  const stasis = new CallsStasis(fullControl, service, log, flows, { maxCallSeconds: 3600 }, (o) => outcomes.push(o));
  return { stasis, lines, actions, finished, outcomes };
}

describe('resuming calls whose persisted state is unusable', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => (unhandled.length = 0));

  async function recover(s: ReturnType<typeof setup>) {
    expect(() => s.stasis.onCallsRecovered([call], true)).not.to.throw();
    await s.stasis.drain(0); // waits for the call's work to settle
    await new Promise((r) => setImmediate(r)); // let a rejection nobody handled be reported
    expect(unhandled, 'unhandled rejections').to.deep.equal([]);
  }

  it('the database fails while looking the call up: the call is handed back and the failure logged with its channel', async () => {
    const s = setup({ findOpenByChannel: async () => { throw new Error('ER_LOCK_WAIT_TIMEOUT: Lock wait timeout exceeded'); } });
    await recover(s);
    expect(s.actions).to.deep.equal(['handBack:chan-7']);
    const err = s.lines.find((l) => l.msg === 'cannot resume the call; handing it to the dialplan fallback');
    expect(err).to.include({ level: 50, channelId: 'chan-7', err: 'ER_LOCK_WAIT_TIMEOUT: Lock wait timeout exceeded' });
  });

  it('a corrupt IVR path in the record: the call is handed back, its record closed as handed back, logged with its call id', async () => {
    const s = setup({ findOpenByChannel: async () => record('{"step": "welc') });
    await recover(s);
    expect(s.actions).to.deep.equal(['handBack:chan-7']);
    expect(s.finished).to.deep.equal([['call-7', 'handed_back', 'resume failed']]);
    expect(s.outcomes).to.deep.equal(['handed_back']);
    expect(s.lines.find((l) => l.msg === 'cannot resume the call; handing it to the dialplan fallback')).to.include({ callId: 'call-7', channelId: 'chan-7' });
  });

  it('adopting the record fails, then closing it fails too: the call is still handed back and both failures are logged', async () => {
    const s = setup({
      findOpenByChannel: async () => record('[]'),
      adopt: async () => { throw new Error('SQLITE_BUSY: database is locked'); },
      finish: async () => { throw new Error('SQLITE_BUSY: database is locked'); },
    });
    await recover(s);
    expect(s.actions).to.deep.equal(['handBack:chan-7']);
    expect(s.lines.find((l) => l.msg === 'closing the call record failed')).to.include({ level: 50, callId: 'call-7' });
  });

  it('the caller hung up meanwhile (channel gone on hand-back): nothing thrown, nothing logged above debug for the hand-back', async () => {
    const s = setup({ findOpenByChannel: async () => record('not json') }, { handBack: async (id: string) => { throw new ChannelGoneError(id); } });
    await recover(s);
    expect(s.lines.filter((l) => String(l.msg).startsWith('handing the call back') && (l.level as number) > 20)).to.deep.equal([]);
    expect(s.finished).to.deep.equal([['call-7', 'handed_back', 'resume failed']]);
  });

  it('the hand-back itself fails for another reason: logged as a warning with the call id, still nothing thrown', async () => {
    const s = setup({ findOpenByChannel: async () => record('not json') }, { handBack: async () => { throw new Error('ARI POST /channels/chan-7/continue timed out after 5000 ms'); } });
    await recover(s);
    expect(s.lines.find((l) => l.msg === 'handing the call back failed')).to.include({ level: 40, callId: 'call-7', channelId: 'chan-7' });
  });
});

describe('events of a call whose session is not there yet', () => {
  it('a digit pressed while the standby reads the call record reaches the resumed flow, in order with a hang-up after it', async () => {
    let readRecord!: (r: CallRecord) => void;
    const s = setup({ findOpenByChannel: () => new Promise<CallRecord>((r) => (readRecord = r)) });
    const seen: string[] = [];
    (s.stasis as unknown as { flows: FlowResolver }).flows.forResumedCall = async () => ({
      name: 'menu', versionId: 'v1',
      async run(ctx) {
        seen.push(`digit:${ctx.session.takeDigit()}`);
        seen.push(`ended:${ctx.session.ended?.reason}`);
        if (ctx.session.ended) throw ctx.session.ended; // as every wait of a real flow does
      },
    });
    s.stasis.onCallsRecovered([call], false);
    // While the record is read: the caller presses 1, then hangs up.
    s.stasis.onCallEvent({ kind: 'dtmf', channelId: 'chan-7', digit: '1', at: new Date() });
    s.stasis.onCallEvent({ kind: 'hangup', channelId: 'chan-7', cause: 'caller hung up', at: new Date() });
    readRecord(record('[]'));
    await s.stasis.drain(0);
    expect(seen).to.deep.equal(['digit:1', 'ended:caller hung up']);
    expect(s.finished.map((f) => f[1])).to.deep.equal(['caller_hangup']);
  });
});
