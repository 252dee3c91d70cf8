// The active node's work loop (app/ha/active-loop.ts): one pass at a time; a tick during a pass
// joins it, a `fresh` tick waits for a pass that starts after the one under way; nothing runs on
// a node that is not active; a failed pass is counted and the next tries again.
import { expect } from 'chai';
import { ActiveLoop } from '../../app/ha/active-loop.js';
import { createLogger } from '../../app/logger.js';

const log = createLogger({ level: 'silent', secrets: [] });

function loop(active = () => true) {
  const passes: Array<{ start: number; end?: () => void }> = [];
  let failures = 0;
  let fail = false;
  const l = new ActiveLoop(() => new Promise<void>((ok, no) => {
    const p = { start: passes.length, end: () => (fail ? no(new Error('AMI down')) : ok()) };
    passes.push(p);
  }), { isActive: active, log, what: 'test work', onFailure: () => failures++ });
  return { l, passes, failures: () => failures, failNext: (v: boolean) => (fail = v) };
}

describe('ActiveLoop', () => {
  it('a tick during a pass joins it; a fresh tick waits for the next pass', async () => {
    const { l, passes } = loop();
    const first = l.tick();
    const joined = l.tick();
    const fresh1 = l.tick({ fresh: true });
    const fresh2 = l.tick({ fresh: true });
    expect(passes).to.have.length(1);
    let freshDone = false;
    void fresh1.then(() => (freshDone = true));
    passes[0]!.end!();
    await first;
    await joined;
    await new Promise((r) => setImmediate(r));
    expect(passes, 'one more pass for the fresh ticks, not two').to.have.length(2);
    expect(freshDone).to.equal(false);
    passes[1]!.end!();
    await fresh1;
    await fresh2;
    expect(passes).to.have.length(2);
  });

  it('does nothing on a node that is not active; a failed pass is counted, never thrown', async () => {
    let active = false;
    const { l, passes, failures, failNext } = loop(() => active);
    await l.tick({ fresh: true });
    expect(passes).to.have.length(0);
    active = true;
    failNext(true);
    const t = l.tick();
    passes[0]!.end!();
    await t;
    expect(failures()).to.equal(1);
  });
});
