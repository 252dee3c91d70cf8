// What happens around Hotline: it is not running (the dialplan's fallback takes the call),
// it starts (the next call is handled), Asterisk restarts under it (it reconnects by
// itself), and it shuts down gracefully with a call in progress (the call is handed back).
import { expect } from 'chai';
import { AmiWatch } from '../support/ami-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, pbxDown, pbxUp, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp, startCall } from '../support/sipp.js';

let seq = 0;
const nextCaller = () => `55502${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

describe('Hotline and Asterisk coming and going', function () {
  this.timeout(180_000);
  let db: TestDb;
  let ami: AmiWatch;

  before(async () => {
    ensurePbx();
    db = await createTestDb('sqlite');
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

  async function finishedRow(caller: string) {
    return waitUntil(`call record of ${caller}`, async () => {
      const rows = await db.query<{ outcome: string; ended_at: unknown; digits: string }>(
        'SELECT outcome, ended_at, digits FROM call_records WHERE caller_number = ?', [caller]);
      return rows[0]?.ended_at ? rows[0] : undefined;
    }, 20_000);
  }

  it('Hotline not running: the caller hears the apology and waits in the fallback queue; started: the next call is handled', async () => {
    const caller = nextCaller();
    const r = await runSipp({ scenario: 'uac-wait-bye', service: '5000', caller, hangupAfterMs: 7000 });
    assertCallsSucceeded(r);
    expect(r.events.ANSWERED).to.equal(1);
    const fallback = await ami.waitFor('UserEvent', { UserEvent: 'HotlineFallback', Caller: caller });
    expect(fallback.Reason).to.equal('FAILED');
    await ami.waitFor('QueueCallerJoin', { Queue: 'hotline-fallback', CallerIDNum: caller });

    const hotline = await startHotline(db.env);
    const next = nextCaller();
    assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '5000', caller: next, digits: '1', waitBeforeDigitsMs: 2500 }));
    const row = await finishedRow(next);
    expect(row).to.include({ outcome: 'completed', digits: '1' });
    expect(ami.events.some((e) => e.UserEvent === 'HotlineFallback' && e.Caller === next)).to.equal(false);
    await hotline.stop();
  });

  it('Asterisk restarted under a running Hotline: /health shows ARI and AMI back and the next call is handled', async () => {
    const hotline = await startHotline(db.env);
    const pid = hotline.child.pid;
    await ami.stop();
    pbxDown();
    await waitUntil('/health to show ARI and AMI down', async () => {
      const h = await hotline.health();
      return !h.body.ari.up && !h.body.ami.up;
    }, 20_000);
    pbxUp();
    ami = await new AmiWatch().start();
    await hotline.waitForPbx(30_000);
    const h = await hotline.health();
    expect(h.body.status).to.equal('ok');
    expect(new Date(h.body.ari.since).getTime()).to.be.greaterThan(Date.now() - 60_000);
    const caller = nextCaller();
    assertCallsSucceeded(await runSipp({ scenario: 'uac-dtmf', service: '5000', caller, digits: '2', waitBeforeDigitsMs: 2500 }));
    expect(await finishedRow(caller)).to.include({ outcome: 'completed', digits: '2' });
    expect(hotline.child.pid).to.equal(pid);
    expect(hotline.child.exitCode).to.equal(null);
  });

  it('graceful shutdown with a call in progress: the call is handed to the dialplan fallback, not cut off', async () => {
    const hotline = await startHotline({ ...db.env, HOTLINE_SHUTDOWN_GRACE_MS: '300' });
    const caller = nextCaller();
    const call = await startCall({ scenario: 'uac-wait-bye', service: '5000', caller, hangupAfterMs: 15_000 });
    await call.waitFor('ANSWERED');
    await waitUntil('the call to be in the welcome menu', async () => {
      const rows = await db.query<{ current_step: string }>('SELECT current_step FROM call_records WHERE caller_number = ?', [caller]);
      return rows[0]?.current_step === 'welcome';
    });
    const code = await hotline.stop('SIGTERM');
    expect(code).to.equal(0);
    const fallback = await ami.waitFor('UserEvent', { UserEvent: 'HotlineFallback', Caller: caller });
    expect(fallback.Reason).to.equal('SUCCESS'); // left Stasis on purpose, not because Hotline was absent
    await ami.waitFor('QueueCallerJoin', { Queue: 'hotline-fallback', CallerIDNum: caller });
    expect(await finishedRow(caller)).to.include({ outcome: 'handed_back' });
    await call.hangup();
    assertCallsSucceeded(await call.done);
  });

  it('Hotline killed (-9) mid-call and started again: the call still in Stasis is recovered and finishes its flow', async () => {
    const first = await startHotline({ ...db.env, HOTLINE_NODE_NAME: 'node-a' });
    const caller = nextCaller();
    // The welcome menu waits 5 s for a key after its prompt: the key comes while node-b,
    // having replayed the prompt, is waiting for it.
    const call = await startCall({ scenario: 'uac-dtmf', service: '5000', caller, digits: '1', waitBeforeDigitsMs: 6500 });
    await call.waitFor('ANSWERED');
    await waitUntil('the call to be in the welcome menu', async () => {
      const rows = await db.query<{ current_step: string }>('SELECT current_step FROM call_records WHERE caller_number = ?', [caller]);
      return rows[0]?.current_step === 'welcome';
    });
    await first.stop('SIGKILL');
    const second = await startHotline({ ...db.env, HOTLINE_NODE_NAME: 'node-b' });
    const r = await call.done;
    assertCallsSucceeded(r);
    expect(r.events.PBX_BYE).to.equal(1); // Hotline (node-b) finished the flow and hung up
    const rows = await db.query<{ id: string; outcome: string; digits: string; handled_by: string; ivr_path: string; ended_at: unknown }>(
      'SELECT * FROM call_records WHERE caller_number = ?', [caller]);
    expect(rows).to.have.length(1);
    const row = await finishedRow(caller);
    expect(row).to.include({ outcome: 'completed', digits: '1' });
    const full = (await db.query<{ handled_by: string; ivr_path: string }>('SELECT handled_by, ivr_path FROM call_records WHERE caller_number = ?', [caller]))[0]!;
    expect(full.handled_by).to.equal('node-b');
    expect(JSON.parse(full.ivr_path).map((p: { step: string }) => p.step)).to.deep.equal(['welcome', 'welcome', 'thanks']);
    await second.stop();
  });
});
