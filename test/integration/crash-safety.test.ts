// Crash safety with the real Hotline process, the real Asterisk and a SIPp caller: a call whose
// persisted state is corrupt when Hotline recovers it (after a kill -9 and restart) must neither
// kill the process (Node 20 ends on an unhandled rejection) nor leave the caller in silence.
import { expect } from 'chai';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp, startCall } from '../support/sipp.js';

let seq = 0;
const nextCaller = () => `55507${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

describe('crash safety: recovering a call whose persisted state is corrupt', function () {
  this.timeout(180_000);
  let db: TestDb;
  let ami: AmiWatch;

  before(async () => {
    ensurePbx();
    db = await createTestDb('mariadb'); // the production database; the test damages a row in it
    ami = await new AmiWatch().start();
  });
  afterEach(async () => {
    hangupAll();
    await stopAllHotlines();
  });
  after(async () => {
    await ami?.stop();
    await db?.drop();
  });

  const rowOf = async (caller: string) =>
    (await db.query<{ id: string; outcome: string | null; hangup_cause: string | null; ended_at: unknown; current_step: string | null }>(
      'SELECT id, outcome, hangup_cause, ended_at, current_step FROM call_records WHERE caller_number = ?', [caller]))[0];

  it('the restarted Hotline hands the call to the dialplan fallback, closes its record, logs it with the call id and keeps serving', async () => {
    const first = await startHotline({ ...db.env, HOTLINE_NODE_NAME: 'node-a' });
    const caller = nextCaller();
    const call = await startCall({ scenario: 'uac-wait-bye', service: '5000', caller, hangupAfterMs: 25_000 });
    await call.waitFor('ANSWERED');
    await waitUntil('the call to be in the welcome menu', async () => (await rowOf(caller))?.current_step === 'welcome');
    await first.stop('SIGKILL');
    // The call stays in Stasis; its record is damaged before anyone resumes it.
    await db.query('UPDATE call_records SET ivr_path = ? WHERE caller_number = ?', ['[{"step": "welc', caller]);
    const { id } = (await rowOf(caller))!;

    const second = await startHotline({ ...db.env, HOTLINE_NODE_NAME: 'node-b' });
    const fallback = await ami.waitFor('UserEvent', { UserEvent: 'HotlineFallback', Caller: caller }, 20_000);
    expect(fallback.Reason).to.equal('SUCCESS'); // handed back on purpose by the running Hotline
    await ami.waitFor('QueueCallerJoin', { Queue: 'hotline-fallback', CallerIDNum: caller });
    const row = await waitUntil('the call record to be closed', async () => {
      const r = await rowOf(caller);
      return r?.ended_at ? r : undefined;
    });
    expect(row).to.include({ outcome: 'handed_back', hangup_cause: 'resume failed' });
    const [logged] = await second.waitForLog('the failed resume', (l) => l.msg === 'cannot resume the call; handing it to the dialplan fallback');
    expect(logged, 'the error log line').to.include({ level: 50, callId: id });
    await call.hangup();
    assertCallsSucceeded(await call.done);

    // Still the same process, still serving: /health answers and the next call runs its flow.
    expect(second.child.exitCode).to.equal(null);
    expect((await second.health()).status).to.equal(200);
    const next = nextCaller();
    assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '5000', caller: next, digits: '1', waitBeforeDigitsMs: 2500 }));
    const nextRow = await waitUntil('the next call record to be closed', async () => {
      const r = await rowOf(next);
      return r?.ended_at ? r : undefined;
    });
    expect(nextRow).to.include({ outcome: 'completed' });
    expect(second.child.exitCode).to.equal(null);
    await second.stop();
  });
});
