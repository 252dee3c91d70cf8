// The console's two languages: the same keys in zh-CN and en, no empty text, every key the
// source asks for (t('…') in app/web) present in both, and every server enum the page
// translates (agent states, ticket statuses/types/priorities, roles) covered.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { baseCompile } from '@intlify/message-compiler'; // vue-i18n's own message compiler (its dependency)
import { expect } from 'chai';
import { AGENT_STATES } from '../../app/acd/agent-state.js';
import { ROLES } from '../../app/auth/auth.roles.js';
import { CALL_OUTCOMES } from '../../app/calls/calls.entities.js';
import { PRIORITIES, STATUSES, TYPES } from '../../app/tickets/tickets.kinds.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';

type Tree = { [k: string]: string | Tree };
const LOCALES: Record<string, Tree> = { en, 'zh-CN': zhCN };
const WEB = join(import.meta.dirname, '../../app/web');

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'i18n' ? [] : sources(p);
    return /\.(vue|ts)$/.test(f) ? [p] : [];
  });
}

describe('web console translations', () => {
  const flat = Object.fromEntries(Object.entries(LOCALES).map(([l, t]) => [l, flatten(t)]));

  it('zh-CN and en have exactly the same keys', () => {
    const en = [...flat.en!.keys()].sort();
    const zh = [...flat['zh-CN']!.keys()].sort();
    expect(en.filter((k) => !flat['zh-CN']!.has(k)), 'in en, missing in zh-CN').to.deep.equal([]);
    expect(zh.filter((k) => !flat.en!.has(k)), 'in zh-CN, missing in en').to.deep.equal([]);
  });

  it('every text compiles as vue-i18n reads it (a bare @ or | is syntax there: write {\'@\'})', () => {
    const broken: string[] = [];
    for (const [l, m] of Object.entries(flat)) {
      for (const [k, v] of m) baseCompile(v, { onError: (e) => broken.push(`${l}:${k}: ${e.message} in ${JSON.stringify(v)}`) });
    }
    expect(broken).to.deep.equal([]);
  });

  it('no text is empty, and the Chinese text is Chinese', () => {
    for (const [l, m] of Object.entries(flat)) for (const [k, v] of m) expect(v.trim(), `${l}:${k}`).to.not.equal('');
    const zh = [...flat['zh-CN']!.entries()].filter(([k]) => !k.startsWith('shortcuts.') || k === 'shortcuts.help');
    const chinese = zh.filter(([, v]) => /[\u4e00-\u9fff]/.test(v)).length;
    expect(chinese / zh.length, 'share of zh-CN strings with Chinese characters').to.be.above(0.9);
  });

  it('every key used in app/web exists in both languages', () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sources(WEB)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bt\(`([a-zA-Z0-9_.]+)\.\$\{/g)) prefixes.add(m[1]!);
    }
    expect(used.size, 'keys found in the source').to.be.above(100);
    for (const [l, m] of Object.entries(flat)) {
      expect([...used].filter((k) => !m.has(k)), `keys missing in ${l}`).to.deep.equal([]);
      for (const p of prefixes) expect([...m.keys()].some((k) => k.startsWith(`${p}.`)), `${l}: ${p}.*`).to.equal(true);
    }
  });

  it("every server value the page translates has a label in both languages", () => {
    const need = [
      ...AGENT_STATES.map((s) => `state.names.${s}`),
      ...STATUSES.map((s) => `ticket.statuses.${s}`),
      ...TYPES.map((s) => `ticket.types.${s}`),
      ...PRIORITIES.map((s) => `ticket.priorities.${s}`),
      ...ROLES.map((r) => `roles.${r}`),
      ...CALL_OUTCOMES.map((o) => `timeline.outcome.${o}`),
      ...['waiting', 'connecting', 'retry_wait', 'completed', 'failed', 'cancelled'].map((s) => `callbackStatus.${s}`),
      ...['connecting', 'live', 'reconnecting', 'closed'].map((s) => `feed.${s}`),
      ...['none', 'idle', 'connecting', 'registered', 'unregistered', 'failed'].map((s) => `phoneReg.${s}`),
      ...['ringing', 'dialing', 'connected', 'ended'].map((s) => `phone.states.${s}`),
    ];
    for (const [l, m] of Object.entries(flat)) expect(need.filter((k) => !m.has(k)), `missing in ${l}`).to.deep.equal([]);
  });

  it('every audit action the server writes is in the audit log\'s list, with a name in both languages', () => {
    const ROOT = join(import.meta.dirname, '../../app');
    const server = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return p.endsWith('/web') ? [] : server(p);
      return p.endsWith('.ts') ? [p] : [];
    });
    const written = new Set<string>();
    for (const file of server(ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:action|audit): '([a-z_]+(?:\.[a-z_]+)+|export)'/g)) written.add(m[1]!);
    }
    const listed = [...(/AUDIT_ACTIONS = \[([^\]]*)\]/.exec(readFileSync(join(WEB, 'api/users.ts'), 'utf8'))![1]!.matchAll(/'([^']+)'/g))].map((m) => m[1]!);
    expect([...written].filter((a) => !listed.includes(a)), 'written by the server, missing from AUDIT_ACTIONS (app/web/api/users.ts)').to.deep.equal([]);
    expect(written.size).to.be.greaterThan(20);
    for (const [l, m] of Object.entries(flat)) expect(listed.filter((a) => !m.has(`admin.audit.actionNames.${a.replace(/\./g, '_')}`)), `missing in ${l}`).to.deep.equal([]);
  });
});
