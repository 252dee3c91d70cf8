// Routing decisions and agent-state derivation: pure logic.
import { expect } from 'chai';
import { queueSettings, routingRule } from '../../app/acd/acd.schemas.js';
import { inWindow, route, regionOf, VIP_PRIORITY_STEP, type RouteContext } from '../../app/acd/routing.js';
import { deriveAgentState, isNewer, type MemberRow } from '../../app/acd/agent-state.js';
import { membershipsOf } from '../../app/acd/asterisk-config.js';

const q = (s: Record<string, unknown> = {}) => queueSettings.parse(s);
function ctx(over: Partial<RouteContext> = {}): RouteContext {
  return {
    rules: [],
    regions: [],
    queues: new Map([
      ['support', q({ overflow: { queue: 'backup', afterSeconds: 30 }, maxWaitSeconds: 300 })],
      ['backup', q({ maxWaitSeconds: 120 })],
      ['night', q({ noAgentsQueue: 'backup' })],
      ['zh', q()],
    ]),
    agentsLoggedIn: (name) => (name === 'night' ? 0 : 2),
    ...over,
  };
}
const input = (over: Record<string, unknown> = {}) => ({ queue: 'support', priority: 0, callerNumber: '8613800138000', vipLevel: 0, vars: {}, now: new Date('2026-12-01T02:00:00Z'), ...over });

describe('ACD routing (pure)', () => {
  it('VIP level raises queue priority; overflow and time before it come from the queue', () => {
    const d = route(input({ vipLevel: 2, priority: 5 }), ctx());
    expect(d.priority).to.equal(5 + 2 * VIP_PRIORITY_STEP);
    expect(d.timeoutSeconds).to.equal(30);
    expect(d.overflow).to.deep.equal({ queue: 'backup', priority: 25, timeoutSeconds: 120 });
  });

  it('nobody logged in: noAgentsQueue redirects; without it the decision says noAgents', () => {
    const d = route(input({ queue: 'night' }), ctx());
    expect(d.queue).to.equal('backup');
    expect(d.redirectedFrom).to.equal('night');
    expect(d.noAgents).to.equal(false);
    expect(route(input({ queue: 'zh' }), ctx({ agentsLoggedIn: () => 0 })).noAgents).to.equal(true);
  });

  it('region (longest prefix) and time-of-day rules pick the queue, in order, until stop', () => {
    const rules = [
      routingRule.parse({ name: 'zh callers', when: { regions: ['guangdong'] }, then: { queue: 'zh', priorityAdd: 3 } }),
      routingRule.parse({ name: 'office hours', when: { time: { from: '09:00', to: '18:00', timezone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5] } }, then: { priorityAdd: 1, stop: true } }),
      routingRule.parse({ name: 'never', then: { queue: 'backup' } }),
    ];
    const regions = [{ prefix: '86', region: 'china' }, { prefix: '86138', region: 'guangdong' }];
    expect(regionOf('+8613800138000', regions)).to.equal('guangdong');
    // 2026-12-01 is a Tuesday; 02:00 UTC = 10:00 in Shanghai.
    const d = route(input(), ctx({ rules, regions }));
    expect(d.queue).to.equal('zh');
    expect(d.rules).to.deep.equal(['zh callers', 'office hours']);
    expect(d.priority).to.equal(4);
    const night = route(input({ now: new Date('2026-12-01T14:00:00Z') }), ctx({ rules, regions }));
    expect(night.queue).to.equal('backup');
  });

  it('time windows over midnight belong to the day they start', () => {
    const t = { from: '22:00', to: '06:00', timezone: 'UTC', days: [1] }; // Monday night
    expect(inWindow(new Date('2026-11-30T23:00:00Z'), t)).to.equal(true); // Monday 23:00
    expect(inWindow(new Date('2026-12-01T05:00:00Z'), t)).to.equal(true); // Tuesday 05:00, Monday's window
    expect(inWindow(new Date('2026-12-01T23:00:00Z'), t)).to.equal(false); // Tuesday night
  });

  it('skills decide memberships; the lowest required level sets the penalty', () => {
    const queues = [
      { name: 'en', settings: q({ skills: { english: 3 } }) },
      { name: 'vip-en', settings: q({ skills: { english: 5, vip: 1 } }) },
      { name: 'all', settings: q() },
    ];
    const m = membershipsOf({ english: 8, vip: 2 }, queues);
    expect([...m.entries()]).to.deep.equal([['en', 2], ['vip-en', 8], ['all', 0]]);
    expect([...membershipsOf({ english: 2 }, queues).keys()]).to.deep.equal(['all']);
  });
});

const row = (over: Partial<MemberRow> = {}): MemberRow => ({ queue: 'q', interface: 'PJSIP/a', name: 'a', penalty: 0, paused: false, pausedReason: '', inCall: false, status: 1, callsTaken: 0, lastCall: 0, dynamic: true, ...over });

describe('ACD agent states (pure)', () => {
  const wrap = () => 10;
  const now = 1_800_000_000_000;
  it('derives each state from membership snapshots', () => {
    expect(deriveAgentState([], wrap, now).state).to.equal('logged_out');
    expect(deriveAgentState([row()], wrap, now).state).to.equal('available');
    expect(deriveAgentState([row({ status: 6 })], wrap, now).state).to.equal('ringing');
    expect(deriveAgentState([row({ ringing: { callerUniqueid: 'x', until: now + 1 } })], wrap, now).state).to.equal('ringing');
    expect(deriveAgentState([row({ inCall: true, paused: true })], wrap, now).state).to.equal('on_call');
    expect(deriveAgentState([row({ paused: true, pausedReason: 'lunch' }), row({ queue: 'r', paused: true })], wrap, now)).to.deep.include({ state: 'break', reason: 'lunch' });
    expect(deriveAgentState([row({ paused: true }), row({ queue: 'r' })], wrap, now).state).to.equal('available');
    const w = deriveAgentState([row({ lastCall: now / 1000 - 4 })], wrap, now);
    expect(w).to.deep.equal({ state: 'wrap_up', reason: 'q', wrapupUntil: now + 6000 });
    expect(deriveAgentState([row({ lastCall: now / 1000 - 11 })], wrap, now).state).to.equal('available');
  });

  it('a stale snapshot (fewer calls taken) never replaces a newer one', () => {
    const newer = row({ callsTaken: 3, lastCall: 100 });
    expect(isNewer(newer, row({ callsTaken: 2, lastCall: 200, inCall: true }))).to.equal(false);
    expect(isNewer(newer, row({ callsTaken: 3, lastCall: 100, status: 2 }))).to.equal(true);
    expect(isNewer(undefined, newer)).to.equal(true);
  });
});
