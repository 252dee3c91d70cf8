// Flows the dialplan runs by itself (app/ivr/flow-dialplan.ts), on the real Asterisk 22 with real
// SIP callers: a number whose published flow only plays fixed prompts and hangs up is compiled
// into extensions_hotline.conf; its calls never enter the Stasis app, and Hotline still writes
// their records (from AMI). A change to the flow or the number takes effect in Asterisk at once.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/parser.js';
import { toDialplanCallEvent } from '../../app/pbx/dialplan-control.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api, publishFlow } from '../support/api.js';
import { createTestDb, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';

interface Row {
  id: string;
  outcome: string | null;
  handled_by: string;
  flow: string;
  flow_version_id: string | null;
  ivr_path: string;
  answered_at: unknown;
  ended_at: unknown;
  hangup_cause: string | null;
  duration_ms: number | null;
}

let seq = 0;
const nextCaller = () => `55507${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;
const compiled = (number: string) => cli(`dialplan show ${number}@hotline-compiled`);
const isCompiled = (number: string) => new RegExp(`'${number}' =>`).test(compiled(number));

/** Plays hello-world (about 1.5 s), then beeps and hangs up: two nodes, both the dialplan's. */
const notice = {
  entry: 'intro',
  nodes: {
    intro: { type: 'play', prompt: { sound: 'hello-world' }, next: 'end' },
    end: { type: 'hangup', prompt: { sound: 'beep' } },
  },
};
/** The same number made interactive: a menu needs Hotline, so the calls go back into the app. */
const noticeMenu = {
  entry: 'm',
  nodes: {
    m: { type: 'menu', prompt: { sound: 'beep' }, options: { '1': 'end' }, timeoutMs: 1000, retries: 0, onExhausted: 'end', bargeIn: false },
    end: { type: 'hangup', prompt: { sound: 'beep' } },
  },
};

for (const kind of dbKindsForCalls('mariadb')) {
  describe(`flows the dialplan runs by itself (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let ami: AmiWatch;

    before(async () => {
      ensurePbx();
      db = await createTestDb(kind);
      // Admission limits other than extensions.conf's [globals] defaults (200, 500): a dialplan reload resets those.
      hotline = await startHotline({ ...db.env, HOTLINE_MAX_CALLS_PER_SECOND: '150', HOTLINE_MAX_CALLS_IN_APP: '400' });
      ami = await new AmiWatch().start();
    });
    afterEach(() => hangupAll());
    after(async () => {
      await ami?.stop();
      await stopAllHotlines();
      await db?.drop();
    });

    const record = (caller: string) =>
      waitUntil(`the call record of ${caller} to end`, async () => {
        const rows = await db.query<Row>('SELECT id, outcome, handled_by, flow, flow_version_id, ivr_path, answered_at, ended_at, hangup_cause, duration_ms FROM call_records WHERE caller_number = ?', [caller]);
        return rows.length === 1 && rows[0]!.ended_at ? rows[0] : undefined;
      }, 20_000);
    const steps = (row: Row) => (JSON.parse(row.ivr_path) as Array<{ step: string }>).map((p) => p.step);
    const enteredStasis = (caller: string) => ami.events.some((e) => fieldOf(e, 'Event') === 'VarSet' && fieldOf(e, 'Variable') === 'STASISSTATUS' && fieldOf(e, 'CallerIDNum') === caller)
      || ami.events.some((e) => fieldOf(e, 'Event') === 'Newexten' && fieldOf(e, 'Application') === 'Stasis' && fieldOf(e, 'CallerIDNum') === caller);

    it('the seeded announcement number (9001) is compiled: the caller hears the prompt and Asterisk hangs up, without the app; the record is complete', async () => {
      await waitUntil('Hotline to compile 9001 into the dialplan', () => isCompiled('9001'));
      const caller = nextCaller();
      const r = await runSipp({ scenario: 'uac-wait-bye', service: '9001', caller });
      assertCallsSucceeded(r);
      expect(r.events.PBX_BYE, 'Asterisk hung up after the prompt').to.equal(1);
      const row = await record(caller);
      expect(row.outcome).to.equal('completed');
      expect(row.handled_by).to.equal('dialplan');
      expect(row.flow).to.equal('announcement');
      expect(row.flow_version_id).to.be.a('string');
      expect(row.answered_at).to.not.equal(null);
      expect(steps(row)).to.deep.equal(['announce']);
      expect(enteredStasis(caller), 'the call never entered the Stasis app').to.equal(false);
      // What paces admission is Asterisk's own delay from admitting the call to the flow's first
      // step (both times on its clock), not when Hotline read the event: read 5 s late (a stalled
      // Hotline), it is still the few ms the Answer took.
      const started = ami.events.find((e) => fieldOf(e, 'UserEvent') === 'HotlineFlow' && fieldOf(e, 'CallerIDNum') === caller);
      expect(started, 'the flow\'s first event').to.not.equal(undefined);
      expect(toDialplanCallEvent(started!, new Date(Date.now() + 5000))).to.have.property('admissionDelayMs').that.is.within(0, 1000);
      // The call's page shows its timeline like any other call's.
      const call = await api(hotline.url, 'GET', `/api/calls/${row.id}`);
      expect((call.body.events as Array<{ type: string }>).map((e) => e.type)).to.deep.equal(['entered', 'answered', 'step', 'ended']);
    });

    it('a new two-node flow mapped to a number: compiled at once; a caller who stays hears both nodes, one who hangs up mid-prompt is recorded as such', async () => {
      await publishFlow(hotline.url, 'notice', notice, ['9201']);
      await waitUntil('9201 in the dialplan', () => isCompiled('9201'), 10_000);
      expect(compiled('9201')).to.include('Playback(hello-world)').and.to.include('Playback(beep)');
      const listed = (await api(hotline.url, 'GET', '/api/ivr/numbers')).body.items as Array<{ number: string; flow: string; runBy: string }>;
      expect(listed.filter((n) => ['9001', '9201'].includes(n.number))).to.deep.equal([
        { number: '9001', flow: 'announcement', runBy: 'dialplan' },
        { number: '9201', flow: 'notice', runBy: 'dialplan' },
      ]);
      // The reload that made it effective left Hotline's admission limits in place.
      await waitUntil('Hotline\'s admission limits after the dialplan reload', () => /HOTLINE_MAX_RATE=150\b/.test(cli('dialplan show globals')) && /HOTLINE_MAX_IN_APP=400\b/.test(cli('dialplan show globals')), 5_000);

      const stays = nextCaller();
      const leaves = nextCaller();
      const [rs, rl] = await Promise.all([
        runSipp({ scenario: 'uac-wait-bye', service: '9201', caller: stays }),
        runSipp({ scenario: 'uac-hangup', service: '9201', caller: leaves, hangupAfterMs: 700 }),
      ]);
      assertCallsSucceeded(rs);
      assertCallsSucceeded(rl);
      const full = await record(stays);
      expect(full.outcome).to.equal('completed');
      expect(steps(full)).to.deep.equal(['intro', 'end']);
      expect(Number(full.duration_ms), 'hello-world and the beep were played').to.be.greaterThan(1000);
      const cut = await record(leaves);
      expect(cut.outcome).to.equal('caller_hangup');
      expect(steps(cut)).to.deep.equal(['intro']);
      expect(cut.hangup_cause).to.be.a('string').and.not.equal('');
      expect(enteredStasis(stays) || enteredStasis(leaves)).to.equal(false);
    });

    it('publishing a menu for that number takes it back into the app at once; unmapping a compiled number removes it from the dialplan', async () => {
      await publishFlow(hotline.url, 'notice', noticeMenu);
      await waitUntil('9201 out of the compiled dialplan', () => !isCompiled('9201'), 10_000);
      expect(((await api(hotline.url, 'GET', '/api/ivr/numbers')).body.items as Array<{ number: string; runBy: string }>).find((n) => n.number === '9201')?.runBy).to.equal('app');
      const caller = nextCaller();
      assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '9201', caller }));
      const row = await record(caller);
      expect(row.handled_by, 'run by a Hotline node in the Stasis app').to.not.equal('dialplan');
      expect(enteredStasis(caller), 'Asterisk\'s events show this call in the Stasis app').to.equal(true);
      expect(row.outcome).to.equal('completed');
      expect(steps(row)).to.deep.equal(['m', 'end']);

      await publishFlow(hotline.url, 'announce2', notice, ['9202']);
      await waitUntil('9202 in the dialplan', () => isCompiled('9202'), 10_000);
      expect((await api(hotline.url, 'DELETE', '/api/ivr/numbers/9202')).status).to.equal(204);
      await waitUntil('9202 out of the dialplan', () => !isCompiled('9202'), 10_000);
      // No error in Hotline's log from any of it.
      const problems = hotline.logLines().filter((l) => l.level >= 50);
      expect(problems, JSON.stringify(problems)).to.deep.equal([]);
    });

    it('a dialplan reload Hotline did not make (an operator\'s) puts the file\'s admission limits back: Hotline sets its own again', async () => {
      const ours = () => {
        const globals = cli('dialplan show globals');
        return /HOTLINE_MAX_RATE=150\b/.test(globals) && /HOTLINE_MAX_IN_APP=400\b/.test(globals);
      };
      const resetSeen = (l: { msg?: string }) => /admission limits were not Hotline's/.test(l.msg ?? '');
      await waitUntil('Hotline\'s admission limits in Asterisk', ours, 5_000);
      // A module reload raises AMI's Reload event: the limits are set again at once, not by the read-back.
      cli('module reload pbx_config.so');
      await waitUntil('Hotline\'s limits after `module reload pbx_config.so`', ours, 3_000);
      expect(hotline.logLines().filter(resetSeen), 'set again on the Reload event, before any read-back').to.deep.equal([]);
      // `dialplan reload` raises no event: the active node's read-back (every 10 s) finds the file's values and sets its own.
      cli('dialplan reload');
      await hotline.waitForLog('the read-back finding the reset limits', resetSeen, { timeoutMs: 15_000 });
      await waitUntil('Hotline\'s limits after `dialplan reload`', ours, 5_000);
    });
  });
}
