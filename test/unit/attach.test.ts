// Attaching to an existing PBX, pure parts: how its AMI events fold into one call record
// (whatever their order), the attach settings, and the read-only AMI client refusing writes
// before they reach the socket.
import { expect } from 'chai';
import net from 'node:net';
import { once } from 'node:events';
import { applyEvent, concernsCallRecord, endUnseen, linkedidOf, type AttachedCall, type AttachEvent } from '../../app/attach/call-mapping.js';
import { ConfigError, loadConfig, secretValues } from '../../app/config.js';
import { AmiClient, AmiError } from '../../app/pbx/ami/index.js';
import { AmiParser, fieldOf } from '../../app/pbx/ami/parser.js';
import { deviceOf, durationSeconds, parseChannels, toChannelEvent } from '../../app/pbx/ami/channel-events.js';
import { toQueueEvent } from '../../app/pbx/ami/queue-control.js';
import { READ_ONLY_ACTIONS } from '../../app/pbx/attached.js';
import { answeredUnseen, stateInQueue } from '../../app/attach/attach.service.js';
import { deriveAgentState } from '../../app/acd/agent-state.js';
import type { ChannelSnapshot, QueueMemberSnapshot } from '../../app/pbx/ports.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s));
const LINKED = 'pbx-1.10';
const caller = (over: Partial<ChannelSnapshot> = {}): ChannelSnapshot => ({ uniqueid: LINKED, linkedid: LINKED, name: 'PJSIP/trunk-00000001', state: 4, callerNumber: '5550100', callerName: 'Ann', context: 'from-trunk', exten: '200', ...over });
const agentLeg = (over: Partial<ChannelSnapshot> = {}): ChannelSnapshot => ({ ...caller(), uniqueid: 'pbx-1.11', name: 'PJSIP/ext-agent1-00000002', callerNumber: '', exten: 's', ...over });
const member = (over: Partial<QueueMemberSnapshot> = {}): QueueMemberSnapshot => ({ queue: 'sales', interface: 'PJSIP/ext-agent1', name: 'Alice', penalty: 0, paused: false, pausedReason: '', inCall: true, status: 2, callsTaken: 1, lastCall: 0, dynamic: false, ...over });

const answeredCall: AttachEvent[] = [
  { kind: 'channel', cause: 'new', channel: caller(), at: t(0) },
  { kind: 'channel', cause: 'state', channel: caller({ state: 6 }), at: t(1) },
  { kind: 'caller-join', queue: 'sales', uniqueid: LINKED, linkedid: LINKED, callerNumber: '5550100', position: 1, at: t(1) },
  { kind: 'channel', cause: 'new', channel: agentLeg(), at: t(2) },
  { kind: 'member', cause: 'connect', member: member(), callerUniqueid: LINKED, callerLinkedid: LINKED, holdSeconds: 3, at: t(4) },
  { kind: 'dial-end', channel: caller({ state: 6 }), destChannel: 'PJSIP/ext-agent1-00000002', destUniqueid: 'pbx-1.11', dialStatus: 'ANSWER', at: t(4) },
  { kind: 'member', cause: 'complete', member: member({ inCall: false }), callerUniqueid: LINKED, callerLinkedid: LINKED, holdSeconds: 3, talkSeconds: 20, at: t(24) },
  { kind: 'channel', cause: 'hangup', channel: agentLeg({ state: 6 }), hangupCause: 'Normal Clearing', at: t(24) },
  { kind: 'channel', cause: 'hangup', channel: caller({ state: 6 }), hangupCause: 'Normal Clearing', at: t(24) },
];

const fold = (events: AttachEvent[]): AttachedCall | null => events.reduce<AttachedCall | null>((c, e) => applyEvent(c, e) ?? c, null);

