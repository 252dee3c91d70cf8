import { expect } from 'chai';
import { endingOf, funnelOf, nodeOrder } from '../../app/reports/ivr-funnel.js';
import type { FlowDefinition } from '../../app/ivr/ivr.schemas.js';

const def = {
  entry: 'm',
  language: 'en',
  fallback: {},
  nodes: {
    m: { type: 'menu', name: 'Main', prompt: { sound: 'x' }, options: { '1': 'q', '2': 'bye' }, timeoutMs: 5000, retries: 1, onExhausted: 'bye', bargeIn: true },
    q: { type: 'queue', queue: 'sales' },
    bye: { type: 'hangup' },
    orphan: { type: 'hangup' },
  },
} as unknown as FlowDefinition;

describe('IVR funnel (pure)', () => {
  it('orders nodes breadth first from the entry, unreachable ones last', () => {
    expect(nodeOrder(def)).to.deep.equal(['m', 'q', 'bye', 'orphan']);
    expect(nodeOrder(null)).to.deep.equal([]);
  });

  it('a caller looping through a menu is reached once; the last node holds the ending', () => {
    const f = funnelOf([
      { steps: ['m', 'm', 'm', 'q'], outcome: 'handed_off' },
      { steps: ['m'], outcome: 'caller_hangup' },
      { steps: ['m', 'bye'], outcome: 'completed' },
      { steps: ['m'], outcome: null },
      { steps: ['m', 'gone-node', 'fallback'], outcome: 'handed_back' },
    ], def);
    const by = Object.fromEntries(f.nodes.map((n) => [n.node, n]));
    expect(f.nodes.map((n) => n.node)).to.deep.equal(['m', 'q', 'bye', 'orphan', 'gone-node', 'fallback']);
    expect(by.m!.reached).to.equal(5);
    expect(by.m!.ended).to.deep.equal({ hungUp: 1, handedOff: 0, completed: 0, failed: 0, inProgress: 1 });
    expect(by.m!.continued).to.equal(3);
    expect(by.m!.dropRate).to.equal(0.2);
    expect(by.m!.name).to.equal('Main');
    expect(by.q!.ended.handedOff).to.equal(1);
    expect(by.orphan!.reached).to.equal(0);
    expect(by.orphan!.dropRate).to.equal(null);
    expect(by['gone-node']!.type, 'a node no longer in the flow').to.equal(null);
    expect(by.fallback!.ended.failed).to.equal(1);
    expect(f.calls).to.equal(5);
    expect(f.ended).to.deep.equal({ hungUp: 1, handedOff: 1, completed: 1, failed: 1, inProgress: 1 });
  });

  it('maps record outcomes to endings', () => {
    expect(['caller_hangup', 'handed_off', 'completed', 'failed', 'handed_back', null].map(endingOf)).to.deep.equal(['hungUp', 'handedOff', 'completed', 'failed', 'failed', 'inProgress']);
  });
});
