// The queue-call log (one row per caller per queue) fed with AMI events as Asterisk 22 sends them,
// on SQLite and MariaDB. Seen in the soak (npm run bench:soak): for about 1.5 % of answered calls
// Asterisk sends no AgentComplete (the caller's channel was already gone when app_queue reported
// the end), and AMI may deliver the caller's Hangup before its AgentConnect. Either way the call
// must end; it must not stay "answered" and open for ever.
import { expect } from 'chai';
import { In, type DataSource } from 'typeorm';
import { QueueCallLog } from '../../app/acd/acd.calls.js';
import { AcdQueueCall } from '../../app/acd/acd.entities.js';
import { LiveHub } from '../../app/acd/acd.live.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { toQueueEvent } from '../../app/pbx/ami/queue-control.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

const member = { Queue: 'soak', Interface: 'PJSIP/acd-soak-1', MemberName: 'soak-1', Status: '2', CallsTaken: '1', LastCall: '0' };
const caller = (uid: string) => ({ Uniqueid: uid, Linkedid: uid, CallerIDNum: '7001', Channel: `PJSIP/callers-${uid}` });
const ev = {
  join: (uid: string) => ({ Event: 'QueueCallerJoin', Queue: 'soak', Position: '1', ...caller(uid) }),
  leave: (uid: string) => ({ Event: 'QueueCallerLeave', Queue: 'soak', ...caller(uid) }),
  connect: (uid: string) => ({ Event: 'AgentConnect', ...member, ...caller(uid), DestUniqueid: `${uid}-agent`, HoldTime: '1', RingTime: '1' }),
  complete: (uid: string, talk: number) => ({ Event: 'AgentComplete', ...member, ...caller(uid), DestUniqueid: `${uid}-agent`, HoldTime: '1', TalkTime: String(talk), Reason: 'agent' }),
  // Asterisk leaves the caller's fields out when the caller's channel was gone as app_queue reported the end.
  completeGone: (uid: string, talk: number) => ({ Event: 'AgentComplete', ...member, DestUniqueid: `${uid}-agent`, HoldTime: '1', TalkTime: String(talk), Reason: 'caller' }),
  moh: (uid: string, on: boolean) => ({ Event: on ? 'MusicOnHoldStart' : 'MusicOnHoldStop', ...caller(uid), ...(on ? { Class: 'default' } : {}) }),
  hangup: (uid: string) => ({ Event: 'Hangup', Cause: '16', 'Cause-txt': 'Normal Clearing', ...caller(uid) }),
};

