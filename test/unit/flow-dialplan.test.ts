// Which flows the dialplan runs by itself, what is written for them, and how their AMI events
// read (app/ivr/flow-dialplan.ts, app/pbx/dialplan-control.ts). The calls themselves are tested
// against the real Asterisk in test/integration/dialplan-flows.test.ts.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { compilablePath, compiledSections } from '../../app/ivr/flow-dialplan.js';
import { flowDefinition, type FlowDefinition } from '../../app/ivr/ivr.schemas.js';
import { COMPILED_CONTEXT, toDialplanCallEvent } from '../../app/pbx/dialplan-control.js';

const flow = (nodes: Record<string, unknown>, entry = 'a'): FlowDefinition => flowDefinition.parse({ entry, nodes });
const library = (name: string) => (name === 'closed' ? 'hotline/closed' : null);

describe('flows compiled into the dialplan', () => {
  it('play nodes with fixed sounds or library prompts, ending in a hang-up, compile; the path keeps each node\'s sounds', () => {
    expect(compilablePath(flow({ a: { type: 'hangup', prompt: { sound: 'beep' } } }), library)).to.deep.equal([{ node: 'a', sounds: ['beep'] }]);
    const path = compilablePath(
      flow({
        a: { type: 'play', prompt: { prompt: 'closed' }, next: 'b' },
        b: { type: 'play', next: 'c' },
        c: { type: 'hangup', prompt: { sound: 'digits/1' } },
      }),
      library,
    );
    expect(path).to.deep.equal([{ node: 'a', sounds: ['hotline/closed'] }, { node: 'b', sounds: [] }, { node: 'c', sounds: ['digits/1'] }]);
  });

  it('anything that needs Hotline during the call stays in the Stasis app', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['a menu', { a: { type: 'menu', prompt: { sound: 'x' }, options: { '1': 'b' }, timeoutMs: 1000, retries: 0, onExhausted: 'b' }, b: { type: 'hangup' } }],
      ['barge-in', { a: { type: 'play', prompt: { sound: 'x' }, bargeIn: true, next: 'b' }, b: { type: 'hangup' } }],
      ['say digits', { a: { type: 'play', say: { kind: 'digits', value: '{{caller}}' }, next: 'b' }, b: { type: 'hangup' } }],
      ['text to speech', { a: { type: 'hangup', prompt: { text: 'hello' } } }],
      ['an unknown library prompt', { a: { type: 'hangup', prompt: { prompt: 'nope' } } }],
      ['a queue', { a: { type: 'queue', queue: 'sales' } }],
      ['a loop', { a: { type: 'play', prompt: { sound: 'x' }, next: 'b' }, b: { type: 'play', prompt: { sound: 'y' }, next: 'a' } }],
      ['a missing node', { a: { type: 'play', prompt: { sound: 'x' }, next: 'zz' } }],
    ];
    for (const [what, nodes] of cases) expect(compilablePath(flowDefinition.parse({ entry: 'a', nodes }), library), what).to.equal(null);
  });

  it('writes one extension per number: answer, an event per node, the prompts, the end event, hang up', () => {
    const [section] = compiledSections([
      { number: '9001', versionId: 'v-1', path: [{ node: 'a', sounds: ['beep', 'hello'] }, { node: 'b', sounds: [] }] },
      { number: 'x; Dial(evil)', versionId: 'v-2', path: [{ node: 'a', sounds: ['beep'] }] },
    ]);
    expect(section!.name).to.equal(COMPILED_CONTEXT);
    expect(section!.lines).to.deep.equal([
      ['exten', '9001,1,Answer()'],
      ['exten', '9001,2,UserEvent(HotlineFlow,Version: v-1,Node: a,Admitted: ${HOTLINE_NOW})'],
      ['exten', '9001,3,Playback(beep&hello)'],
      ['exten', '9001,4,UserEvent(HotlineFlowStep,Node: b)'],
      ['exten', '9001,5,UserEvent(HotlineFlowDone)'],
      ['exten', '9001,6,Hangup()'],
    ]);
    // No numbers: the context is still written (empty), so the jump's DIALPLAN_EXISTS answers 0.
    expect(compiledSections([])).to.deep.equal([{ name: COMPILED_CONTEXT, lines: [] }]);
  });

  it('the inbound dialplan jumps to the compiled context after admission and includes Hotline\'s file', () => {
    const conf = readFileSync(new URL('../../dialplan/extensions.conf', import.meta.url), 'utf8');
    const jump = conf.indexOf(`DIALPLAN_EXISTS(${COMPILED_CONTEXT},\${EXTEN},1)`);
    expect(jump).to.be.greaterThan(conf.indexOf('GotoIf($[(${HOTLINE_RATE_TAT}'));
    expect(jump).to.be.lessThan(conf.indexOf('Stasis(${HOTLINE_APP},inbound'));
    expect(conf).to.match(/^#tryinclude extensions_hotline\.conf$/m);
  });

  it('reads the events of a compiled call from AMI (the channel\'s snapshot), and ignores everything else', () => {
    const at = new Date(0);
    const base = { Context: COMPILED_CONTEXT, Uniqueid: '1700.1', CallerIDNum: '1390', CallerIDName: '<unknown>', Exten: '9001' };
    // Read 9 s late (Hotline's event loop stalled): the delay is Asterisk's own, from its Timestamp.
    const late = new Date(1796438130640);
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlow', Version: 'v-1', Node: 'a', Admitted: '1796438121.615', Timestamp: '1796438121.640123', ...base }, late)).to.deep.equal({
      kind: 'started', channelId: '1700.1', callerNumber: '1390', callerName: null, calledNumber: '9001', versionId: 'v-1', node: 'a', at: late, admissionDelayMs: 25,
    });
    // A PBX without timestampevents: the time the event was dated on Hotline's clock stands in.
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlow', Version: 'v-1', Node: 'a', Admitted: '1796438121.615', ...base }, late)).to.include({ admissionDelayMs: 9025 });
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlow', Version: 'v-1', Node: 'a', ...base }, late)).not.to.have.property('admissionDelayMs');
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlowStep', Node: 'b', ...base }, at)).to.deep.equal({ kind: 'step', channelId: '1700.1', node: 'b', at });
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlowDone', ...base }, at)).to.deep.equal({ kind: 'done', channelId: '1700.1', at });
    expect(toDialplanCallEvent({ Event: 'Hangup', Cause: '16', 'Cause-txt': 'Normal Clearing', ...base }, at)).to.deep.equal({ kind: 'hangup', channelId: '1700.1', cause: 'Normal Clearing', at });
    expect(toDialplanCallEvent({ Event: 'Hangup', Cause: '16', ...base, Context: 'from-callers' }, at)).to.equal(null);
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineFlow', ...base, Context: 'hotline-queue' }, at)).to.equal(null);
    expect(toDialplanCallEvent({ Event: 'UserEvent', UserEvent: 'HotlineQueue', ...base }, at)).to.equal(null);
  });
});
