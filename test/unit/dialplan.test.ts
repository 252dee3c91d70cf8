// The dialplan contract (app/pbx/dialplan.ts) against dialplan/extensions.conf.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { AGENT_CONTEXT, AGENT_TARGET_EVENT, CONTEXTS, OUTBOUND_PREFIX_VAR, OUTBOUND_SUFFIX_VAR, QUEUE_TARGET_PREFIX, outboundGlobals } from '../../app/pbx/dialplan.js';

const conf = readFileSync(new URL('../../dialplan/extensions.conf', import.meta.url), 'utf8');
const contexts = new Set([...conf.matchAll(/^\[([^\]]+)\]/gm)].map((m) => m[1]));
const body = (context: string) => conf.split(/^\[/m).find((s) => s.startsWith(`${context}]`)) ?? '';

describe('dialplan contract', () => {
  it('every context Hotline names exists in dialplan/extensions.conf', () => {
    for (const c of CONTEXTS) expect(contexts.has(c), c).to.equal(true);
  });

  it('the agents\' context routes queue-<name>, agents and outside numbers with the globals Hotline sets', () => {
    const agents = body(AGENT_CONTEXT);
    expect(agents).to.include(`exten => _${QUEUE_TARGET_PREFIX}.,1`);
    expect(agents).to.include(`\${EXTEN:${QUEUE_TARGET_PREFIX.length}}`);
    expect(agents).to.include(`UserEvent(${AGENT_TARGET_EVENT},`);
    expect(agents).to.include(`\${${OUTBOUND_PREFIX_VAR}}`);
    expect(agents).to.include(`\${${OUTBOUND_SUFFIX_VAR}}`);
  });

  it('splits HOTLINE_OUTBOUND_DIAL around {number}', () => {
    expect(outboundGlobals('PJSIP/{number}@hotline-trunk')).to.deep.equal({ HOTLINE_OUTBOUND_PREFIX: 'PJSIP/', HOTLINE_OUTBOUND_SUFFIX: '@hotline-trunk' });
    expect(outboundGlobals('PJSIP/callers/sip:{number}@127.0.0.1:5098')).to.deep.equal({ HOTLINE_OUTBOUND_PREFIX: 'PJSIP/callers/sip:', HOTLINE_OUTBOUND_SUFFIX: '@127.0.0.1:5098' });
  });
});
