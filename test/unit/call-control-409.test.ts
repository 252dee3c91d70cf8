// What a 409 from ARI means for a call (app/pbx/ari/call-control.ts): the channel left the Stasis
// app ("gone" for the flow, as a 404 is), or a conflict on a channel still in the app (a recording
// of that name under way), which is a failure to report, not a caller who hung up.
import { expect } from 'chai';
import { AriCallControl } from '../../app/pbx/ari/call-control.js';
import type { AriClient } from '../../app/pbx/ari/client.js';
import { AriHttpError } from '../../app/pbx/ari/http.js';
import { ChannelGoneError } from '../../app/pbx/ports.js';

function control(answers: Record<string, number | object>): AriCallControl {
  const ari = {
    app: 'hotline',
    http: {
      async request(method: string, path: string) {
        const a = answers[`${method} ${path}`];
        if (typeof a === 'number') throw new AriHttpError(method, path, a, 'refused');
        return a ?? {};
      },
    },
  } as unknown as AriClient;
  const c = new AriCallControl(ari);
  c.active = true;
  return c;
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('call control: 404 and 409 from ARI', () => {
  it('404: the channel is gone', async () => {
    expect(await failure(control({ 'POST /channels/c1/answer': 404 }).answer('c1'))).to.be.instanceOf(ChannelGoneError);
  });

  it('409 and the channel is no longer there, or is in the dialplan elsewhere: gone', async () => {
    expect(await failure(control({ 'POST /channels/c1/continue': 409, 'GET /channels/c1': 404 }).handBack('c1'))).to.be.instanceOf(ChannelGoneError);
    expect(await failure(control({ 'POST /channels/c1/continue': 409, 'GET /channels/c1': { dialplan: { context: 'hotline-queue', exten: 's', priority: 5, app_name: 'Queue' } } }).handBack('c1'))).to.be.instanceOf(ChannelGoneError);
  });

  it('409 on a channel still in the app (a recording of that name under way): the error itself, not "gone"', async () => {
    const err = await failure(control({ 'POST /channels/c1/record': 409, 'GET /channels/c1': { dialplan: { context: 'from-callers', exten: '6101', priority: 9, app_name: 'Stasis' } } }).record('c1', 'hotline-vm-x', 30));
    expect(err).to.be.instanceOf(AriHttpError);
    expect((err as AriHttpError).status).to.equal(409);
  });
});
