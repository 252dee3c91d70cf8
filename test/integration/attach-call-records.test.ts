// An attached PBX's call records fed with AMI events as Asterisk 22 sends them, on SQLite and
// MariaDB, for the orders the real PBX only produces now and then. Seen in CI (attach-freepbx):
// the caller hung up, app_queue reported the end after the caller's channel was gone, so its
// AgentComplete had no caller fields; the queue figures took the talk time, the call record
// never did (talkSeconds null for ever). The PBX port here answers "nothing in progress" to the
// reconcile; the events are real AMI messages through Hotline's own parsers.
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { QueueCallLog } from '../../app/acd/acd.calls.js';
import { LiveHub } from '../../app/acd/acd.live.js';
import { AttachedAgents } from '../../app/attach/attach.agents.js';
import { AttachedCallLog } from '../../app/attach/attach.calls.js';
import { AttachService } from '../../app/attach/attach.service.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { toChannelEvent } from '../../app/pbx/ami/channel-events.js';
import { toQueueEvent } from '../../app/pbx/ami/queue-control.js';
import type { AttachedPbx } from '../../app/pbx/ports.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

const SOURCE = 'pbx-x';
const member = { Queue: 'q-sales', Interface: 'Local/101@from-queue/n', MemberName: 'Alice', StateInterface: 'PJSIP/101', Status: '2', CallsTaken: '1', LastCall: '0' };
const caller = (uid: string) => ({ Uniqueid: uid, Linkedid: uid, CallerIDNum: '555100', CallerIDName: 'Caller', Channel: `PJSIP/trunk-${uid}`, Context: 'from-trunk', Exten: '300' });
const ev = {
  newchannel: (uid: string) => ({ Event: 'Newchannel', ChannelState: '0', ...caller(uid) }),
  up: (uid: string) => ({ Event: 'Newstate', ChannelState: '6', ...caller(uid) }),
  join: (uid: string) => ({ Event: 'QueueCallerJoin', Queue: 'q-sales', Position: '1', ...caller(uid) }),
  leave: (uid: string) => ({ Event: 'QueueCallerLeave', Queue: 'q-sales', ...caller(uid) }),
  connect: (uid: string) => ({ Event: 'AgentConnect', ...member, ...caller(uid), DestUniqueid: `${uid}-agent`, HoldTime: '2', RingTime: '1' }),
  complete: (uid: string, talk: number) => ({ Event: 'AgentComplete', ...member, ...caller(uid), DestUniqueid: `${uid}-agent`, HoldTime: '2', TalkTime: String(talk), Reason: 'caller' }),
  // The caller's channel gone as app_queue reported the end: no Uniqueid, Linkedid, CallerIDNum, Channel.
  completeGone: (uid: string, talk: number) => ({ Event: 'AgentComplete', ...member, DestUniqueid: `${uid}-agent`, HoldTime: '2', TalkTime: String(talk), Reason: 'caller' }),
  hangup: (uid: string) => ({ Event: 'Hangup', ChannelState: '6', Cause: '16', 'Cause-txt': 'Normal Clearing', ...caller(uid) }),
};

/** A PBX port with nothing in progress (what the reconcile at activation asks). */
const quietPbx: AttachedPbx = {
  name: SOURCE,
  link: () => ({ up: true, since: new Date(), detail: 'connected' }),
  onEvents: () => undefined,
  start: () => undefined,
  stop: async () => undefined,
  queueStatus: async () => ({ queues: ['q-sales'], members: [], entries: [] }),
  channels: async () => [],
  channelClocks: async () => ({ sentAt: Date.now(), receivedAt: Date.now(), channels: [] }),
};

for (const kind of DB_KINDS) {
  describe(`attached PBX call records from AMI events (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let ds: DataSource;
    let service: AttachService;

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      const log = createLogger({ level: 'silent', secrets: [] });
      const live = new LiveHub();
      service = new AttachService(
        quietPbx,
        new AttachedCallLog(ds, SOURCE, 'node-test', log),
        new QueueCallLog(ds, live, log, async () => null, SOURCE),
        new AttachedAgents(ds, SOURCE, live, log),
        { reconcileMs: 600_000 },
        log,
      );
      service.activate();
      await service.flushed();
    });
    after(async () => {
      service?.deactivate();
      await ds?.destroy();
      await db?.drop();
    });

    /** Feeds AMI messages a second apart (as the PBX would) and returns the call's record. */
    async function play(uid: string, messages: Array<Record<string, string>>) {
      const t0 = Date.now();
      messages.forEach((m, i) => {
        const at = new Date(t0 + i * 1000);
        const q = toQueueEvent(m, at);
        if (q) service.onQueueEvent(q);
        const c = toChannelEvent(m, at);
        if (c) service.onChannelEvent(c);
      });
      await service.flushed();
      const [row] = await db.query<{ outcome: string; ended_at: Date | null; talk_seconds: number | null; hold_seconds: number | null; agent_name: string | null }>(
        'SELECT outcome, ended_at, talk_seconds, hold_seconds, agent_name FROM call_records WHERE channel_id = ?', [`${SOURCE}:${uid}`]);
      return row!;
    }

    it("an AgentComplete that names its caller gives the record the PBX's talk time", async () => {
      const row = await play('c-1', [ev.newchannel('c-1'), ev.up('c-1'), ev.join('c-1'), ev.leave('c-1'), ev.connect('c-1'), ev.complete('c-1', 4), ev.hangup('c-1')]);
      expect(row).to.include({ outcome: 'answered', agent_name: 'Alice' });
      expect(Number(row.talk_seconds)).to.equal(4);
    });

    it("an AgentComplete without the caller's fields (caller already gone) still gives the record the PBX's talk time", async () => {
      const row = await play('c-2', [ev.newchannel('c-2'), ev.up('c-2'), ev.join('c-2'), ev.leave('c-2'), ev.connect('c-2'), ev.hangup('c-2'), ev.completeGone('c-2', 3)]);
      expect(row).to.include({ outcome: 'answered', agent_name: 'Alice' });
      expect(row.ended_at, 'ended').to.not.equal(null);
      expect(row.talk_seconds, "AgentComplete's TalkTime").to.not.equal(null);
      expect(Number(row.talk_seconds)).to.equal(3);
      expect(Number(row.hold_seconds)).to.equal(2);
      // ...and only that call: the member's earlier call keeps its own.
      const [earlier] = await db.query<{ talk_seconds: number }>('SELECT talk_seconds FROM call_records WHERE channel_id = ?', [`${SOURCE}:c-1`]);
      expect(Number(earlier!.talk_seconds)).to.equal(4);
    });

    it('a nameless AgentComplete that fits no answered call of that member changes no record', async () => {
      // A talk time longer than the member's latest call has existed: not that call's end.
      const row = await play('c-3', [ev.newchannel('c-3'), ev.up('c-3'), ev.join('c-3'), ev.leave('c-3'), ev.connect('c-3'), ev.hangup('c-3'), ev.completeGone('c-3', 600)]);
      expect(row.talk_seconds, 'no talk time from an AgentComplete of another call').to.equal(null);
      expect(row.ended_at, 'ended by its hangup').to.not.equal(null);
    });
  });
}
