// A call whose flow (or start) fails — typically because the database went away — is handed to
// the dialplan fallback only if this node still holds the HA lease. A node that lost the lease
// meanwhile must not act on Asterisk: the call stays in Stasis, its record open, for the node
// that takes over (seen in CI: the fenced node handed a call back after the standby had listed
// the app's channels, so nobody ever finished its record).
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { CallsStasis } from '../../app/calls/calls.stasis.js';
import type { CallsService } from '../../app/calls/calls.service.js';
import type { CallFlow, FlowResolver } from '../../app/calls/call-flow.js';
import type { CallControl, CallInfo } from '../../app/pbx/ports.js';

const call: CallInfo = { channelId: 'chan-9', callerNumber: '5551234', callerName: null, calledNumber: '6201', answered: true };
const dbGone = () => new Error('Connection lost: The server closed the connection.');

function setup(opts: { startFails?: boolean; leaseHeld: boolean }) {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  const actions: string[] = [];
  const finished: string[] = [];
  const control = {
    async handBack(channelId: string) { actions.push(`handBack:${channelId}`); },
    async hangup(channelId: string) { actions.push(`hangup:${channelId}`); },
  } as unknown as CallControl;
  const service = {
    async start() {
      if (opts.startFails) throw dbGone();
      return { id: 'call-9', startedAt: new Date() };
    },
    async finish(r: { id: string }, outcome: string) { finished.push(`${r.id}:${outcome}`); },
  } as unknown as CallsService;
  const flow: CallFlow = { name: 'menu', versionId: 'v1', run: async () => { throw dbGone(); } };
  const flows: FlowResolver = { forNewCall: async () => flow, forResumedCall: async () => flow };
  const stasis = new CallsStasis(control, service, log, flows, { maxCallSeconds: 3600 });
  let asked = 0;
  stasis.confirmActive = async () => {
    asked++;
    return opts.leaseHeld;
  };
  return { stasis, lines, actions, finished, asked: () => asked };
}

async function newCall(s: ReturnType<typeof setup>) {
  s.stasis.onCallEvent({ kind: 'entered', call, at: new Date() } as never);
  await s.stasis.drain(0);
  await new Promise((r) => setImmediate(r));
}

describe('a call fails while this node may have lost the HA lease', () => {
  it('the flow fails and the lease is gone: no hand-back, the record stays open for the node that takes over', async () => {
    const s = setup({ leaseHeld: false });
    await newCall(s);
    expect(s.asked()).to.equal(1);
    expect(s.actions).to.deep.equal([]);
    expect(s.finished).to.deep.equal([]);
    expect(s.lines.find((l) => l.msg === 'call flow failed and this node lost the lease: call left to the active node')).to.include({ level: 40, callId: 'call-9' });
  });

  it('the flow fails and the lease is still held: the call goes to the dialplan fallback and its record is closed', async () => {
    const s = setup({ leaseHeld: true });
    await newCall(s);
    expect(s.actions).to.deep.equal(['handBack:chan-9']);
    expect(s.finished).to.deep.equal(['call-9:handed_back']);
  });

  it('the call record cannot be created and the lease is gone: no hand-back', async () => {
    const s = setup({ startFails: true, leaseHeld: false });
    await newCall(s);
    expect(s.actions).to.deep.equal([]);
    expect(s.lines.some((l) => l.msg === 'could not start the call and this node lost the lease: call left to the active node')).to.equal(true);
  });

  it('the call record cannot be created and the lease is held: handed back as before', async () => {
    const s = setup({ startFails: true, leaseHeld: true });
    await newCall(s);
    expect(s.actions).to.deep.equal(['handBack:chan-9']);
  });
});