describe('attach: call records from AMI events', () => {
  it('an answered queue call: caller, dialed number, queue, agent, hold and talk as Asterisk reported them', () => {
    const c = fold(answeredCall)!;
    expect(c).to.include({ callerNumber: '5550100', callerName: 'Ann', calledNumber: '200', queue: 'sales', agentInterface: 'PJSIP/ext-agent1', agentName: 'Alice', holdSeconds: 3, talkSeconds: 20, outcome: 'answered', hangupCause: 'Normal Clearing', durationMs: 24_000 });
    expect(c.answeredAt).to.deep.equal(t(1));
    expect(c.endedAt).to.deep.equal(t(24));
  });

  it('the same events in another order give the same record (the caller\'s Newchannel still comes first)', () => {
    const [first, ...rest] = answeredCall;
    const shuffled = [first!, ...[...rest].reverse()];
    const a = fold(answeredCall)!;
    const b = fold(shuffled)!;
    for (const k of ['callerNumber', 'calledNumber', 'queue', 'agentInterface', 'agentName', 'holdSeconds', 'talkSeconds', 'outcome', 'durationMs'] as const) expect(b[k], k).to.deep.equal(a[k]);
  });

  it('a caller who gives up in the queue is abandoned, with the wait Asterisk reported; a timeout without abandon is unanswered', () => {
    const abandon: AttachEvent[] = [
      answeredCall[0]!, answeredCall[1]!, answeredCall[2]!,
      { kind: 'caller-abandon', queue: 'sales', uniqueid: LINKED, linkedid: LINKED, holdSeconds: 7, at: t(8) },
      { kind: 'channel', cause: 'hangup', channel: caller({ state: 6 }), hangupCause: 'Normal Clearing', at: t(8) },
    ];
    expect(fold(abandon)).to.include({ outcome: 'abandoned', holdSeconds: 7, queue: 'sales', agentInterface: null });
    expect(fold(abandon.filter((e) => e.kind !== 'caller-abandon'))).to.include({ outcome: 'unanswered', queue: 'sales' });
  });

  it('a call the PBX answers itself (no queue) is completed; one nobody answers is unanswered; a plain Dial answered names the device', () => {
    const played: AttachEvent[] = [answeredCall[0]!, answeredCall[1]!, { kind: 'channel', cause: 'hangup', channel: caller({ state: 6 }), hangupCause: 'Normal Clearing', at: t(3) }];
    expect(fold(played)).to.include({ outcome: 'completed', queue: null });
    expect(fold([answeredCall[0]!, { kind: 'channel', cause: 'hangup', channel: caller(), hangupCause: 'No answer', at: t(3) }])).to.include({ outcome: 'unanswered', answeredAt: null });
    const dialed: AttachEvent[] = [answeredCall[0]!, { kind: 'dial-end', channel: caller(), destChannel: 'PJSIP/101-0000000a', destUniqueid: 'x', dialStatus: 'ANSWER', at: t(2) }, played[2]!];
    expect(fold(dialed)).to.include({ outcome: 'answered', agentInterface: 'PJSIP/101' });
  });

  it('only the caller\'s channel and call-related queue events concern a record; a hangup of a call never seen starts none', () => {
    expect(concernsCallRecord({ kind: 'channel', cause: 'state', channel: agentLeg(), at: t(0) })).to.equal(false);
    expect(concernsCallRecord({ kind: 'member', cause: 'pause', member: member(), at: t(0) })).to.equal(false);
    expect(linkedidOf({ kind: 'member', cause: 'status', member: member(), at: t(0) })).to.equal(null);
    expect(applyEvent(null, { kind: 'channel', cause: 'hangup', channel: caller(), hangupCause: 'x', at: t(0) })).to.equal(null);
    expect(applyEvent(null, { kind: 'member', cause: 'connect', member: member(), callerUniqueid: LINKED, callerLinkedid: LINKED, at: t(0) })).to.equal(null);
  });

  it('a call whose channels vanished while nobody listened is ended at reconcile time, keeping what was known', () => {
    const open = fold(answeredCall.slice(0, 5))!;
    expect(open.endedAt).to.equal(null);
    expect(endUnseen(open, t(40))).to.include({ outcome: 'answered', hangupCause: 'ended while not watched', durationMs: 40_000 });
  });
});

describe('attach: AMI events and lists normalized', () => {
  it('channel events, caller ID <unknown>, CoreShowChannels durations, device of a channel', () => {
    const e = toChannelEvent({ Event: 'Hangup', Channel: 'PJSIP/trunk-0000000a', Uniqueid: 'a.1', Linkedid: 'a.1', ChannelState: '6', CallerIDNum: '<unknown>', CallerIDName: '<unknown>', Exten: '200', Context: 'x', Cause: '16', 'Cause-txt': 'Normal Clearing' })!;
    expect(e).to.deep.include({ kind: 'channel', cause: 'hangup', hangupCause: 'Normal Clearing' });
    expect(e.channel).to.include({ callerNumber: '', state: 6, linkedid: 'a.1' });
    expect(toChannelEvent({ Event: 'VarSet', Uniqueid: 'a.1' })).to.equal(null);
    expect(durationSeconds('01:02:03')).to.equal(3723);
    expect(parseChannels([{ Event: 'CoreShowChannel', Uniqueid: 'a.2', Linkedid: 'a.1', Duration: '00:00:42', Channel: 'PJSIP/x-1' }, { Event: 'CoreShowChannelsComplete' }])).to.have.length(1).and.nested.property('[0].durationSeconds', 42);
    expect(deviceOf('PJSIP/ext-agent1-0000002a')).to.equal('PJSIP/ext-agent1');
    expect(deviceOf('Local/100@from-internal-00000001;2')).to.equal('Local/100@from-internal');
  });

  it('queue events carry the Linkedid of the caller\'s call', () => {
    expect(toQueueEvent({ Event: 'QueueCallerJoin', Queue: 'q', Uniqueid: 'u.2', Linkedid: 'u.1', CallerIDNum: '1', Position: '1' })).to.include({ kind: 'caller-join', linkedid: 'u.1' });
    expect(toQueueEvent({ Event: 'QueueCallerAbandon', Queue: 'q', Uniqueid: 'u.2', Position: '2', OriginalPosition: '5', HoldTime: '9' })).to.include({ kind: 'caller-abandon', position: 2, originalPosition: 5, holdSeconds: 9 });
    expect(toQueueEvent({ Event: 'AgentConnect', Queue: 'q', Uniqueid: 'u.2', Linkedid: 'u.1', Interface: 'PJSIP/a', MemberName: 'A', HoldTime: '4' })).to.include({ callerLinkedid: 'u.1', holdSeconds: 4 });
  });
});

