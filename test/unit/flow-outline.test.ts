// The IVR editor's outline (app/web/components/admin/flow-outline.ts): what each node does and
// where it leads, in both languages, for complete and incomplete drafts; the node templates the
// editor inserts fit the server's schema once their targets are filled; every node type is offered.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { validateFlow } from '../../app/ivr/flow-validate.js';
import { edgesOf } from '../../app/ivr/flow-graph.js';
import { flowNode, type FlowNode } from '../../app/ivr/ivr.schemas.js';
import { freshId, NODE_TYPES, nodeTemplate, outline, renameNode, via, type Phrase } from '../../app/web/components/admin/flow-outline.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';
import { textOf, type Tree } from '../support/i18n-text.js';

const say = (messages: Tree) => (p: Phrase) => textOf(messages, p.key, p.params);

const DEF = {
  entry: 'hello',
  nodes: {
    hello: { type: 'play', prompt: { text: 'Hello' }, next: 'menu' },
    menu: { type: 'menu', prompt: { sound: 'press-1' }, options: { 1: 'sales', 9: 'nowhere' }, timeoutMs: 4000, retries: 2, onExhausted: 'bye' },
    sales: { type: 'queue', queue: 'sales' },
    draft: { type: 'collect', prompt: { text: 'Your number' } },
    bye: { type: 'hangup' },
  },
};

