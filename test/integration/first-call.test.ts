// The first call end to end, on the real Asterisk 22 with a real SIP caller (sipp,
// RFC 2833 digits): Hotline answers, plays the welcome prompt, reads one digit, plays
// the reply that digit chose, hangs up; the call record lands in the database.
// Runs once per database: the embedded SQLite default and a real MariaDB.
import { expect } from 'chai';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';
import { api } from '../support/api.js';
import { signedBy, startReceiver, type Receiver } from '../support/webhook-receiver.js';

interface CallRow {
  id: string;
  caller_number: string;
  called_number: string;
  digits: string;
  outcome: string | null;
  duration_ms: number | null;
  ended_at: unknown;
  answered_at: unknown;
  ivr_path: string;
}

let callerSeq = 0;
const nextCaller = () => `55501${String(process.pid % 100).padStart(2, '0')}${String(++callerSeq).padStart(2, '0')}`;

async function endedCall(db: TestDb, caller: string): Promise<CallRow> {
  return waitUntil(`the call record of ${caller} to be finished in ${db.kind}`, async () => {
    const rows = await db.query<CallRow>('SELECT * FROM call_records WHERE caller_number = ?', [caller]);
    return rows.length === 1 && rows[0]!.ended_at ? rows[0] : undefined;
  }, 20_000);
}

async function promptsHeard(hotline: HotlineProcess, callId: string): Promise<string[]> {
  const body = (await api(hotline.url, 'GET', `/api/calls/${callId}`)).body as { events: Array<{ type: string; detail: { media?: string } | null }> };
  return body.events.filter((e) => e.type === 'prompt.started').map((e) => e.detail!.media!.replace(/^sound:/, ''));
}

for (const kind of DB_KINDS) {
  describe(`first call end to end (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let receiver: Receiver;
    let hookSecret: string;

    before(async () => {
      ensurePbx();
      db = await createTestDb(kind);
      receiver = await startReceiver();
      hotline = await startHotline(db.env);
      // An integrator's endpoint for call.ended, registered before the first call.
      const hook = await api(hotline.url, 'POST', '/api/webhooks', { name: 'Calls', url: `${receiver.url}/calls`, events: ['call.ended'] });
      expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
      hookSecret = hook.body.secret;
    });
    afterEach(() => hangupAll());
    after(async () => {
      await stopAllHotlines();
      await receiver?.close();
      await db?.drop();
    });

    it('digit 1 after the welcome prompt: the caller hears the thank-you reply, and the record lands', async () => {
      const caller = nextCaller();
      const r = await runSipp({ scenario: 'uac-dtmf', service: '5000', caller, digits: '1', waitBeforeDigitsMs: 2500 });
      assertCallsSucceeded(r); // Asterisk answered, took the digit, and hung up on the caller
      expect(r.events.PBX_BYE).to.equal(1);
      const row = await endedCall(db, caller);
      expect(row.called_number).to.equal('5000');
      expect(row.digits).to.equal('1');
      expect(row.outcome).to.equal('completed');
      expect(row.answered_at).to.not.equal(null);
      expect(Number(row.duration_ms)).to.be.greaterThan(2500);
      expect(JSON.parse(row.ivr_path).map((p: { step: string }) => p.step)).to.deep.equal(['welcome', 'thanks']);
      expect(await promptsHeard(hotline, row.id)).to.deep.equal(['hello-world', 'auth-thankyou']);
      // The webhook: exactly one signed call.ended for this record, with its outcome.
      const ended = () => receiver.on('/calls').filter((g) => g.body?.event === 'call.ended' && g.body.data?.id === row.id);
      const [got] = await waitUntil('the call.ended webhook', () => (ended().length ? ended() : undefined), 10_000);
      expect(got!.body.data).to.include({ id: row.id, outcome: 'completed', callerNumber: caller, calledNumber: '5000', digits: '1' });
      expect(got!.body.data).to.not.have.property('events');
      expect(got!.body.at, 'at: when the call ended').to.equal(got!.body.data.endedAt);
      expect(signedBy(hookSecret, got!)).to.equal(true);
      expect(ended()).to.have.length(1);
    });

    it('digit 2 pressed during the prompt (barge-in): a different reply, a different path', async () => {
      const caller = nextCaller();
      const r = await runSipp({ scenario: 'uac-dtmf', service: '5000', caller, digits: '2', waitBeforeDigitsMs: 400 });
      assertCallsSucceeded(r);
      const row = await endedCall(db, caller);
      expect(row.digits).to.equal('2');
      expect(row.outcome).to.equal('completed');
      expect(JSON.parse(row.ivr_path).map((p: { step: string }) => p.step)).to.deep.equal(['welcome', 'goodbye']);
      expect(await promptsHeard(hotline, row.id)).to.deep.equal(['hello-world', 'vm-goodbye']);
      const list = (await api(hotline.url, 'GET', `/api/calls?caller=${caller}`)).body as { total: number; items: Array<{ digits: string }> };
      expect(list.total).to.equal(1);
      expect(list.items[0]!.digits).to.equal('2');
    });

    it('a caller who hangs up mid-prompt leaves a complete record and no error in the log', async () => {
      const caller = nextCaller();
      const r = await runSipp({ scenario: 'uac-hangup', service: '5000', caller, hangupAfterMs: 600 });
      assertCallsSucceeded(r);
      const row = await endedCall(db, caller);
      expect(row.outcome).to.equal('caller_hangup');
      expect(row.digits).to.equal('');
      expect(Number(row.duration_ms)).to.be.within(300, 5000);
      expect(JSON.parse(row.ivr_path).map((p: { step: string }) => p.step)).to.deep.equal(['welcome']);
      // (A loop stall on a starved test box is the box's, reported by app/loop-stalls.ts, not this call's.)
      const problems = hotline.logLines().filter((l) => l.level >= 40 && !/event loop stalled/.test(l.msg));
      expect(problems, JSON.stringify(problems)).to.deep.equal([]);
    });

    it('keeps the ARI, AMI and database passwords out of its log', () => {
      const secrets = ['hotline-dev-ari', 'hotline-dev-ami', 'Test-Hotline-passw0rd!', db.env.HOTLINE_DB_PASSWORD].filter((s): s is string => !!s && s.length >= 4);
      const out = hotline.output();
      expect(out.length).to.be.greaterThan(0);
      for (const secret of secrets) expect(out).to.not.contain(secret);
    });

    it('rejects a bad query with a clear 400 and an unknown call with 404', async () => {
      const bad = await api(hotline.url, 'GET', '/api/calls?limit=abc');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.contain('limit');
      const missing = await api(hotline.url, 'GET', '/api/calls/00000000-0000-4000-8000-000000000000');
      expect(missing.status).to.equal(404);
      expect((await api(hotline.url, 'GET', '/api/calls', undefined, null)).status).to.equal(401);
    });
  });
}
