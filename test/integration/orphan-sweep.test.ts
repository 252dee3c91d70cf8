// Call records no node follows: a node that dies after a call left Stasis (handed to a queue), or
// after its caller hung up, never writes that call's end. The active node's sweep ends them —
// `handed_off` when Asterisk still has the channel, `failed` when it is gone — and never touches
// a call a session of its own drives or a record younger than the grace. Real Asterisk, SIPp callers.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CallRecord } from '../../app/calls/calls.entities.js';
import { createDataSource } from '../../app/db/data-source.js';
import { publishFlow } from '../support/api.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

const GRACE_MS = 8000;
let seq = 0;
const nextCaller = () => `78${process.pid % 10000}${String(++seq).padStart(2, '0')}`;

for (const kind of DB_KINDS) {
  describe(`orphaned call records are ended by the active node's sweep (${kind})`, function () {
    this.timeout(90_000);
    let db: TestDb;
    let ds: DataSource;
    let hotline: HotlineProcess;
    const calls: SippCall[] = [];

    before(async () => {
      ensurePbx();
      db = await createTestDb(kind);
      hotline = await startHotline({ ...db.env, HOTLINE_ORPHAN_GRACE_MS: String(GRACE_MS), HOTLINE_ORPHAN_SWEEP_MS: '1000' });
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await publishFlow(hotline.url, 'orphan-menu', {
        entry: 'm',
        nodes: { m: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'bye' }, timeoutMs: 60_000, retries: 0, onExhausted: 'bye' }, bye: { type: 'hangup', prompt: { sound: 'goodbye' } } },
      }, ['6291']);
      await publishFlow(hotline.url, 'orphan-queue', { entry: 'q', nodes: { q: { type: 'queue', queue: 'hotline-fallback' } } }, ['6292']);
    });
    after(async () => {
      for (const c of calls) await c.stop();
      hangupAll();
      await ds?.destroy();
      await stopAllHotlines();
      await db?.drop();
    });

    const recordOf = async (caller: string) => (await ds.getRepository(CallRecord).findOne({ where: { callerNumber: caller } }))!;
    const reread = (id: string) => ds.getRepository(CallRecord).findOneByOrFail({ id });

    it('ends a record whose call went on in the dialplan (handed_off) and one whose channel is gone (failed); leaves a driven call and a young record alone', async () => {
      // 1. A call Hotline hands to a queue (nobody answers there): the caller waits in it.
      const waiting = nextCaller();
      calls.push(await startCall({ scenario: 'uac-wait-bye', service: '6292', caller: waiting, hangupAfterMs: 60_000 }));
      const handed = await waitUntil('the call to be handed to the queue', async () => {
        const r = await recordOf(waiting);
        return r?.outcome === 'handed_off' ? r : undefined;
      });
      // Its node "died" before writing the end: open, 60 s old, handled by a node that is gone.
      const old = new Date(Date.now() - 60_000);
      await ds.getRepository(CallRecord).update({ id: handed.id }, { endedAt: null, outcome: null, hangupCause: null, currentStep: 'q', startedAt: old, handledBy: 'node-dead' });
      // 2. A record of a channel Asterisk no longer has.
      const goneId = randomUUID();
      const base = { callerName: null, calledNumber: '6201', flow: 'x', flowVersionId: null, variables: null, answeredAt: null, endedAt: null, durationMs: null, outcome: null, hangupCause: null, digits: '', ivrPath: '[]', currentStep: 'm', handledBy: 'node-dead', source: 'hotline' };
      await ds.getRepository(CallRecord).insert({ ...base, id: goneId, channelId: `gone-${goneId}`, callerNumber: nextCaller(), startedAt: old });
      // 3. A call in the menu, driven by Hotline's own session, its record made to look old.
      const inMenu = nextCaller();
      calls.push(await startCall({ scenario: 'uac-wait-bye', service: '6291', caller: inMenu, hangupAfterMs: 60_000 }));
      const driven = await waitUntil('the menu call', async () => {
        const r = await recordOf(inMenu);
        return r?.currentStep === 'm' ? r : undefined;
      });
      await ds.getRepository(CallRecord).update({ id: driven.id }, { startedAt: old });
      // 4. A young record of a channel that does not exist (a call that may be starting).
      const youngId = randomUUID();
      const youngAt = Date.now();
      await ds.getRepository(CallRecord).insert({ ...base, id: youngId, channelId: `young-${youngId}`, callerNumber: nextCaller(), startedAt: new Date(youngAt) });

      const [h, g] = await waitUntil('the sweep to end the two orphaned records', async () => {
        const x = await Promise.all([reread(handed.id), reread(goneId)]);
        return x.every((r) => r.endedAt) ? x : undefined;
      }, 15_000);
      expect([h.outcome, h.hangupCause]).to.deep.equal(['handed_off', 'left Stasis; its node stopped first']);
      expect([g.outcome, g.hangupCause]).to.deep.equal(['failed', 'ended while no node followed it']);
      const y = await reread(youngId);
      if (Date.now() - youngAt < GRACE_MS) expect(y.endedAt, 'a record younger than the grace').to.equal(null);
      const d = await reread(driven.id);
      expect([d.endedAt, d.outcome, d.currentStep], 'the call Hotline drives').to.deep.equal([null, null, 'm']);
      const warned = await hotline.waitForLog('the sweep ending both records', (l) => l.msg === 'call record no node followed: ended by the sweep', { count: 2 });
      expect(warned.map((l) => l.callId)).to.have.members([handed.id, goneId]);

      // The driven call still ends by its own flow: the caller presses nothing, hangs up; its record says so.
      await calls[1]!.hangup();
      const ended = await waitUntil('the menu call record to end', async () => {
        const r = await reread(driven.id);
        return r.endedAt ? r : undefined;
      });
      expect(ended.outcome).to.equal('caller_hangup');
    });
  });
}
