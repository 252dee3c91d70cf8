// Pure call-flow logic with a fake CallControl: barge-in, type-ahead, hangup mid-prompt.
import { expect } from 'chai';
import { pino } from 'pino';
import { CallContext } from '../../app/calls/call-context.js';
import { CallEnded, CallSession } from '../../app/calls/call-session.js';
import type { CallsService } from '../../app/calls/calls.service.js';
import { welcomeMenu } from '../../app/calls/flows.js';
import type { CallControl } from '../../app/pbx/ports.js';

function fakes() {
  const session = new CallSession('call-1', 'chan-1', new Date());
  const actions: string[] = [];
  const control: CallControl = {
    async answer() { actions.push('answer'); },
    async play(_c, media, playbackId) {
      actions.push(`play:${media}`);
      lastPlayback = playbackId;
    },
    async stopPlayback() { actions.push('stop'); },
    async hangup() { actions.push('hangup'); },
    async handBack() { actions.push('handBack'); },
  };
  let lastPlayback = '';
  const calls = new Proxy({}, { get: () => async () => {} }) as unknown as CallsService;
  const ctx = new CallContext(session, control, calls, pino({ level: 'silent' }));
  const finishPrompt = () => session.deliver({ kind: 'playback-finished', channelId: 'chan-1', playbackId: lastPlayback, at: new Date() });
  const press = (digit: string) => session.deliver({ kind: 'dtmf', channelId: 'chan-1', digit, at: new Date() });
  return { session, actions, ctx, finishPrompt, press };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('welcome menu flow (fake PBX)', () => {
  it('digit 1 after the prompt plays the thank-you reply, then hangs up', async () => {
    const f = fakes();
    const run = welcomeMenu({ menuTimeoutMs: 1000 }).run(f.ctx, null, false);
    await tick();
    f.finishPrompt();
    await tick();
    f.press('1');
    await tick();
    f.finishPrompt();
    await run;
    expect(f.actions).to.deep.equal(['answer', 'play:hello-world', 'play:auth-thankyou', 'hangup']);
    expect(f.ctx.state.digits).to.equal('1');
  });

  it('a digit during the prompt stops it (barge-in) and picks the reply', async () => {
    const f = fakes();
    const run = welcomeMenu({ menuTimeoutMs: 1000 }).run(f.ctx, null, false);
    await tick();
    f.press('2');
    await tick();
    f.finishPrompt();
    await run;
    expect(f.actions).to.deep.equal(['answer', 'play:hello-world', 'stop', 'play:vm-goodbye', 'hangup']);
  });

  it('no digit before the timeout plays goodbye', async () => {
    const f = fakes();
    const run = welcomeMenu({ menuTimeoutMs: 50 }).run(f.ctx, null, false);
    await tick();
    f.finishPrompt();
    await new Promise((r) => setTimeout(r, 80));
    f.finishPrompt();
    await run;
    expect(f.actions).to.deep.equal(['answer', 'play:hello-world', 'play:goodbye', 'hangup']);
  });

  it('a hangup mid-prompt ends the flow with CallEnded and no further commands', async () => {
    const f = fakes();
    const run = welcomeMenu({ menuTimeoutMs: 1000 }).run(f.ctx, null, false);
    await tick();
    f.session.deliver({ kind: 'hangup', channelId: 'chan-1', cause: '16', at: new Date() });
    const err = await run.then(() => null, (e: Error) => e);
    expect(err).to.be.instanceOf(CallEnded);
    expect(f.actions).to.deep.equal(['answer', 'play:hello-world']);
  });

  it('resumes at the reply step without replaying the menu', async () => {
    const f = fakes();
    const run = welcomeMenu({ menuTimeoutMs: 1000 }).run(f.ctx, 'reply:1', true);
    await tick();
    f.finishPrompt();
    await run;
    expect(f.actions).to.deep.equal(['play:auth-thankyou', 'hangup']);
  });
});