describe('IVR editor outline', () => {
  it('lists each node in order with what it does and where it leads; a missing target is marked', () => {
    const o = outline(DEF);
    expect(o.entry).to.equal('hello');
    expect(o.entryExists).to.equal(true);
    expect(o.rows.map((r) => [r.id, r.type, r.entry, r.complete])).to.deep.equal([
      ['hello', 'play', true, true],
      ['menu', 'menu', false, true],
      ['sales', 'queue', false, true],
      ['draft', 'collect', false, false],
      ['bye', 'hangup', false, true],
    ]);
    const menu = o.rows[1];
    expect(menu.what.map(say(en))).to.deep.equal(['Plays sound press-1', 'Waits 4 s for a key, 2 retries']);
    expect(menu.what.map(say(zhCN))).to.deep.equal(['播放声音 press-1', '等待按键 4 秒，重试 2 次']);
    expect(menu.edges.map((e) => [say(en)(e.via), e.target, e.exists])).to.deep.equal([
      ['Key 1', 'sales', true],
      ['Key 9', 'nowhere', false],
      ['No valid key', 'bye', true],
    ]);
    expect(menu.edges.map((e) => say(zhCN)(e.via))).to.deep.equal(['按 1', '按 9', '无有效按键']);
    expect(o.rows[0].what.map(say(en))).to.deep.equal(['Says “Hello”']);
    expect(o.rows[2].what.map(say(zhCN))).to.deep.equal(['进入队列 sales']);
    expect(o.rows[3].edges, 'an incomplete node has no edges').to.deep.equal([]);
  });

  it('says when the definition is not an object, has no nodes or names a missing entry', () => {
    expect(outline([]).error?.key).to.equal('admin.ivr.outline.notObject');
    expect(outline({ entry: 'x' }).error?.key).to.equal('admin.ivr.outline.noNodes');
    const o = outline({ entry: 'start', nodes: { bye: { type: 'hangup' } } });
    expect([o.error, o.entryExists]).to.deep.equal([undefined, false]);
  });

  it('every phrase any node type can produce has a text in both languages', () => {
    const full = {
      entry: 'a',
      nodes: {
        a: { type: 'play', prompt: { prompt: 'lib' }, say: { kind: 'number', value: '{{n}}' }, next: 'b' },
        b: { type: 'collect', prompt: { text: 'x' }, variable: 'v', minDigits: 1, maxDigits: 4, timeoutMs: 1000, retries: 0, next: 'c', onExhausted: 'c' },
        c: { type: 'lookup', source: 'http', url: 'http://crm.local/x', found: 'd', notFound: 'd', onError: 'd' },
        d: { type: 'condition', branches: [{ when: { variable: 'v', op: 'eq', value: '1' }, next: 'e' }], else: 'e' },
        e: { type: 'hours', timezone: 'Asia/Shanghai', weekly: {}, open: 'f', closed: 'f' },
        f: { type: 'set', variables: { x: '1' }, next: 'g' },
        g: { type: 'subflow', flow: 'other', next: 'h' },
        h: { type: 'voicemail', mailbox: 'm', next: 'i' },
        i: { type: 'queue', queue: 'q', noAgents: 'j' },
        j: { type: 'transfer', target: '100' },
        k: { type: 'fax', queue: 'q' },
        l: { type: 'fax' },
        m: { type: 'return' },
        n: { type: 'hangup', prompt: { sound: 'bye' } },
      },
    };
    const o = outline(full);
    expect(o.rows.every((r) => r.complete)).to.equal(true);
    for (const messages of [en, zhCN]) for (const r of o.rows) for (const p of [...r.what, ...r.edges.map((e) => e.via)]) say(messages)(p);
  });

  it('offers every node type, and each template fits the schema once its targets are filled', () => {
    expect([...NODE_TYPES].sort()).to.deep.equal(flowNode.options.map((o) => o.shape.type.value).sort());
    for (const type of NODE_TYPES) {
      // Edges and names to a node id; a transfer's target to a number.
      const filled = JSON.parse(JSON.stringify(nodeTemplate(type, 'Words')).replace(/"target":""/, '"target":"100"').replace(/""/g, '"x"'));
      const parsed = flowNode.safeParse(filled);
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues)}`).to.equal(true);
    }
  });

  it('a fresh id takes the first free number for the type', () => {
    expect(freshId('menu', ['menu1', 'menu2', 'play1'])).to.equal('menu3');
    expect(freshId('play', [])).to.equal('play1');
  });

  it('every kind of problem the validator names has a text in both languages, with the values it carries', () => {
    const source = readFileSync(new URL('../../app/ivr/flow-validate.ts', import.meta.url), 'utf8');
    const codes = [...source.matchAll(/coded\('(\w+)'/g)].map((m) => m[1]);
    expect(codes.length).to.be.greaterThan(25);
    // Every value any problem carries (the validator's params), so a message naming another is caught.
    const all = Object.fromEntries(['field', 'expected', 'got', 'types', 'value', 'id', 'keys', 'type', 'allowed', 'bound', 'values', 'entry', 'via', 'target', 'path', 'name', 'min', 'max', 'n', 'op', 'timezone', 'day', 'start', 'end', 'date', 'flow'].map((k) => [k, k]));
    for (const messages of [en, zhCN]) for (const code of codes) say(messages)({ key: `admin.ivr.problem.${code}`, params: all });
    const bad = validateFlow(
      { entry: 'menu', nodes: { menu: { type: 'menu', prompt: { text: 'x' }, options: { 2: 'nowhere' }, timeoutMs: 100, retries: 1, onExhausted: 'bye', colour: 'red' }, bye: { type: 'hangup' }, lost: { type: 'hangup' } } },
      { promptExists: () => true, flowExists: () => true },
    );
    expect(bad.ok).to.equal(false);
    const problems = bad.ok ? [] : bad.problems;
    expect(problems.map((p) => [p.node, p.code])).to.deep.equal([['menu', 'at_least'], ['menu', 'unknown_field']]);
    expect(say(zhCN)({ key: `admin.ivr.problem.${problems[0].code}`, params: problems[0].params })).to.equal('timeoutMs 不能小于 500');
    const graph = validateFlow(
      { entry: 'menu', nodes: { menu: { type: 'menu', prompt: { text: 'x' }, options: { 2: 'nowhere' }, timeoutMs: 1000, retries: 1, onExhausted: 'bye' }, bye: { type: 'hangup' }, lost: { type: 'hangup' } } },
      { promptExists: () => true, flowExists: () => true },
    );
    const found = graph.ok ? [] : graph.problems;
    expect(found.map((p) => [p.node, p.field, p.code, p.params])).to.deep.equal([
      ['menu', 'options.2', 'edge_missing', { target: 'nowhere' }],
      ['lost', undefined, 'unreachable', { entry: 'menu' }],
    ]);
    const edge = found[0];
    expect(say(zhCN)({ key: 'admin.ivr.problem.edge_missing', params: { ...edge.params, via: say(zhCN)(via(edge.field!)) } })).to.equal('按 2 指向的“nowhere”不存在');
    expect(say(en)({ key: 'admin.ivr.problem.edge_missing', params: { ...edge.params, via: say(en)(via(edge.field!)) } })).to.equal('Key 2 leads to "nowhere", which does not exist');
  });

  it('renames a node: its place kept, the entry and every edge of every node type that led to it follow', () => {
    // Every type's template with each of its edges pointed at "old": after the rename no edge leads there.
    const nodes: Record<string, Record<string, unknown>> = { old: { type: 'hangup' } };
    for (const type of NODE_TYPES) {
      const n = nodeTemplate(type, 'Hi');
      const optional = { lookup: 'onError', queue: 'noAgents', voicemail: 'next' }[type as string];
      for (const f of ['next', 'onExhausted', 'found', 'notFound', 'onError', 'else', 'open', 'closed', 'noAgents']) if (f in n || f === optional) n[f] = 'old';
      if (type === 'menu') n.options = { 1: 'old', 2: 'other' };
      if (type === 'condition') n.branches = [{ when: { variable: 'a', op: 'exists' }, next: 'old' }];
      if (type === 'queue') n.queue = 'sales';
      if (type === 'subflow') n.flow = 'other';
      if (type === 'voicemail') n.mailbox = 'sales';
      nodes[`${type}1`] = n;
    }
    const before = { entry: 'old', nodes };
    const pointing = (def: { nodes: Record<string, unknown> }, id: string) =>
      Object.values(def.nodes).flatMap((n) => {
        const parsed = flowNode.safeParse(n);
        return parsed.success ? edgesOf(parsed.data as FlowNode).filter((e) => e.target === id) : [];
      });
    // play, set, subflow, voicemail, queue 1 each; collect, condition, hours, menu (key 1, no valid key) 2; lookup 3
    expect(pointing(before, 'old').length, 'the fixture points every kind of edge at the node').to.equal(16);
    const after = renameNode(before, 'old', 'ended');
    expect(Object.keys(after.nodes)).to.deep.equal(['ended', ...Object.keys(nodes).slice(1)]);
    expect(after.entry).to.equal('ended');
    expect(pointing(after, 'old')).to.deep.equal([]);
    expect(pointing(after, 'ended').length).to.equal(pointing(before, 'old').length);
    expect((after.nodes.menu1 as { options: unknown }).options).to.deep.equal({ 1: 'ended', 2: 'other' });
    expect(before.entry, 'the definition given is not changed').to.equal('old');
    // An incomplete node's edges follow too; a missing node or the same name changes nothing.
    expect(renameNode({ entry: 'a', nodes: { a: { type: 'hangup' }, b: { type: 'play', next: 'a' } } }, 'a', 'z').nodes.b).to.deep.equal({ type: 'play', next: 'z' });
    expect(renameNode(before, 'nope', 'x')).to.deep.equal(before);
  });
});
