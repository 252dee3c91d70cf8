// The voicemail summary (GET /api/voicemails/summary) on every database, from rows as the collector
// leaves them (no Asterisk): messages `new` per mailbox with since when the oldest of them waits
// (the time the caller left it), and in all; heard, done, empty and recording ones are not waiting;
// a mailbox with nothing new is left out; with nothing new at all the oldest is null. The list's
// filters and paging the supervisors' page uses (mailbox, status, from/to, limit/offset) give the
// same rows on both databases.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';

const id = (i: number) => `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`;
/** mailbox, status, when left (UTC). */
const ROWS: Array<[string, string, string]> = [
  ['sales', 'new', '2026-12-03T08:15:00.250Z'],
  ['sales', 'new', '2026-12-01T22:05:30.125Z'], // the oldest waiting of all
  ['sales', 'heard', '2026-11-20T10:00:00.000Z'], // older, but heard: not waiting
  ['support', 'new', '2026-12-02T09:00:00.000Z'],
  ['support', 'done', '2026-11-01T09:00:00.000Z'],
  ['billing', 'empty', '2026-11-02T09:00:00.000Z'], // billing has nothing new: left out
  ['billing', 'recording', '2026-11-03T09:00:00.000Z'],
  ['billing', 'done', '2026-12-04T09:00:00.000Z'],
];

for (const kind of DB_KINDS) {
  describe(`voicemail summary: waiting per mailbox and since when (${kind})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    const get = async (path: string) => {
      const res = await api(hotline.url, 'GET', path);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };

    before(async () => {
      db = await createTestDb(kind);
      hotline = await startHotlineWithoutPbx(db.env);
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('with no message at all: nothing waits, the oldest is null', async () => {
      expect(await get('/api/voicemails/summary')).to.deep.equal({ mailboxes: [], new: 0, oldestNewAt: null });
    });

    it('counts new messages per mailbox with the oldest one\'s time, and in all', async () => {
      for (const [i, [mailbox, status, at]] of ROWS.entries()) {
        const when = at.replace('T', ' ').replace('Z', '');
        const r: Record<string, unknown> = { id: id(i), call_id: id(50 + i), mailbox, caller_number: `1390013${String(i).padStart(4, '0')}`, called_number: '4008001234', recording: `hotline-vm-s${i}`, max_seconds: 60, status, seconds: status === 'recording' || status === 'empty' ? null : 5 + i, created_at: when, updated_at: when };
        await db.exec(`INSERT INTO voicemails (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map(() => '?').join(', ')})`, Object.values(r));
      }
      expect(await get('/api/voicemails/summary')).to.deep.equal({
        mailboxes: [
          { mailbox: 'sales', new: 2, oldestNewAt: '2026-12-01T22:05:30.125Z' },
          { mailbox: 'support', new: 1, oldestNewAt: '2026-12-02T09:00:00.000Z' },
        ],
        new: 3,
        oldestNewAt: '2026-12-01T22:05:30.125Z',
      });
    });

    it('a message heard is no longer waiting: the mailbox\'s oldest moves on; the last one heard takes the mailbox out', async () => {
      await db.exec('UPDATE voicemails SET status = ?, heard_by = ?, heard_at = created_at WHERE id = ?', ['heard', 'someone', id(1)]);
      await db.exec('UPDATE voicemails SET status = ?, heard_by = ?, heard_at = created_at WHERE id = ?', ['heard', 'someone', id(3)]);
      expect(await get('/api/voicemails/summary')).to.deep.equal({
        mailboxes: [{ mailbox: 'sales', new: 1, oldestNewAt: '2026-12-03T08:15:00.250Z' }],
        new: 1,
        oldestNewAt: '2026-12-03T08:15:00.250Z',
      });
    });

    it('the list the page shows: a mailbox, a status, a time range, a page of it, with the total', async () => {
      const ids = async (q: string) => {
        const b = await get(`/api/voicemails?${q}`);
        return { ids: (b.items as Array<{ id: string }>).map((m) => m.id), total: b.total as number };
      };
      // Default: new, heard and done, newest first.
      expect(await ids('')).to.deep.equal({ ids: [id(7), id(0), id(3), id(1), id(2), id(4)], total: 6 });
      expect(await ids('mailbox=sales&status=heard')).to.deep.equal({ ids: [id(1), id(2)], total: 2 });
      expect(await ids('from=2026-12-01T00:00:00Z&to=2026-12-03T00:00:00Z')).to.deep.equal({ ids: [id(3), id(1)], total: 2 });
      expect(await ids('limit=2&offset=2')).to.deep.equal({ ids: [id(3), id(1)], total: 6 });
      expect(await ids('status=empty&mailbox=billing')).to.deep.equal({ ids: [id(5)], total: 1 });
    });
  });
}
