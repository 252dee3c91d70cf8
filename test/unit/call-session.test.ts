// Pure call-flow logic with a fake CallControl: the seeded welcome menu run by the IVR
// runtime over a real CallContext/CallSession — barge-in, type-ahead, timeout, hangup.
import { expect } from 'chai';
import { pino } from 'pino';
import { CallContext } from '../../app/calls/call-context.js';
import { CallEnded, CallSession } from '../../app/calls/call-session.js';
import type { CallsService } from '../../app/calls/calls.service.js';
import { SEED_FLOWS } from '../../app/db/migrations/1763910000000-IvrFlows.js';
import type { IvrService } from '../../app/ivr/ivr.service.js';
import type { FlowDefinition } from '../../app/ivr/ivr.schemas.js';
import { IvrFlowRun } from '../../app/ivr/runtime/flow-run.js';
import type { CallControl } from '../../app/pbx/ports.js';

function fakes(menuTimeoutMs = 1000) {
  const session = new CallSession('call-1', 'chan-1', new Date());
  const actions: string[] = [];
  let lastPlayback = '';
  const control: CallControl = {
    async answer() { actions.push('answer'); },
    async play(_c, media, playbackId) { actions.push(`play:${media.join(',')}`); lastPlayback = playbackId; },
    async stopPlayback() { actions.push('stop'); },
    async hangup() { actions.push('hangup'); },
    async handBack() { actions.push('handBack'); },
    async setVariable(_c, name, value) { actions.push(`set:${name}=${value}`); },
    async record() { actions.push('record'); },
    async recordingUnderWay() { return false; },
    async channelsNow() { return { all: new Set<string>(), inApp: new Set<string>() }; },
  };
  const calls = new Proxy({}, { get: () => async () => {} }) as unknown as CallsService;
  const log = pino({ level: 'silent' });
  const ctx = new CallContext(session, control, calls, log);
  const definition = structuredClone(SEED_FLOWS[0]!.definition) as unknown as FlowDefinition;
  (definition.nodes.welcome as { timeoutMs: number }).timeoutMs = menuTimeoutMs;
  const flow = { flowName: 'welcome', versionId: 'v1', version: 1, definition };
  const run = new IvrFlowRun(
    { ivr: {} as IvrService, prompts: { exists: async () => true, synthesize: async () => ({ prompt: { name: 'x' } }), soundFor: (n) => `hotline/${n}` }, now: () => new Date(), log },
    flow,
    { flowVersionId: 'v1', node: 'welcome', vars: {}, stack: [] },
  );
  const finishPrompt = () => session.deliver({ kind: 'playback-finished', channelId: 'chan-1', playbackId: lastPlayback, at: new Date() });
  const press = (digit: string) => session.deliver({ kind: 'dtmf', channelId: 'chan-1', digit, at: new Date() });
  return { session, actions, ctx, run, finishPrompt, press };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('IVR runtime on the welcome menu (fake PBX)', () => {
  it('digit 1 after the prompt plays the thank-you reply, then hangs up', async () => {
    const f = fakes();
    const done = f.run.run(f.ctx, false);
    await tick();
    f.finishPrompt();
    await tick();
    f.press('1');
    await tick();
    f.finishPrompt();
    await done;
    expect(f.actions).to.deep.equal(['answer', 'play:sound:hello-world', 'play:sound:auth-thankyou', 'hangup']);
    expect(f.ctx.state.digits).to.equal('1');
    expect(f.ctx.state.path.map((p) => p.step)).to.deep.equal(['welcome', 'thanks']);
  });

  it('a digit during the prompt stops it (barge-in) and picks the reply', async () => {
    const f = fakes();
    const done = f.run.run(f.ctx, false);
    await tick();
    f.press('2');
    await tick();
    f.finishPrompt();
    await done;
    expect(f.actions).to.deep.equal(['answer', 'play:sound:hello-world', 'stop', 'play:sound:vm-goodbye', 'hangup']);
  });

  it('an invalid key plays the invalid prompt, then (retries used up) goodbye', async () => {
    const f = fakes();
    const done = f.run.run(f.ctx, false);
    await tick();
    f.press('7');
    for (let i = 0; i < 3; i++) {
      await tick();
      f.finishPrompt();
    }
    await done;
    expect(f.actions).to.deep.equal(['answer', 'play:sound:hello-world', 'stop', 'play:sound:please-try-again', 'play:sound:goodbye', 'hangup']);
  });

  it('no key before the timeout goes to onExhausted (goodbye)', async () => {
    const f = fakes(50);
    const done = f.run.run(f.ctx, false);
    await tick();
    f.finishPrompt();
    await new Promise((r) => setTimeout(r, 80));
    f.finishPrompt();
    await done;
    expect(f.actions).to.deep.equal(['answer', 'play:sound:hello-world', 'play:sound:goodbye', 'hangup']);
  });

  it('a hangup mid-prompt ends the flow with CallEnded and no further commands', async () => {
    const f = fakes();
    const done = f.run.run(f.ctx, false);
    await tick();
    f.session.deliver({ kind: 'hangup', channelId: 'chan-1', cause: '16', at: new Date() });
    const err = await done.then(() => null, (e: Error) => e);
    expect(err).to.be.instanceOf(CallEnded);
    expect(f.actions).to.deep.equal(['answer', 'play:sound:hello-world']);
  });

  it('a StasisEnd that arrives before the continue command returns still counts as a hand-off', async () => {
    const f = fakes();
    const control = (f.ctx as unknown as { control: { handBack: () => Promise<void> } }).control;
    control.handBack = async () => {
      f.session.deliver({ kind: 'left', channelId: 'chan-1', at: new Date() });
    };
    await f.ctx.handOff({ context: 'hotline-queue', extension: 's' }, {});
    expect(f.session.ended?.handedTo).to.equal('destination');
  });

  it('a prompt whose end never comes is not silent: a warning names it, and the flow goes on', async () => {
    const session = new CallSession('call-2', 'chan-2', new Date());
    const played: string[] = [];
    const control = { async play(_c: string, _m: string[], id: string) { played.push(id); } } as unknown as CallControl;
    const calls = new Proxy({}, { get: () => () => {} }) as unknown as CallsService;
    const lines: Array<{ level: number; msg: string; playbackId?: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const ctx = new CallContext(session, control, calls, log, undefined, { maxPromptMs: 30 });
    await ctx.playAndWait(['sound:vm-nobodyavail']);
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.msg).to.match(/did not report its end/);
    expect(warning?.playbackId).to.equal(played[0]);
  });
});
