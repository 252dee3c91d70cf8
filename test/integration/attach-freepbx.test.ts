// Hotline attached read-only to a PBX configured FreePBX-style by someone else
// (test/fixtures/freepbx-pbx: Local-channel members with state_interface, GoSub dialplan,
// q-sales ringall whose Queue() timeout of 8 s overflows callers to q-support, leastrecent).
// Real calls from sipp; every per-queue figure and every call record Hotline shows is compared
// with what this test computes from that PBX's own queue_log, and every record's start, answer
// and end with that PBX's own CDR (cdr_custom, raw times) — also after Hotline was stopped
// during calls and started again.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { api } from '../support/api.js';
import { startAgents, type Agents } from '../support/agents.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { FREEPBX, FREEPBX_CDR, FREEPBX_QUEUE_LOG, freepbxCli, startFreepbx, stopFreepbx } from '../support/freepbx-pbx.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { expectedFigures, legsOf, readQueueLog, type LogLeg } from '../support/queue-log.js';
import { assertCallsSucceeded, startCall, type SippCall, type SippOptions } from '../support/sipp.js';

const PBX = 'freepbx';
const { sales: SALES, support: SUPPORT } = FREEPBX;
const [ALICE, BOB, CAROL] = FREEPBX.agents;
const SHORT_ABANDON = 5; // the reports' default definitions
const SL = { [SALES]: 20, [SUPPORT]: 30 } as Record<string, number>;

/** How far a record's start, answer and end may be from the PBX's CDR (seconds). */
const CDR_TOLERANCE_S = 0.5;

type Rec = Record<string, any>;

/** The PBX's CDR lines of a caller's own channel (uniqueid = the call's Linkedid), first first. */
function cdrOf(callid: string): Array<{ start: number; answer: number | null; end: number }> {
  return readFileSync(FREEPBX_CDR, 'utf8').split('\n').filter(Boolean).map((l) => l.split(','))
    .filter((f) => f[0] === callid)
    .map((f) => ({ start: Number(f[6]), answer: Number(f[7]) > 0 ? Number(f[7]) : null, end: Number(f[8]) }))
    .sort((a, b) => a.start - b.start);
}
let seq = 0;
const nextCaller = () => `5558${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(2, '0')}`;
const call = (opts: Omit<SippOptions, 'target'>): Promise<SippCall> => startCall({ ...opts, target: FREEPBX.sipTarget });