for (const kind of DB_KINDS) {
  describe(`queue-call log from AMI events (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let ds: DataSource;
    let log: QueueCallLog;

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      log = new QueueCallLog(ds, new LiveHub(), createLogger({ level: 'silent', secrets: [] }), async () => null);
    });
    after(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    /** Feeds AMI messages a second apart (as Asterisk would) and returns the caller's row. */
    async function play(uid: string, messages: Array<Record<string, string>>) {
      const t0 = Date.now();
      messages.forEach((m, i) => {
        const q = toQueueEvent(m, new Date(t0 + i * 1000));
        if (q) log.onEvent(q);
      });
      await log.flushed();
      const [row] = await db.query<{ outcome: string; ended_at: Date | null; talk_seconds: number | null }>('SELECT outcome, ended_at, talk_seconds FROM acd_queue_calls WHERE uniqueid = ?', [uid]);
      return row!;
    }

    it('an answered call without AgentComplete ends when the caller hangs up, with the talk time until then', async () => {
      const row = await play('u-1', [ev.join('u-1'), ev.leave('u-1'), ev.connect('u-1'), ev.hangup('u-1-agent'), ev.hangup('u-1')]);
      expect(row.outcome).to.equal('answered');
      expect(row.ended_at, 'ended').to.not.equal(null);
      expect(row.talk_seconds).to.equal(2);
    });

    it("the caller's Hangup delivered before AgentConnect still ends the call", async () => {
      const row = await play('u-2', [ev.join('u-2'), ev.leave('u-2'), ev.hangup('u-2'), ev.connect('u-2')]);
      expect(row.outcome).to.equal('answered');
      expect(row.ended_at, 'ended').to.not.equal(null);
      expect(row.talk_seconds).to.equal(0);
    });

    it("Asterisk's own talk time wins whichever of AgentComplete and Hangup comes first", async () => {
      const first = await play('u-3', [ev.join('u-3'), ev.leave('u-3'), ev.connect('u-3'), ev.complete('u-3', 7), ev.hangup('u-3')]);
      const second = await play('u-4', [ev.join('u-4'), ev.leave('u-4'), ev.connect('u-4'), ev.hangup('u-4'), ev.complete('u-4', 7)]);
      for (const row of [first, second]) {
        expect(row.outcome).to.equal('answered');
        expect(row.ended_at, 'ended').to.not.equal(null);
        expect(row.talk_seconds).to.equal(7);
      }
    });

    it("an AgentComplete without the caller's fields (caller already gone) still gives the call Asterisk's talk time", async () => {
      const row = await play('u-6', [ev.join('u-6'), ev.leave('u-6'), ev.connect('u-6'), ev.hangup('u-6'), ev.completeGone('u-6', 3)]);
      expect(row.outcome).to.equal('answered');
      expect(row.ended_at, 'ended').to.not.equal(null);
      expect(row.talk_seconds, "AgentComplete's TalkTime, not the 1 s Hotline measured to the Hangup").to.equal(3);
      // ...and only that call: the agent's earlier calls keep theirs.
      const [earlier] = await db.query<{ talk_seconds: number }>('SELECT talk_seconds FROM acd_queue_calls WHERE uniqueid = ?', ['u-4']);
      expect(earlier!.talk_seconds).to.equal(7);
    });

    it("time on hold counts only after the answer (the queue's music while waiting is no hold), each hold once", async () => {
      // One event a second: t0 join, t1 the queue's music, t2 connect, t3 music stops, t4 hold,
      // t5 unhold, t6 hold, t7-t8 (other events), t9 unhold, t10 complete, t11 hangup.
      const uid = 'u-7';
      await play(uid, [
        ev.join(uid), ev.moh(uid, true), ev.connect(uid), ev.moh(uid, false), ev.moh(uid, true), ev.moh(uid, false),
        ev.moh(uid, true), ev.leave(uid), ev.leave(uid), ev.moh(uid, false), ev.complete(uid, 8), ev.hangup(uid),
      ]);
      const [row] = await db.query<{ on_hold_seconds: number; hold_started_at: unknown; talk_seconds: number }>('SELECT on_hold_seconds, hold_started_at, talk_seconds FROM acd_queue_calls WHERE uniqueid = ?', [uid]);
      // The queue's music (t1-t3) is before the answer; holds t4-t5 (1 s) and t6-t9 (3 s).
      expect(row!.on_hold_seconds, 'seconds on hold').to.equal(4);
      expect(row!.hold_started_at, 'no hold left open').to.equal(null);
      expect(row!.talk_seconds).to.equal(8);
    });

    it('a hold still under way when the caller hangs up ends with the call', async () => {
      const uid = 'u-8';
      await play(uid, [ev.join(uid), ev.leave(uid), ev.connect(uid), ev.moh(uid, true), ev.leave(uid), ev.hangup(uid), ev.moh(uid, false)]);
      const [row] = await db.query<{ on_hold_seconds: number; hold_started_at: unknown }>('SELECT on_hold_seconds, hold_started_at FROM acd_queue_calls WHERE uniqueid = ?', [uid]);
      expect(row!.on_hold_seconds, 'from the hold to the hangup').to.equal(2);
      expect(row!.hold_started_at).to.equal(null);
    });

    it("the agent's wrap-up after a call is that call's, once; not an older call's", async () => {
      const uid = 'u-9';
      const rows = () => db.query<{ uniqueid: string; wrapup_seconds: number | null }>("SELECT uniqueid, wrapup_seconds FROM acd_queue_calls WHERE uniqueid IN ('u-9', 'u-6')");
      await play(uid, [ev.join(uid), ev.leave(uid), ev.connect(uid), ev.complete(uid, 1)]);
      await ds.getRepository(AcdQueueCall).update({ uniqueid: In(['u-9', 'u-6']) }, { agentId: 'agent-9' });
      const ended = (await ds.getRepository(AcdQueueCall).findOneByOrFail({ uniqueid: uid })).endedAt!;
      const began = new Date(ended.getTime() + 200);
      log.wrapupEnded('agent-9', began, new Date(began.getTime() + 6400));
      log.wrapupEnded('agent-9', began, new Date(began.getTime() + 9000)); // told twice (a takeover): the first stands
      await log.flushed();
      const byUid = Object.fromEntries((await rows()).map((r) => [r.uniqueid, r.wrapup_seconds]));
      expect(byUid['u-9'], 'the call the wrap-up followed').to.equal(6);
      expect(byUid['u-6'], 'an older call of the agent').to.equal(null);
      // A wrap-up that began long after the call ended (the agent's next pause) is no call's.
      log.wrapupEnded('agent-9', new Date(began.getTime() + 60_000), new Date(began.getTime() + 70_000));
      await log.flushed();
      expect(Object.fromEntries((await rows()).map((r) => [r.uniqueid, r.wrapup_seconds]))['u-9']).to.equal(6);
    });

    it('a hangup of a channel that never queued changes nothing and asks the reports for nothing', async () => {
      const told: string[] = [];
      log.onLegsChanged = (uid) => told.push(uid);
      try {
        await play('u-5', [ev.hangup('u-5')]);
        expect(await db.query('SELECT id FROM acd_queue_calls WHERE uniqueid = ?', ['u-5'])).to.have.length(0);
        expect(told, 'no rollup for a call without a queue leg').to.deep.equal([]);
        await play('u-6', [ev.join('u-6'), ev.hangup('u-6')]);
        expect(told, 'a queued call: its join and its hangup').to.deep.equal(['u-6', 'u-6']);
      } finally {
        log.onLegsChanged = undefined;
      }
    });
  });
}