describe('attach: settings', () => {
  const ok = { HOTLINE_ATTACH_AMI_URL: 'tcp://pbx.local:5038', HOTLINE_ATTACH_AMI_USER: 'hotline-ro', HOTLINE_ATTACH_AMI_PASSWORD: 'ro-pass-1234' };
  it('reads tcp://host:port, user, password and name; the password is a secret', () => {
    const c = loadConfig({ ...ok, HOTLINE_ATTACH_NAME: 'office-pbx', HOTLINE_OWN_PBX: 'false' });
    expect(c.attach).to.deep.equal({ name: 'office-pbx', host: 'pbx.local', port: 5038, user: 'hotline-ro', password: 'ro-pass-1234' });
    expect(c.ownPbx).to.equal(false);
    expect(secretValues(c)).to.include('ro-pass-1234');
    expect(loadConfig({}).attach).to.equal(undefined);
    expect(loadConfig({ ...ok, HOTLINE_ATTACH_AMI_URL: 'tcp://[::1]:5038' }).attach?.host).to.equal('::1');
  });
  const bad: Array<[Record<string, string>, string, RegExp]> = [
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://pbx.local' }, 'HOTLINE_ATTACH_AMI_URL', /no port/],
    [{ HOTLINE_ATTACH_AMI_URL: 'http://pbx.local:5038' }, 'HOTLINE_ATTACH_AMI_URL', /not tcp/],
    [{ HOTLINE_ATTACH_AMI_URL: 'pbx.local:5038' }, 'HOTLINE_ATTACH_AMI_URL', /tcp:\/\/host:port/],
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://pbx.local:5038/x' }, 'HOTLINE_ATTACH_AMI_URL', /nothing after the port/],
    [{ HOTLINE_ATTACH_AMI_URL: 'tcp://pbx.local:0' }, 'HOTLINE_ATTACH_AMI_URL', /no port/],
    [{ HOTLINE_ATTACH_AMI_URL: undefined as unknown as string }, 'HOTLINE_ATTACH_AMI_USER', /without HOTLINE_ATTACH_AMI_URL/],
    [{ HOTLINE_ATTACH_AMI_USER: 'a\r\nAction: Originate' }, 'HOTLINE_ATTACH_AMI_USER', /letters/],
    [{ HOTLINE_ATTACH_AMI_PASSWORD: '' }, 'HOTLINE_ATTACH_AMI_PASSWORD', /required/],
    [{ HOTLINE_ATTACH_NAME: 'hotline' }, 'HOTLINE_ATTACH_NAME', /own Asterisk/],
    [{ HOTLINE_OWN_PBX: 'maybe' }, 'HOTLINE_OWN_PBX', /./],
  ];
  for (const [env, variable, why] of bad) {
    it(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
      const merged: Record<string, string> = { ...ok, ...env };
      for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
      expect(() => loadConfig(merged)).to.throw(ConfigError, variable).with.property('message').that.matches(why);
    });
  }
  it('never echoes a password given in the URL', () => {
    expect(() => loadConfig({ ...ok, HOTLINE_ATTACH_AMI_URL: 'tcp://u:pw-in-url@pbx.local:5038' })).to.throw(ConfigError).with.property('message').that.does.not.contain('pw-in-url');
  });
});