describe('attached read-only to a FreePBX-style PBX: figures and records equal its queue_log', function () {
  this.timeout(300_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let phones: Agents;
  const since = Math.floor(Date.now() / 1000) - 1;
  const env = () => ({
    ...db.env,
    HOTLINE_OWN_PBX: 'false',
    HOTLINE_ATTACH_AMI_URL: `tcp://127.0.0.1:${FREEPBX.amiPort}`,
    HOTLINE_ATTACH_AMI_USER: FREEPBX.user,
    HOTLINE_ATTACH_AMI_PASSWORD: FREEPBX.secret,
    HOTLINE_ATTACH_NAME: PBX,
    HOTLINE_ACD_RECONCILE_MS: '600000',
  });

  const agents = async (): Promise<Rec[]> => (await api(hotline.url, 'GET', `/api/attach/${PBX}/agents`)).body.items;
  const stats = async (queue: string): Promise<Rec> => {
    const res = await api(hotline.url, 'GET', `/api/attach/${PBX}/queues/${queue}/stats`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };
  const records = async (): Promise<Rec[]> => (await api(hotline.url, 'GET', `/api/calls?source=${PBX}&limit=100`)).body.items;
  const memberIn = async (queue: string, name: string) => (await stats(queue)).members.find((m: Rec) => m.name === name);
  const waitMember = (queue: string, name: string, state: string) =>
    waitUntil(`${name} ${state} in ${queue}`, async () => ((await memberIn(queue, name))?.state === state ? true : undefined), 15_000, 200);
  const pause = (iface: string, queue: string, reason: string) => freepbxCli(`queue pause member ${iface} queue ${queue} reason ${reason}`);
  const unpause = (iface: string, queue: string) => freepbxCli(`queue unpause member ${iface} queue ${queue}`);

  async function start(): Promise<void> {
    hotline = await startHotline(env(), { waitForPbx: false });
    await waitUntil('Hotline attached to the FreePBX-style PBX', async () => (await hotline.health()).body.attach?.up, 20_000);
    await waitUntil('the members listed', async () => ((await agents()).length === 3 ? true : undefined), 15_000, 200);
  }

  /** Every leg of the calls made so far, from the PBX's queue_log. */
  const legs = (): LogLeg[] => legsOf(readQueueLog([SALES, SUPPORT], since, FREEPBX_QUEUE_LOG));

  /** Compares every per-queue figure and every call record with the queue_log. */
  async function compareWithQueueLog(): Promise<void> {
    const all = legs();
    await waitUntil('every queue_log leg ended in Hotline too', async () => {
      const waiting = (await Promise.all([SALES, SUPPORT].map(stats))).reduce((n, s) => n + s.figures.waiting, 0);
      return waiting === all.filter((l) => l.outcome === 'waiting').length ? true : undefined;
    }, 15_000, 250);
    for (const queue of [SALES, SUPPORT]) {
      const want = expectedFigures(all.filter((l) => l.queue === queue), SL[queue]!, SHORT_ABANDON, false);
      const picked = async () => {
        const got = (await stats(queue)).figures;
        return Object.fromEntries(Object.keys(want).map((k) => [k, got[k]]));
      };
      // The queue_log has a call's end (COMPLETECALLER) before Hotline has its AgentComplete: wait a little for it.
      await waitUntil(`${queue} figures equal to the queue_log`, async () => (JSON.stringify(await picked()) === JSON.stringify(want) ? true : undefined), 5000, 250).catch(() => undefined);
      expect(await picked(), `${queue} figures vs queue_log`).to.deep.equal(want);
    }
    // Records: one per caller (queue_log callid = the caller's channel = the call's Linkedid).
    const callids = [...new Set(all.map((l) => l.callid))];
    const wanted = new Map(callids.map((callid) => {
      const mine = all.filter((l) => l.callid === callid).sort((a, b) => a.enteredAt - b.enteredAt);
      const last = mine.at(-1)!;
      const answered = mine.find((l) => l.outcome === 'answered');
      return [callid, {
        mine,
        want: {
          callerNumber: last.caller,
          queue: (answered ?? last).queue,
          outcome: answered ? 'answered' : last.outcome === 'abandoned' ? 'abandoned' : 'unanswered',
          agentName: answered ? answered.agent : null,
          // The time waited in every queue the caller went through (an overflowed caller's first queue too).
          holdSeconds: mine.reduce((s, l) => s + l.wait, 0),
          talkSeconds: answered ? answered.talk : null,
        } as Rec,
      }];
    }));
    const picked = (r: Rec | undefined, want: Rec) => (r ? Object.fromEntries(Object.keys(want).map((k) => [k, r[k]])) : undefined);
    const agree = (recs: Rec[]) => [...wanted].every(([callid, { want }]) =>
      JSON.stringify(picked(recs.find((x) => x.channelId === `${PBX}:${callid}`), want)) === JSON.stringify(want));
    // The queue_log has the talk time (COMPLETECALLER) as the caller hangs up; the record has it from AgentComplete, a moment later.
    await waitUntil('the records equal to the queue_log', async () => (agree(await records()) ? true : undefined), 5000, 250).catch(() => undefined);
    const recs = await records();
    for (const [callid, { mine, want }] of wanted) {
      const r = recs.find((x) => x.channelId === `${PBX}:${callid}`);
      expect(r, `a record for ${callid} (${mine.map((l) => `${l.queue}:${l.outcome}`).join(', ')})`).to.not.equal(undefined);
      expect(picked(r, want), `record of ${callid}`).to.deep.equal(want);
      // Start and answer as the PBX gives them: the queue_log's first ENTERQUEUE is within a second of the start.
      expect(Math.abs(Date.parse(r!.startedAt) / 1000 - mine[0]!.enteredAt), `start of ${callid}`).to.be.lessThan(2);
      expectCdrTimes(r!, callid);
    }
  }

  /** The record's start, answer (the PBX answered the caller) and end equal the PBX's CDR of the caller's channel. */
  function expectCdrTimes(r: Rec, callid: string): void {
    const cdr = cdrOf(callid);
    expect(cdr, `CDR lines of ${callid}`).to.not.deep.equal([]);
    const first = cdr[0]!;
    const secs = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : null);
    expect(Math.abs(secs(r.startedAt)! - first.start), `start of ${callid}: record ${r.startedAt}, CDR ${first.start}`).to.be.lessThan(CDR_TOLERANCE_S);
    expect(first.answer, `the CDR of ${callid} has an answer`).to.not.equal(null);
    expect(r.answeredAt, `answer of ${callid}`).to.not.equal(null);
    expect(Math.abs(secs(r.answeredAt)! - first.answer!), `answer of ${callid}: record ${r.answeredAt}, CDR ${first.answer}`).to.be.lessThan(CDR_TOLERANCE_S);
    const end = Math.max(...cdr.map((c) => c.end));
    expect(Math.abs(secs(r.endedAt)! - end), `end of ${callid}: record ${r.endedAt}, CDR ${end}`).to.be.lessThan(CDR_TOLERANCE_S);
  }

  /** The queue leg Hotline holds for a caller (answered at, wait), straight from its database. */
  async function legOf(callid: string, queue: string): Promise<Rec> {
    const rows = await db.query(`SELECT outcome, answered_at AS answeredAt, hold_seconds AS holdSeconds FROM acd_queue_calls WHERE source = ? AND uniqueid = ? AND queue = ?`, [PBX, callid, queue]);
    expect(rows, `queue legs of ${callid} in ${queue}`).to.have.length(1);
    return rows[0]!;
  }

  /** A leg answered while Hotline was stopped: answered when the queue_log says CONNECT (whole seconds), with its wait. */
  async function expectAnsweredLeg(leg: LogLeg): Promise<void> {
    const mine = await legOf(leg.callid, leg.queue);
    const connect = readQueueLog([leg.queue], 0, FREEPBX_QUEUE_LOG).find((l) => l.callid === leg.callid && l.event === 'CONNECT')!;
    expect(mine.outcome).to.equal('answered');
    expect(Number(mine.holdSeconds), `wait of ${leg.callid}`).to.equal(leg.wait);
    // queue_log stamps whole seconds (time(NULL)): the answer lies within that second.
    const at = new Date(mine.answeredAt as string | Date).getTime() / 1000;
    expect(at - connect.time, `answer of ${leg.callid} in ${leg.queue}: ${at} vs CONNECT at ${connect.time}`).to.be.within(-0.05, 1 + 0.05);
  }

  before(async () => {
    await startFreepbx();
    phones = await startAgents(3, { sipBase: 5180, mediaBase: 5460 });
    db = await createTestDb('mariadb');
    await start();
  });
  after(async () => {
    await stopAllHotlines();
    phones?.stop();
    await stopFreepbx();
    await db?.drop();
  });

  it('HOTLINE_OWN_PBX=false: no line says it opens a Stasis app, no line repeats a key', () => {
    const lines = hotline.output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.filter((l) => /stasis/i.test(l)), 'lines about Stasis').to.deep.equal([]);
    for (const l of lines) {
      const keys = [...l.matchAll(/[{,]"([^"]+)":/g)].map((m) => m[1]);
      expect(keys.length, `duplicate key in ${l}`).to.equal(new Set(keys).size);
    }
  });

  it('Local/ members are the named agents; a pause in one queue shows there only (availability per membership)', async () => {
    const list = await agents();
    expect(list.map((a) => [a.interface, a.name]).sort()).to.deep.equal(FREEPBX.agents.map((a) => [a.interface, a.name]).sort());
    pause(ALICE.interface, SALES, 'lunch');
    await waitMember(SALES, 'Alice', 'break');
    expect((await memberIn(SALES, 'Alice')).reason).to.equal('lunch');
    expect((await memberIn(SUPPORT, 'Alice')).state).to.equal('available');
    expect((await stats(SALES)).agents.available).to.equal(1); // Bob
    expect((await stats(SUPPORT)).agents.available).to.equal(2); // Alice and Carol
    unpause(ALICE.interface, SALES);
    await waitMember(SALES, 'Alice', 'available');
  });

  it('a q-sales timeout overflowing to q-support is not an abandon, and its record holds the wait in both queues', async () => {
    pause(ALICE.interface, SALES, 'meeting');
    pause(BOB.interface, SALES, 'meeting');
    await waitMember(SALES, 'Bob', 'break');
    // Times out of q-sales after 8 s, is answered in q-support, talks until 13 s after the answer.
    const overflow = await call({ scenario: 'uac-hangup', service: FREEPBX.salesNumber, caller: nextCaller(), hangupAfterMs: 13_000 });
    // A caller who gives up after 3 s while everyone in q-sales is paused: an abandon.
    const gaveUp = await call({ scenario: 'uac-hangup', service: FREEPBX.salesNumber, caller: nextCaller(), hangupAfterMs: 3000 });
    // Times out of q-sales after 4 s, hears a message, and the PBX hangs up: not an abandon either.
    const timedOut = await call({ scenario: 'uac-wait-bye', service: FREEPBX.shortSalesNumber, caller: nextCaller(), recvTimeoutMs: 20_000 });
    assertCallsSucceeded(await gaveUp.done);
    assertCallsSucceeded(await timedOut.done);
    assertCallsSucceeded(await overflow.done);
    unpause(ALICE.interface, SALES);
    unpause(BOB.interface, SALES);
    await waitMember(SALES, 'Bob', 'available');
    // Answered in q-sales (ringall: whoever answers first).
    assertCallsSucceeded(await (await call({ scenario: 'uac-hangup', service: FREEPBX.salesNumber, caller: nextCaller(), hangupAfterMs: 2500 })).done);
    const log = legs();
    expect(log.map((l) => `${l.queue}:${l.outcome}`).sort()).to.deep.equal([`${SALES}:abandoned`, `${SALES}:answered`, `${SALES}:overflowed`, `${SALES}:timeout`, `${SUPPORT}:answered`].sort());
    await compareWithQueueLog();
    const s = (await stats(SALES)).figures;
    expect([s.abandoned, s.overflowed, s.timeouts]).to.deep.equal([1, 1, 1]);
  });

  it('a direct call to a queue member is not shown as a queue call, and its record names the member', async () => {
    const caller = nextCaller();
    const direct = await call({ scenario: 'uac-hangup', service: CAROL.ext, caller, hangupAfterMs: 4000 });
    const during = await waitUntil('Carol on a call', async () => {
      const a = (await agents()).find((x) => x.name === 'Carol');
      return a?.state === 'on_call' ? a : undefined;
    }, 10_000, 200);
    expect(during.reason, 'on a call, but not for a queue').to.equal('');
    assertCallsSucceeded(await direct.done);
    const rec = await waitUntil('the direct call ended in its record', async () => (await records()).find((r) => r.callerNumber === caller && r.endedAt) ?? undefined, 10_000, 200);
    expect(rec).to.include({ queue: null, outcome: 'answered', agentName: 'Carol', agentInterface: CAROL.device });
  });

  it('across a Hotline stop and start: a call answered meanwhile counts in today\'s figures with the PBX\'s times', async () => {
    await hotline.stop();
    // Answered in q-support while Hotline is not watching; still talking when it starts again.
    const unseen = await call({ scenario: 'uac-hangup', service: FREEPBX.supportNumber, caller: nextCaller(), hangupAfterMs: 14_000 });
    const leg = await waitUntil('the unseen call answered on the PBX', async () => legs().find((l) => l.outcome === 'answered' && l.queue === SUPPORT && l.enteredAt >= Date.now() / 1000 - 10), 10_000, 250);
    await new Promise((r) => setTimeout(r, 2000));
    await start();
    // While it is still in progress: its record has the PBX's start and answer, and it is answered in today's figures.
    const rec = await waitUntil('the record rebuilt at the start', async () => (await records()).find((r) => r.channelId === `${PBX}:${leg.callid}`), 10_000, 200);
    expect(rec.endedAt, 'still in progress').to.equal(null);
    await expectAnsweredLeg(leg);
    assertCallsSucceeded(await unseen.done);
    await compareWithQueueLog();
    // Rebuilt from the PBX's own times: equal to its CDR to the millisecond's rounding, not to the whole second.
    const cdr = cdrOf(leg.callid)[0]!;
    expect(Math.abs(Date.parse(rec.startedAt) / 1000 - cdr.start), `rebuilt start ${rec.startedAt} vs CDR ${cdr.start}`).to.be.lessThan(0.002);
    expect(Math.abs(Date.parse(rec.answeredAt) / 1000 - cdr.answer!), `rebuilt answer ${rec.answeredAt} vs CDR ${cdr.answer}`).to.be.lessThan(0.002);
  });

  it('a caller waiting when Hotline stopped and answered before it started again is answered in today\'s figures', async () => {
    pause(ALICE.interface, SUPPORT, 'meeting');
    pause(CAROL.interface, SUPPORT, 'meeting');
    await waitMember(SUPPORT, 'Carol', 'break');
    const caller = nextCaller();
    const waiting = await call({ scenario: 'uac-hangup', service: FREEPBX.supportNumber, caller, hangupAfterMs: 22_000 });
    await waitUntil('Hotline sees the caller waiting', async () => ((await stats(SUPPORT)).waiting === 1 ? true : undefined), 10_000, 200);
    await hotline.stop();
    await new Promise((r) => setTimeout(r, 1500));
    unpause(CAROL.interface, SUPPORT);
    const leg = await waitUntil('answered on the PBX while Hotline is stopped', async () => legs().find((l) => l.caller === caller && l.outcome === 'answered'), 10_000, 250);
    await start();
    await expectAnsweredLeg(leg);
    expect((await stats(SUPPORT)).waiting, 'no longer waiting').to.equal(0);
    assertCallsSucceeded(await waiting.done);
    unpause(ALICE.interface, SUPPORT);
    await compareWithQueueLog();
  });
});
