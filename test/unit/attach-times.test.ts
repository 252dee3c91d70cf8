// The times of calls found in progress at a reconnect: Status's CDR times parsed, checked
// against the channels' ages and Hotline's clock (app/attach/pbx-times.ts), and used for the
// queue calls answered unseen.
import { expect } from 'chai';
import { parseStatusClocks } from '../../app/pbx/ami/channel-events.js';
import { channelTimes, checkClock } from '../../app/attach/pbx-times.js';
import { answeredUnseen } from '../../app/attach/attach.service.js';
import type { ChannelClocks, QueueStatusSnapshot } from '../../app/pbx/ports.js';

const T = 1_796_336_232_000; // when Hotline asked (its clock)
const status = (uniqueid: string, seconds: number, start: string, answer: string, extra: string[] = []) => ({
  Event: 'Status', Uniqueid: uniqueid, Seconds: String(seconds),
  Variable: [`CDR(uniqueid)=${uniqueid}`, `CDR(start,u)=${start}`, `CDR(answer,u)=${answer}`, ...extra],
});

describe('attach: the PBX\'s times of calls found in progress', () => {
  it('Status items: CDR times as epoch ms, 0.000000 or (null) as none, QUEUEWAIT as whole seconds', () => {
    const items = [
      status('pbx-1796336228.0', 3, '1796336228.626386', '1796336228.627033', ['QUEUEWAIT=4']),
      status('pbx-1796336229.3', 2, '1796336229.129227', '0.000000', ['QUEUEWAIT=(null)']),
      { Event: 'StatusComplete', Items: '2' },
    ];
    expect(parseStatusClocks(items)).to.deep.equal([
      { uniqueid: 'pbx-1796336228.0', seconds: 3, cdrUniqueid: 'pbx-1796336228.0', cdrStartMs: 1796336228626, cdrAnswerMs: 1796336228627, queueWaitSeconds: 4 },
      { uniqueid: 'pbx-1796336229.3', seconds: 2, cdrUniqueid: 'pbx-1796336229.3', cdrStartMs: 1796336229129, cdrAnswerMs: null, queueWaitSeconds: null },
    ]);
  });

  const clocks = (offsetMs: number, over: Partial<ChannelClocks['channels'][0]> = {}): ChannelClocks => ({
    sentAt: T, receivedAt: T + 20,
    channels: [
      { uniqueid: 'c.1', seconds: 12, cdrUniqueid: 'c.1', cdrStartMs: T - 12_400 + offsetMs, cdrAnswerMs: T - 12_390 + offsetMs, queueWaitSeconds: 3, ...over },
      { uniqueid: 'a.2', seconds: 8, cdrUniqueid: 'a.2', cdrStartMs: T - 8_700 + offsetMs, cdrAnswerMs: T - 8_100 + offsetMs, queueWaitSeconds: null },
    ],
  });
  const listed = [{ uniqueid: 'c.1', durationSeconds: 12, state: 6 }, { uniqueid: 'a.2', durationSeconds: 8, state: 6 }];

  it('same clocks: the CDR\'s start and answer to the millisecond, not the listing\'s whole seconds', () => {
    const { times, clock } = channelTimes(listed, clocks(0), new Date(T));
    expect(clock).to.deep.equal({ offsetMs: 0, agrees: true });
    expect(times.get('c.1')).to.deep.equal({ startedAt: new Date(T - 12_400), answeredAt: new Date(T - 12_390), exact: true, queueWaitSeconds: 3 });
  });

  it('a PBX clock 90 s ahead: its times are moved onto Hotline\'s clock (within the second the ages allow)', () => {
    const { times, clock } = channelTimes(listed, clocks(90_000), new Date(T));
    expect(clock!.agrees).to.equal(false);
    expect(Math.abs(clock!.offsetMs - 90_000)).to.be.lessThan(1000);
    expect(Math.abs(times.get('c.1')!.startedAt.getTime() - (T - 12_400))).to.be.lessThan(1000);
    expect(checkClock(clocks(300))).to.deep.equal({ offsetMs: 0, agrees: true }); // within what ages in whole seconds can tell
  });

  it('no CDR (off on the PBX), another channel\'s CDR or one that does not fit the age: the age in whole seconds, no answer time', () => {
    const none = channelTimes(listed, clocks(0, { cdrStartMs: null, cdrAnswerMs: null }), new Date(T)).times.get('c.1');
    expect(none).to.deep.equal({ startedAt: new Date(T - 12_000), answeredAt: null, exact: false, queueWaitSeconds: 3 });
    expect(channelTimes(listed, clocks(0, { cdrUniqueid: 'other.9' }), new Date(T)).times.get('c.1')!.exact).to.equal(false);
    expect(channelTimes(listed, clocks(0, { cdrStartMs: T - 40_000 }), new Date(T)).times.get('c.1')!.exact).to.equal(false);
    expect(channelTimes(listed, null, new Date(T)).times.get('a.2')).to.deep.equal({ startedAt: new Date(T - 8000), answeredAt: null, exact: false, queueWaitSeconds: null });
  });

  it('a queue call answered unseen: answered when the member\'s channel was, the wait app_queue set, joined = answered − wait', () => {
    const ch = (uniqueid: string, name: string, duration: number, over: Record<string, string> = {}) => ({
      uniqueid, linkedid: 'c.1', name, state: 6, callerNumber: '5551', callerName: '', context: '', exten: '', durationSeconds: duration, application: '', applicationData: '', bridgeId: 'b1', ...over,
    });
    const channels = [ch('c.1', 'PJSIP/trunk-00000001', 12, { application: 'Queue', applicationData: 'q-support,r,,,60' }), ch('a.2', 'Local/101@from-queue-00000002;1', 8)];
    const st = { members: [{ queue: 'q-support', interface: 'Local/101@from-queue/n', stateInterface: 'PJSIP/101' }], entries: [], params: [] } as unknown as QueueStatusSnapshot;
    const { times } = channelTimes(channels, clocks(0), new Date(T));
    expect(answeredUnseen(channels, st, new Date(T), times)).to.deep.equal([{
      queue: 'q-support', uniqueid: 'c.1', callerNumber: '5551', joinedAt: new Date(T - 8_100 - 3000), answeredAt: new Date(T - 8_100), agentInterface: 'Local/101@from-queue/n', holdSeconds: 3,
    }]);
  });
});
