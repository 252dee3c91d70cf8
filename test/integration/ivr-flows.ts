// Flow definitions the IVR integration tests publish.
const menu = (prompt: string, options: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  type: 'menu',
  prompt: { sound: prompt },
  options,
  timeoutMs: 5000,
  retries: 0,
  onExhausted: 'bye',
  bargeIn: true,
  ...extra,
});
const leaf = (sound: string) => ({ type: 'hangup', prompt: { sound } });

/** Five menus deep: 1 goes one level down; at level 5, 1 reaches leafA and 2 leafB. */
export function deepFlow(levels = 5) {
  const nodes: Record<string, unknown> = { bye: leaf('goodbye'), leafA: leaf('auth-thankyou'), leafB: leaf('vm-goodbye') };
  for (let i = 1; i <= levels; i++) {
    nodes[`l${i}`] = menu(`digits/${i}`, i < levels ? { '1': `l${i + 1}`, '2': 'bye' } : { '1': 'leafA', '2': 'leafB' });
  }
  return { entry: 'l1', language: 'en', nodes };
}

/** One retry; an invalid key and a timeout each have their prompt; exhausted -> the operator queue. */
export const retryFlow = {
  entry: 'm',
  nodes: {
    m: menu('digits/1', { '1': 'ok' }, { retries: 1, timeoutMs: 1500, invalidPrompt: { sound: 'please-try-again' }, timeoutPrompt: { sound: 'vm-sorry' }, onExhausted: 'operator' }),
    ok: leaf('auth-thankyou'),
    operator: { type: 'queue', queue: 'hotline-fallback', priority: 5 },
  },
};

export function hoursFlow(holidays: string[]) {
  return {
    entry: 'h',
    nodes: {
      h: {
        type: 'hours',
        timezone: 'Asia/Shanghai',
        weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])),
        holidays,
        open: 'open',
        closed: 'closed',
      },
      open: leaf('auth-thankyou'),
      closed: leaf('vm-goodbye'),
    },
  };
}

/** Looks the caller up in the CRM; VIPs are greeted by name (text synthesized during the call). */
export const vipFlow = {
  entry: 'who',
  nodes: {
    who: { type: 'lookup', source: 'crm', found: 'check', notFound: 'stranger' },
    check: { type: 'condition', branches: [{ when: { variable: 'customer.vip', op: 'eq', value: 'yes' }, next: 'vip' }], else: 'regular' },
    vip: { type: 'hangup', prompt: { text: 'Welcome back {{customer.name}}, you are a valued customer' } },
    regular: leaf('auth-thankyou'),
    stranger: leaf('vm-goodbye'),
  },
};

export function versionedFlow(leafSound: string, leafId: string) {
  return {
    entry: 'm',
    nodes: {
      m: menu('hello-world', { '1': leafId }, { timeoutMs: 15000 }),
      [leafId]: leaf(leafSound),
      bye: leaf('goodbye'),
    },
  };
}

/** A reusable sub-flow: collect an account number (4-8 digits, #-terminated, starting 3), return. */
export const accountSubflow = {
  entry: 'ask',
  nodes: {
    ask: { type: 'collect', prompt: { sound: 'digits/1' }, variable: 'account', minDigits: 4, maxDigits: 8, terminator: '#', timeoutMs: 3000, pattern: '3[0-9]+', retries: 0, next: 'done', onExhausted: 'done' },
    done: { type: 'return' },
  },
};

export const mainWithSubflow = {
  entry: 'greet',
  nodes: {
    greet: { type: 'play', prompt: { sound: 'beep' }, next: 'sub' },
    sub: { type: 'subflow', flow: 'account', next: 'route' },
    route: { type: 'condition', branches: [{ when: { variable: 'account', op: 'matches', value: '^314' }, next: 'known' }], else: 'unknown' },
    known: leaf('auth-thankyou'),
    unknown: leaf('vm-goodbye'),
  },
};

/** Its sub-flow exists but was never published: the call must take the flow's fallback. */
export const fragileFlow = {
  entry: 'sub',
  fallback: { prompt: { sound: 'sorry' }, queue: 'hotline-fallback' },
  nodes: {
    sub: { type: 'subflow', flow: 'never-published', next: 'end' },
    end: leaf('goodbye'),
  },
};

export const voicemailFlow = {
  entry: 'vm',
  nodes: { vm: { type: 'voicemail', mailbox: 'support', prompt: { sound: 'vm-intro' }, maxSeconds: 20 } },
};
