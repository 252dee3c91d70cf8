import { expect } from 'chai';
import { validateFlow, regexProblem, type FlowContext, type FlowProblem } from '../../app/ivr/flow-validate.js';
import { edgesOf, isTerminal, promptsOf } from '../../app/ivr/flow-graph.js';
import type { FlowNode, PromptRef } from '../../app/ivr/ivr.schemas.js';

const PROMPTS = new Set(['welcome', 'main-menu', 'sales', 'support', 'invalid', 'enter-account', 'goodbye', 'closed', 'level']);
const SOUNDS = new Set(['hello-world', 'digits/1', 'vm-intro']);
const ctx: FlowContext = {
  promptExists: (ref: PromptRef) => ('sound' in ref ? SOUNDS.has(ref.sound) : 'prompt' in ref ? PROMPTS.has(ref.prompt) : true),
  flowExists: (name) => ['billing', 'main'].includes(name),
  selfName: 'main',
};

type Json = Record<string, any>;
const p = (name: string) => ({ prompt: name });
const menu = (options: Record<string, string>, onExhausted: string, extra: Json = {}) => ({
  type: 'menu', prompt: p('level'), options, timeoutMs: 5000, retries: 2, invalidPrompt: p('invalid'), onExhausted, ...extra,
});

/** A valid flow five menus deep, using every node type. */
function fiveLevels(): Json {
  return {
    entry: 'hours',
    language: 'zh',
    fallback: { prompt: p('goodbye'), queue: 'general' },
    nodes: {
      hours: { type: 'hours', timezone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']], sat: [['10:00', '12:00'], ['13:00', '16:00']] }, holidays: ['2026-10-01'], open: 'who', closed: 'afterHours' },
      afterHours: { type: 'play', prompt: p('closed'), next: 'vm' },
      vm: { type: 'voicemail', mailbox: 'general', prompt: { sound: 'vm-intro' }, next: 'bye' },
      who: { type: 'lookup', source: 'crm', found: 'vip', notFound: 'welcome', onError: 'welcome' },
      vip: { type: 'condition', branches: [{ when: { variable: 'customer.tier', op: 'eq', value: 'gold' }, next: 'vipQueue' }, { when: { variable: 'customer.name', op: 'matches', value: '^A[a-z]+$' }, next: 'welcome' }], else: 'welcome' },
      vipQueue: { type: 'queue', queue: 'vip', priority: 10 },
      welcome: { type: 'play', prompt: { text: '欢迎致电' }, next: 'tag' },
      tag: { type: 'set', variables: { channel: 'phone' }, next: 'l1' },
      l1: menu({ 1: 'l2', 2: 'salesQ', 0: 'operator' }, 'salesQ', { prompt: p('main-menu'), timeoutPrompt: { text: 'Please choose' } }),
      l2: menu({ 1: 'l3', 9: 'l1' }, 'l1'),
      l3: menu({ 1: 'l4', '*': 'l2' }, 'bye'),
      l4: menu({ 1: 'l5', '#': 'l1' }, 'bye'),
      l5: menu({ 1: 'account', 2: 'billing' }, 'bye'),
      account: { type: 'collect', prompt: p('enter-account'), variable: 'account', minDigits: 6, maxDigits: 10, timeoutMs: 8000, pattern: '^[0-9]{6,10}$', retries: 2, next: 'byAccount', onExhausted: 'operator' },
      byAccount: { type: 'lookup', source: 'http', by: 'variable', variable: 'account', url: 'https://crm.local/api/{{account}}', found: 'sayIt', notFound: 'operator' },
      sayIt: { type: 'play', say: { kind: 'digits', value: '{{account}}' }, next: 'operator' },
      billing: { type: 'subflow', flow: 'billing', next: 'bye' },
      salesQ: { type: 'queue', queue: 'sales', prompt: p('sales') },
      operator: { type: 'transfer', target: '8000' },
      bye: { type: 'hangup', prompt: p('goodbye') },
    },
  };
}

/** Menus `depth` levels deep: key 1 goes one level down, 9 back to the top, onExhausted hangs up. */
function deepMenus(depth: number): Json {
  const nodes: Json = { bye: { type: 'hangup' } };
  for (let i = 1; i <= depth; i++) nodes[`m${i}`] = menu(i < depth ? { 1: `m${i + 1}`, 9: 'm1' } : { 1: 'bye', 9: 'm1' }, i > 1 ? `m${i - 1}` : 'bye');
  return { entry: 'm1', nodes };
}

function problemsOf(flow: unknown, c: FlowContext = ctx): FlowProblem[] {
  const r = validateFlow(flow, c);
  return r.ok ? [] : r.problems;
}

/** Exactly these problems, in this order: [node, field or undefined, message substring]. */
function expectProblems(flow: unknown, expected: Array<[string | null, string | undefined, string]>): void {
  const got = problemsOf(flow);
  const show = JSON.stringify(got, null, 1);
  expect(got.length, show).to.equal(expected.length);
  expected.forEach(([node, field, text], i) => {
    expect(got[i].node, show).to.equal(node);
    expect(got[i].field, show).to.equal(field);
    expect(got[i].message, show).to.include(text);
  });
}

function withNodes(patch: Json, base = fiveLevels()): Json {
  for (const [id, n] of Object.entries(patch)) {
    if (n === undefined) delete base.nodes[id];
    else base.nodes[id] = n;
  }
  return base;
}

describe('IVR flow validation', () => {
  describe('valid flows', () => {
    it('accepts a 5-level menu flow using every node type and fills defaults', () => {
      const r = validateFlow(fiveLevels(), ctx);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      if (!r.ok) return;
      expect(r.flow.nodes.l1).to.include({ type: 'menu', bargeIn: true });
      expect(r.flow.nodes.who).to.include({ by: 'caller', into: 'customer', timeoutMs: 2000 });
    });

    it('accepts a 10-level deep menu tree (no depth limit)', () => {
      expect(problemsOf(deepMenus(10))).to.deep.equal([]);
    });

    it('accepts a 300-level deep menu tree and a 5000-node chain of plays', () => {
      expect(problemsOf(deepMenus(300))).to.deep.equal([]);
      const nodes: Json = { end: { type: 'hangup' } };
      for (let i = 0; i < 5000; i++) nodes[`p${i}`] = { type: 'play', prompt: { sound: 'digits/1' }, next: i < 4999 ? `p${i + 1}` : 'end' };
      expect(problemsOf({ entry: 'p0', nodes })).to.deep.equal([]);
    });

    it('does not treat a loop the caller leaves by pressing keys as a problem', () => {
      // l2 option 9 -> l1 (input), l1 option 1 -> l2 (input): a loop, but only through key presses.
      expect(problemsOf(fiveLevels())).to.deep.equal([]);
      expect(problemsOf(withNodes({ again: menu({ 1: 'again', 2: 'bye' }, 'bye') , bye: { type: 'hangup' } }, { entry: 'again', nodes: {} }))).to.deep.equal([]);
    });
  });

  describe('schema problems name the node and field', () => {
    it('a menu without timeoutMs', () => {
      const f = fiveLevels();
      delete f.nodes.l3.timeoutMs;
      expectProblems(f, [['l3', 'timeoutMs', 'timeoutMs is required']]);
    });

    it('an unknown node type lists the types that exist', () => {
      expectProblems(withNodes({ tag: { type: 'sms', next: 'l1' } }), [['tag', 'type', 'unknown node type "sms"; the types are: play, menu, collect']]);
      expectProblems(withNodes({ tag: { next: 'l1' } }), [['tag', 'type', 'node type is missing']]);
    });

    it('a two-digit DTMF key', () => {
      expectProblems(withNodes({ l2: menu({ 12: 'l3', 9: 'l1' }, 'l1') }), [['l2', 'options.12', 'key "12" in options is not valid: one DTMF key']]);
    });

    it('every schema issue becomes one problem, flow-level first, then in node order', () => {
      const f = withNodes({
        l1: { ...menu({ 1: 'l2' }, 'bye'), retries: 11, colour: 'red' },
        '9x': { type: 'hangup' },
        account: { ...fiveLevels().nodes.account, terminator: '+' },
        welcome: { type: 'play', prompt: { sound: 'bad name!' }, next: 'tag' },
        tag: { type: 'play', prompt: { sound: 'a', text: 'b' }, next: 'l1' },
      });
      f.entry = 'has space';
      expectProblems(f, [
        [null, 'entry', 'is not valid for entry: node ids'],
        ['welcome', 'prompt.sound', 'a sound name such as hello-world'],
        ['tag', 'prompt', 'prompt must be exactly one of'],
        ['l1', 'retries', 'retries must be at most 10'],
        ['l1', undefined, 'unknown field "colour"; a menu node has: name, type, prompt, options'],
        ['account', 'terminator', 'terminator must be one of "#", "*", "none", got "+"'],
        ['9x', undefined, '"9x" is not a valid node id'],
      ]);
    });

    it('a flow that is not an object at all', () => {
      expectProblems(42, [[null, undefined, 'must be object']]);
      expectProblems({ entry: 'a' }, [[null, 'nodes', 'nodes is required']]);
    });
  });

  describe('graph problems', () => {
    it('returns exactly the three problems of a flow with three distinct errors', () => {
      const f = withNodes({
        l2: menu({ 1: 'l3', 3: 'm9', 9: 'l1' }, 'l1'),
        orphan: { type: 'hangup' },
        bye: { type: 'hangup', prompt: p('no-such-prompt') },
      });
      expectProblems(f, [
        ['l2', 'options.3', 'option "3" points at "m9", which does not exist'],
        ['bye', 'prompt', 'prompt "no-such-prompt" does not exist'],
        ['orphan', undefined, '"orphan" cannot be reached from the entry "hours"'],
      ]);
    });

    it('a missing entry', () => {
      const f = fiveLevels();
      f.entry = 'start';
      expectProblems(f, [[null, 'entry', 'entry "start" does not exist']]);
    });

    it('every dangling edge, labelled', () => {
      expectProblems(withNodes({
        who: { type: 'lookup', source: 'crm', found: 'vip', notFound: 'nf', onError: 'welcome' },
        vip: { type: 'condition', branches: [{ when: { variable: 'x', op: 'exists' }, next: 'vipQueue' }, { when: { variable: 'y', op: 'missing' }, next: 'gone' }], else: 'alsoGone' },
        l5: menu({ 1: 'account', 2: 'billing' }, 'exhausted'),
      }), [
        ['who', 'notFound', 'notFound points at "nf"'],
        ['vip', 'branches.1.next', 'branch 2 points at "gone"'],
        ['vip', 'else', 'else points at "alsoGone"'],
        ['l5', 'onExhausted', 'onExhausted points at "exhausted"'],
      ]);
    });

    it('each unreachable node, one problem each, in definition order', () => {
      expectProblems(withNodes({ x1: { type: 'play', prompt: p('welcome'), next: 'x2' }, x2: { type: 'play', prompt: p('welcome'), next: 'x1' } }), [
        ['x1', undefined, '"x1" cannot be reached'],
        ['x2', undefined, '"x2" cannot be reached'],
      ]);
    });

    it('a menu without options', () => {
      expectProblems(withNodes({ l5: menu({}, 'bye'), account: undefined, byAccount: undefined, sayIt: undefined, billing: undefined }), [
        ['l5', 'options', 'a menu needs at least one option'],
      ]);
    });

    it('collect: minDigits above maxDigits, a catastrophic pattern, a pattern that does not compile', () => {
      const account = fiveLevels().nodes.account;
      expectProblems(withNodes({ account: { ...account, minDigits: 8, maxDigits: 4, pattern: '^(\\d+)+$' } }), [
        ['account', 'minDigits', 'minDigits (8) is more than maxDigits (4)'],
        ['account', 'pattern', 'pattern has a nested quantifier'],
      ]);
      expectProblems(withNodes({ account: { ...account, pattern: '^([0-9]$' } }), [['account', 'pattern', 'is not a valid regular expression']]);
    });

    it('condition values: matches needs a safe regex, in a list, gt a number, eq a value', () => {
      const when = (op: string, value?: unknown) => ({ when: { variable: 'v', op, ...(value === undefined ? {} : { value }) }, next: 'welcome' });
      expectProblems(withNodes({ vip: { type: 'condition', branches: [when('matches', '(.*)*x'), when('in', 'a'), when('gt', 'ten'), when('eq'), when('matches', 5), when('lt', '7'), { ...when('exists'), next: 'vipQueue' }], else: 'welcome' } }), [
        ['vip', 'branches.0.when.value', 'branch 1: "matches" value has a nested quantifier'],
        ['vip', 'branches.1.when.value', 'branch 2: op "in" needs a list'],
        ['vip', 'branches.2.when.value', 'branch 3: op "gt" needs a number'],
        ['vip', 'branches.3.when.value', 'branch 4: op "eq" needs a value'],
        ['vip', 'branches.4.when.value', 'branch 5: "matches" value must be a regular expression'],
      ]);
    });

    it('a play with neither prompt nor say', () => {
      expectProblems(withNodes({ welcome: { type: 'play', next: 'tag' } }), [['welcome', undefined, 'a play node needs a prompt or a say']]);
    });

    it('lookup: http without url, by variable without variable', () => {
      expectProblems(withNodes({ byAccount: { type: 'lookup', source: 'http', by: 'variable', found: 'sayIt', notFound: 'operator' } }), [
        ['byAccount', 'url', 'source "http" needs a url'],
        ['byAccount', 'variable', 'by "variable" needs a variable'],
      ]);
    });

    it('hours: an unknown timezone, an interval that ends before it starts, an impossible holiday', () => {
      const hours = fiveLevels().nodes.hours;
      expectProblems(withNodes({ hours: { ...hours, timezone: 'Mars/Olympus', weekly: { mon: [['09:00', '12:00'], ['18:00', '13:00']], fri: [['10:00', '10:00']] }, holidays: ['2026-02-30'] } }), [
        ['hours', 'timezone', 'unknown timezone "Mars/Olympus"'],
        ['hours', 'weekly.mon.1', 'mon interval 2: start 18:00 is not before end 13:00'],
        ['hours', 'weekly.fri.0', 'fri interval 1: start 10:00 is not before end 10:00'],
        ['hours', 'holidays.0', 'holiday 2026-02-30 is not a real date'],
      ]);
    });

    it('subflow: a flow that does not exist, and the flow itself', () => {
      expectProblems(withNodes({ billing: { type: 'subflow', flow: 'refunds', next: 'bye' } }), [['billing', 'flow', 'subflow "refunds" does not exist']]);
      expectProblems(withNodes({ billing: { type: 'subflow', flow: 'main', next: 'bye' } }), [['billing', 'flow', 'a flow cannot call itself']]);
    });

    it('missing prompts and sounds are named; text prompts are always fine', () => {
      const f = withNodes({ l3: menu({ 1: 'l4', '*': 'l2' }, 'bye', { prompt: { sound: 'no-sound' }, invalidPrompt: p('lost'), timeoutPrompt: { text: 'anything' } }) });
      f.fallback.prompt = p('sorry');
      expectProblems(f, [
        [null, 'fallback.prompt', 'prompt "sorry" does not exist'],
        ['l3', 'prompt', 'sound "no-sound" does not exist'],
        ['l3', 'invalidPrompt', 'prompt "lost" does not exist'],
      ]);
    });

    it('a loop a silent caller can never leave, named in order', () => {
      expectProblems(withNodes({ bye: { type: 'play', prompt: p('goodbye'), next: 'again' }, again: { type: 'set', variables: {}, next: 'bye' } }), [
        ['bye', undefined, 'a loop that a caller who presses nothing can never leave: bye -> again -> bye'],
      ]);
    });

    it('a menu whose onExhausted is itself, and a loop through lookup and condition branches', () => {
      expectProblems(withNodes({ l4: menu({ 1: 'l5', '#': 'l1' }, 'l4') }), [['l4', undefined, 'never leave: l4 -> l4']]);
      expectProblems(withNodes({ vip: { type: 'condition', branches: [{ when: { variable: 'x', op: 'exists' }, next: 'who' }, { when: { variable: 'y', op: 'exists' }, next: 'vipQueue' }], else: 'welcome' } }), [
        ['who', undefined, 'never leave: who -> vip -> who'],
      ]);
    });

    it('a silent loop through onExhausted of two menus is found; collect.next is input', () => {
      expectProblems(withNodes({ l2: menu({ 1: 'l3', 9: 'l1' }, 'l3'), l3: menu({ 1: 'l4', '*': 'l2' }, 'l2') }), [['l2', undefined, 'never leave: l2 -> l3 -> l2']]);
      // account -(keys)-> byAccount -(not found)-> account: the caller must type digits to go round.
      const byAccount = fiveLevels().nodes.byAccount;
      expect(problemsOf(withNodes({ byAccount: { ...byAccount, notFound: 'account' } }))).to.deep.equal([]);
    });

    it('a silent loop among unreachable nodes is reported as unreachable only', () => {
      expectProblems(withNodes({ x1: { type: 'play', prompt: p('welcome'), next: 'x1' } }), [['x1', undefined, 'cannot be reached']]);
    });
  });

  describe('regexProblem heuristic', () => {
    for (const bad of ['(a+)+', '(.*)*', '^(\\d+)*$', '((ab)+c)+', '(?:x*y)+', '(a+){2,}', '([a-z]+)*']) {
      it(`rejects ${bad}`, () => expect(regexProblem(bad)).to.include('nested quantifier'));
    }
    for (const ok of ['^[0-9]{6,10}$', '(ab)+', '(a+)?', '^\\(\\d+\\)+$', '[(a+)]+', '^(\\d{3})-(\\d{4})$']) {
      it(`accepts ${ok}`, () => expect(regexProblem(ok)).to.equal(null));
    }
    it('rejects a pattern over 200 characters', () => expect(regexProblem('a'.repeat(201))).to.include('longer than 200'));
  });
});

describe('IVR flow graph helpers', () => {
  const nodes = fiveLevels().nodes as Record<string, FlowNode>;
  it('labels edges and marks the ones only key presses take', () => {
    expect(edgesOf(nodes.l1).map((e) => [e.label, e.target, e.input])).to.deep.equal([
      ['option "0"', 'operator', true], ['option "1"', 'l2', true], ['option "2"', 'salesQ', true], ['onExhausted', 'salesQ', false],
    ]);
    expect(edgesOf(nodes.account).map((e) => [e.label, e.input])).to.deep.equal([['next', true], ['onExhausted', false]]);
    expect(edgesOf(nodes.vip).map((e) => e.label)).to.deep.equal(['branch 1', 'branch 2', 'else']);
    expect(edgesOf(nodes.hours).every((e) => !e.input)).to.equal(true);
  });
  it('lists prompts and terminal nodes', () => {
    expect(promptsOf(nodes.l1)).to.deep.equal([p('main-menu'), p('invalid'), { text: 'Please choose' }]);
    expect(['vipQueue', 'salesQ', 'operator', 'bye'].every((id) => isTerminal(nodes[id]))).to.equal(true);
    expect(isTerminal(nodes.vm)).to.equal(false);
    expect(isTerminal({ type: 'voicemail', mailbox: 'x', maxSeconds: 60 })).to.equal(true);
  });
});
