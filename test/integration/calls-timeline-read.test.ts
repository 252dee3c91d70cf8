// A call's timeline is written in batches (app/calls/event-writer.ts: one INSERT per 20 ms).
// Whoever saw a change through this node — a recording's row `stored`, say — and then opens the
// call must find the event for it: reading a call waits for the batch it has taken. (CI saw the
// keyword test read the call between the recording's `stored` and the batch holding its flag.)
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { CallsService } from '../../app/calls/calls.service.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createTestDb, dbConfig, DB_KINDS, type TestDb } from '../support/db.js';

for (const kind of DB_KINDS) {
  describe(`a call's timeline read right after an event (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let ds: DataSource;
    let calls: CallsService;

    before(async () => {
      db = await createTestDb(kind);
      ds = createDataSource(dbConfig(db));
      await ds.initialize();
      await ds.runMigrations();
      calls = new CallsService(ds, 'node-t');
    });
    after(async () => {
      await calls?.close();
      await ds?.destroy();
      await db?.drop();
    });

    it('shows an event added a moment ago, before its batch would have been written', async () => {
      const rec = await calls.start({ channelId: `chan-${kind}`, callerNumber: '5550100', callerName: null, calledNumber: '7000', answered: false }, 'f', null, new Date());
      for (let i = 0; i < 20; i++) {
        calls.addEvent(rec.id, 'recording.flagged', { n: i });
        const { events } = await calls.get(rec.id); // no wait between: the batch is still pending
        expect(events.filter((e) => e.type === 'recording.flagged').map((e) => JSON.parse(e.detail!).n)).to.deep.equal([...Array(i + 1).keys()]);
      }
    });
  });
}