describe('attach: the read-only AMI client', () => {
  let server: net.Server;
  let port = 0;
  const received: string[] = [];
  before(async () => {
    server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.write('Asterisk Call Manager/11.0.0\r\n');
      const parser = new AmiParser({ expectBanner: false });
      sock.on('data', (d) => {
        for (const f of parser.push(d)) {
          if (f.type !== 'message') continue;
          const action = fieldOf(f.message, 'Action') ?? '';
          received.push(action);
          sock.write(`Response: Success\r\nActionID: ${fieldOf(f.message, 'ActionID')}\r\nMessage: ok\r\n\r\n`);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('sends Login and the allowed reads; refuses any other action before it reaches the socket', async () => {
    const c = new AmiClient({ host: '127.0.0.1', port, username: 'ro', secret: 'ro-secret', allowedActions: READ_ONLY_ACTIONS, pingIntervalMs: 0 });
    c.start();
    try {
      await c.waitForConnected(3000);
      await c.action('CoreStatus');
      for (const write of ['Originate', 'QueuePause', 'Redirect', 'Hangup', 'UpdateConfig', 'Command', 'queuepause']) {
        const err = await c.action(write, { Channel: 'PJSIP/x' }).catch((e: AmiError) => e);
        expect(err).to.be.instanceOf(AmiError).with.property('code', 'not_allowed');
      }
      await c.action('Ping');
      expect(received).to.deep.equal(['Login', 'CoreStatus', 'Ping']);
    } finally {
      await c.stop();
    }
  });

  it('an allow-list without Ping while pinging is a programming error', () => {
    expect(() => new AmiClient({ host: 'h', port: 1, username: 'u', secret: 's', allowedActions: ['QueueStatus'] })).to.throw(TypeError, /Ping/);
  });
});

describe('attach: FreePBX-style members and calls answered unseen', () => {
  const member = (queue: string, over: Partial<QueueMemberSnapshot> = {}): QueueMemberSnapshot => ({
    queue, interface: 'Local/101@from-queue/n', stateInterface: 'PJSIP/101', name: 'Alice', penalty: 0, paused: false, pausedReason: '', inCall: false, status: 1, callsTaken: 0, lastCall: 0, dynamic: false, ...over,
  });

  it('availability per membership: paused in one queue is a break there and available in the other', () => {
    const view = { interface: 'Local/101@from-queue/n', name: 'Alice', state: 'available', reason: '', since: new Date(), queues: [
      { queue: 'q-sales', paused: true, pausedReason: 'lunch', penalty: 0, status: 1, inCall: false, callsTaken: 0 },
      { queue: 'q-support', paused: false, pausedReason: '', penalty: 0, status: 1, inCall: false, callsTaken: 0 },
    ] };
    expect(stateInQueue(view, 'q-sales')).to.deep.equal({ state: 'break', reason: 'lunch' });
    expect(stateInQueue(view, 'q-support')).to.deep.equal({ state: 'available', reason: '' });
    expect(stateInQueue({ ...view, state: 'on_call', reason: '' }, 'q-sales')).to.deep.equal({ state: 'on_call', reason: '' });
  });

  it('the phone busy without a queue call is on_call for no queue; a queue call names its queue', () => {
    expect(deriveAgentState([member('q-sales', { status: 2 }), member('q-support', { status: 2 })], () => 0, 0)).to.include({ state: 'on_call', reason: '' });
    expect(deriveAgentState([member('q-sales', { status: 2 }), member('q-support', { status: 2, inCall: true })], () => 0, 0)).to.include({ state: 'on_call', reason: 'q-support' });
  });

  it('a caller in Queue() bridged to a Local member is an answered queue call, with the waits the listing gives', () => {
    const ch = (uniqueid: string, name: string, duration: number, over: Record<string, string> = {}) => ({
      uniqueid, linkedid: '1700000000.1', name, state: 6, callerNumber: '5551', callerName: '', context: '', exten: '', durationSeconds: duration, application: '', applicationData: '', bridgeId: '', ...over,
    });
    const takenAt = new Date(1_700_000_100_000);
    const channels = [
      ch('1700000000.1', 'PJSIP/trunk-00000001', 30, { application: 'Queue', applicationData: 'q-support,r,,,60', bridgeId: 'b1' }),
      ch('1700000000.2', 'Local/101@from-queue-00000002;1', 26, { bridgeId: 'b1' }),
      ch('1700000000.3', 'PJSIP/trunk-00000003', 5, { linkedid: '1700000000.3', application: 'Queue', applicationData: 'q-sales,r,,,8' }),
    ];
    const status = { members: [member('q-support')], entries: [], params: [] } as unknown as Parameters<typeof answeredUnseen>[1];
    expect(answeredUnseen(channels, status, takenAt)).to.deep.equal([{
      queue: 'q-support', uniqueid: '1700000000.1', callerNumber: '5551', joinedAt: new Date(takenAt.getTime() - 30_000), answeredAt: new Date(takenAt.getTime() - 26_000), agentInterface: 'Local/101@from-queue/n', holdSeconds: 4,
    }]);
  });
});
