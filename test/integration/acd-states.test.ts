// Agent states stay true: after a burst of 50 calls, and after Hotline's AMI link was cut
// while agents' states changed in Asterisk behind its back, the states Hotline reports equal
// what Asterisk's own QueueStatus says (read by the test over its own AMI connection).
import { expect } from 'chai';
import { AmiClient, fieldOf } from '../../app/pbx/ami/index.js';
import { api } from '../support/api.js';
import { agentAction, createAgent, createQueue, queueFlow, type TestAgent } from '../support/acd.js';
import { startAgents, type Agents } from '../support/agents.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { runSipp, startCall } from '../support/sipp.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

type Coarse = 'logged_out' | 'busy' | 'break' | 'idle';

/** What QueueStatus says of each interface, in coarse terms (written independently of Hotline's code). */
async function asteriskStates(ami: AmiClient, ifaces: string[]): Promise<Record<string, Coarse>> {
  const r = await ami.actionList('QueueStatus');
  const out: Record<string, Coarse> = {};
  for (const iface of ifaces) {
    const rows = r.events.filter((e) => fieldOf(e, 'Event') === 'QueueMember' && fieldOf(e, 'Location') === iface);
    if (!rows.length) out[iface] = 'logged_out';
    else if (rows.some((e) => fieldOf(e, 'InCall') === '1' || ['2', '3', '6', '7', '8'].includes(fieldOf(e, 'Status') ?? ''))) out[iface] = 'busy';
    else if (rows.every((e) => fieldOf(e, 'Paused') === '1')) out[iface] = 'break';
    else out[iface] = 'idle';
  }
  return out;
}

const coarse = (state: string): Coarse => (state === 'on_call' || state === 'ringing' ? 'busy' : state === 'wrap_up' || state === 'available' ? 'idle' : (state as Coarse));

async function hotlineStates(base: string, agents: TestAgent[]): Promise<Record<string, Coarse>> {
  const res = await api(base, 'GET', '/api/acd/agents');
  // Say what came back instead of "cannot read 'find' of undefined" (a loaded run once had that).
  if (res.status !== 200 || !Array.isArray(res.body?.items)) throw new Error(`GET /api/acd/agents answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  const items = res.body.items as Array<{ id: string; state: string }>;
  return Object.fromEntries(agents.map((a) => [a.interface, coarse(items.find((i) => i.id === a.id)!.state)]));
}

describe('ACD agent states equal QueueStatus (burst, AMI reconnect)', function () {
  this.timeout(240_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let phones: Agents;
  let proxy: TcpProxy;
  let ami: AmiClient;
  const agents: TestAgent[] = [];

  before(async () => {
    ensurePbx();
    hangupAll();
    phones = await startAgents(3);
    db = await createTestDb('mariadb');
    proxy = await startTcpProxy(Number(process.env.HOTLINE_AMI_PORT ?? 5038));
    hotline = await startHotline({ ...db.env, HOTLINE_AMI_PORT: String(proxy.port), HOTLINE_ACD_RECONCILE_MS: '600000' });
    ami = new AmiClient({ host: '127.0.0.1', port: Number(process.env.HOTLINE_AMI_PORT ?? 5038), username: process.env.HOTLINE_AMI_USER ?? 'hotline', secret: process.env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami', events: 'off' });
    ami.start();
    await ami.waitForConnected(10_000);
    await createQueue(hotline.url, 'burst', { skills: { burst: 1 }, wrapupSeconds: 1, ringSeconds: 5 });
    for (const [i, name] of ['sam', 'tia', 'uma'].entries()) agents.push(await createAgent(hotline.url, name, i + 1, { burst: 5 }));
    await queueFlow(hotline.url, 'to-burst', 'burst', '7201');
    for (const a of agents) await agentAction(hotline.url, a, 'login');
  });
  afterEach(() => hangupAll());
  after(async () => {
    await ami?.stop();
    await stopAllHotlines();
    await proxy?.close();
    phones?.stop();
    await db?.drop();
  });

  const ifaces = () => agents.map((a) => a.interface);
  const converge = (what: string) =>
    waitUntil(what, async () => {
      const [mine, theirs] = await Promise.all([hotlineStates(hotline.url, agents), asteriskStates(ami, ifaces())]);
      return JSON.stringify(mine) === JSON.stringify(theirs) ? theirs : undefined;
    }, 5000, 200).catch(async (err) => {
      throw new Error(`${(err as Error).message}\nHotline: ${JSON.stringify(await hotlineStates(hotline.url, agents))}\nAsterisk: ${JSON.stringify(await asteriskStates(ami, ifaces()))}`);
    });

  it('after a burst of 50 calls (and while it runs) Hotline reports what QueueStatus says', async () => {
    const burst = runSipp({ scenario: 'uac-wait-bye', service: '7201', calls: 50, rate: 5, limit: 50, hangupAfterMs: 6000, deadlineMs: 60_000 });
    // While calls churn, every sample converges to Asterisk's view within the deadline.
    let busySeen = 0;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const s = await converge(`states during the burst (sample ${i + 1})`);
      busySeen += Object.values(s).filter((v) => v === 'busy').length;
    }
    const result = await burst;
    expect(result.created).to.equal(50);
    expect(busySeen, 'agents were busy during the burst').to.be.greaterThan(0);
    const connects = (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM acd_queue_calls WHERE queue = 'burst' AND answered_at IS NOT NULL"))[0]!.n;
    const outcomes = await db.query("SELECT outcome, COUNT(*) AS n FROM acd_queue_calls WHERE queue = 'burst' GROUP BY outcome");
    expect(Number(connects), JSON.stringify(outcomes)).to.be.greaterThan(3);
    const after = await converge('states after the burst');
    expect(Object.values(after)).to.deep.equal(['idle', 'idle', 'idle']);
  });

  it('after an AMI disconnect during which states changed behind its back, Hotline reports what QueueStatus says', async () => {
    const [sam, tia, uma] = agents as [TestAgent, TestAgent, TestAgent];
    const caller = '5550477001';
    const call = await startCall({ scenario: 'uac-wait-bye', service: '7201', caller, hangupAfterMs: 60_000 });
    await waitUntil('an agent on the call', async () => Object.values(await hotlineStates(hotline.url, agents)).includes('busy') || undefined);
    proxy.cut();
    await waitUntil('Hotline to see AMI down', async () => ((await hotline.health()).body.ami.up === false) || undefined);
    // Behind Hotline's back: one agent is paused from the phone, one logged out, the call ends.
    await ami.action('QueuePause', { Interface: uma.interface, Paused: 'true', Reason: 'phone' });
    await ami.action('QueueRemove', { Queue: 'burst', Interface: sam.interface });
    await call.hangup();
    await call.done;
    const before = await hotlineStates(hotline.url, agents);
    expect(before[uma.interface], 'Hotline cannot know yet').to.not.equal('break');
    proxy.restore();
    await waitUntil('Hotline to see AMI up again', async () => ((await hotline.health()).body.ami.up === true) || undefined, 15_000);
    const s = await converge('states after the reconnect');
    expect(s[uma.interface]).to.equal('break');
    expect(s[sam.interface]).to.equal('logged_out');
    expect(s[tia.interface]).to.equal('idle');
    const umaView = (await api(hotline.url, 'GET', `/api/acd/agents/${uma.id}`)).body;
    expect(umaView.stateReason).to.equal('phone');
    const timeline = (await api(hotline.url, 'GET', `/api/acd/agents/${uma.id}/timeline`)).body.items as Array<{ state: string; source: string }>;
    expect(timeline[0]).to.include({ state: 'break', source: 'reconcile' });
  });
});
