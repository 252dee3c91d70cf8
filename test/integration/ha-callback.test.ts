// Hot standby and callbacks: a callback is placed once and dialed once across two kill -9s of
// the active node, including the two gaps where a node dies with its work half recorded: a
// placeholder placed but not yet noted, and a callback whose call ended while no node was active.
import { readFileSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { agentAction, callbackPresses, createAgent, createQueue, queueFlow } from '../support/acd.js';
import { startAgents, startPhone, type Agents } from '../support/agents.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, PBX_LOG, waitUntil } from '../support/pbx.js';
import { startCall } from '../support/sipp.js';

const PHONE_PORT = 5098;

describe('hot standby: a callback is placed and dialed exactly once across kill -9s (mariadb)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let agents: Agents;
  let phone: Agents;
  let ami: AmiWatch;
  const nodes: Record<string, HotlineProcess> = {};

  const env = (name: string) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${PHONE_PORT}` });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  const joins = (id: string) => ami.events.filter((e) => fieldOf(e, 'Event') === 'QueueCallerJoin' && fieldOf(e, 'Uniqueid')?.startsWith(`hotline-cb-${id}`));
  const dials = (id: string) => ami.events.filter((e) => fieldOf(e, 'Event') === 'DialBegin' && fieldOf(e, 'Uniqueid') === `hotline-cb-${id}-1`);
  const row = async (id: string) => (await db.query<{ status: string; placed_seq: number; seq: number; attempts: number; last_result: string }>('SELECT status, placed_seq, seq, attempts, last_result FROM acd_callbacks WHERE id = ?', [id]))[0]!;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    agents = await startAgents(1, { first: 1 });
    phone = await startPhone(PHONE_PORT, 'answer');
    ami = await new AmiWatch().start();
  });
  after(async () => {
    hangupAll();
    await stopAllHotlines();
    agents?.stop();
    phone?.stop();
    await ami?.stop();
    await db?.drop();
  });

  it('placed once after a kill between placing and noting it; completed once when its call ended while no node was active', async () => {
    const logFrom = statSync(PBX_LOG).size;
    nodes.a = await startHotline(env('node-a'), { waitForPbx: true });
    await waitUntil('node-a active', async () => (await role(nodes.a!)) === 'active');
    nodes.b = await startHotline(env('node-b'), { waitForPbx: false });
    await waitUntil('node-b standby', async () => (await role(nodes.b!)) === 'standby');
    await createQueue(nodes.a.url, 'cbha', { skills: { ha: 1 }, strategy: 'linear', callback: { offerAfterSeconds: 0 } });
    const lee = await createAgent(nodes.a.url, 'lee', 1, { ha: 5 });
    await queueFlow(nodes.a.url, 'to-cbha', 'cbha', '7301');
    await agentAction(nodes.a.url, lee, 'login');
    await agentAction(nodes.a.url, lee, 'break', 'meeting');

    // A real caller asks for the callback; node-a stores it and places the placeholder.
    const caller = `5557301${String(process.pid % 1000).padStart(3, '0')}`;
    const call = await startCall({ scenario: 'uac-dtmf', service: '7301', caller, dtmfFile: callbackPresses(), waitBeforeDigitsMs: 12_000, hangupAfterMs: 40_000 });
    expect((await call.done).events.PBX_BYE).to.equal(1);
    const [cb] = (await api(nodes.a.url, 'GET', '/api/acd/callbacks?queue=cbha')).body.items;
    expect(cb).to.include({ number: caller, status: 'waiting' });
    await waitUntil('node-a to note the placeholder', async () => (await row(cb.id)).placed_seq === 1);
    expect(joins(cb.id)).to.have.length(1);

    // node-a dies as if between placing the placeholder and noting it.
    await nodes.a.stop('SIGKILL');
    await db.query('UPDATE acd_callbacks SET placed_seq = 0 WHERE id = ?', [cb.id]);
    await waitUntil('node-b to become active', async () => (await role(nodes.b!)) === 'active', 10_000);
    await waitUntil('node-b to find the placeholder in the queue', async () => (await row(cb.id)).placed_seq === 1, 15_000);
    await new Promise((r) => setTimeout(r, 3000)); // several passes of node-b's callback loop
    expect(joins(cb.id), 'the placeholder was not placed a second time').to.have.length(1);
    expect(cli('queue show cbha').match(/hotline-callback-place/g)).to.have.length(1);
    expect(nodes.b.logLines().some((l) => l.msg === 'callback placeholder in the queue' && l.outcome === 'exists')).to.equal(true);
    // node-b saw the placeholder before placing it: Asterisk was never asked for a channel id in use.
    const pbxLog = readFileSync(PBX_LOG, 'utf8').slice(logFrom);
    expect(pbxLog.split('\n').filter((l) => l.includes(`hotline-cb-${cb.id}`) && /already in use/.test(l))).to.deep.equal([]);

    // node-a comes back as standby; the agent takes the callback through node-b.
    nodes.a = await startHotline(env('node-a'), { waitForPbx: false });
    await waitUntil('node-a standby', async () => (await role(nodes.a!)) === 'standby');
    await agentAction(nodes.b.url, lee, 'ready');
    const answered = await ami.waitFor('DialEnd', { Uniqueid: `hotline-cb-${cb.id}-1`, DialStatus: 'ANSWER' }, 20_000);
    await waitUntil('connecting', async () => (await row(cb.id)).status === 'connecting');

    // node-b dies; the customer hangs up before node-a has taken over: nobody hears the result event.
    await nodes.b.stop('SIGKILL');
    cli(`channel request hangup ${fieldOf(answered, 'DestChannel')}`);
    await waitUntil('node-a to become active', async () => (await role(nodes.a!)) === 'active', 10_000);
    const done = await waitUntil('node-a to judge the callback by what Asterisk recorded', async () => {
      const r = await row(cb.id);
      return r.status === 'completed' ? r : undefined;
    }, 20_000);
    expect(done).to.include({ attempts: 1, last_result: 'ANSWER', seq: 1 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(joins(cb.id), 'placed once').to.have.length(1);
    expect(dials(cb.id), 'the customer was dialed once').to.have.length(1);
  });
});
