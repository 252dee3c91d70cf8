// The harness never runs two Asterisks on one configuration (issue 12, item 1). A full run once
// ended with 18 failures from one cause: a restart saw no pid file yet (Asterisk writes it late
// under load), "started it again", and two Asterisks split ARI/AMI and SIP between them.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ensurePbx, pbxCheck, PBX_DIR, pbxPids, realtimePossible, ROOT, SCHED_RR, threadScheduling, waitUntil } from '../support/pbx.js';

const PIDFILE = `${PBX_DIR}/run/asterisk/asterisk.pid`;
const CTL = `${PBX_DIR}/run/asterisk/asterisk.ctl`;

function runScript(name: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [`${ROOT}/scripts/${name}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('Asterisk harness: exactly one Asterisk, checked before call tests', function () {
  this.timeout(240_000);

  before(() => ensurePbx());
  // Whatever happens here, the next file gets one healthy Asterisk.
  after(() => {
    rmSync(`${CTL}.hidden`, { force: true });
    ensurePbx();
  });

  it('pbx-up does not start a second Asterisk while the pid file is missing (a booting Asterisk writes it late)', async () => {
    const [pid] = pbxPids();
    expect(pid, 'an Asterisk before the test').to.be.a('number');
    rmSync(PIDFILE, { force: true });
    const run = await runScript('pbx-up.sh');
    expect(run.code, run.out).to.equal(0);
    expect(pbxPids(), run.out).to.deep.equal([pid]);
    expect(pbxCheck().ok).to.equal(true);
  });

  it('two pbx-up started together while Asterisk is stopped start one Asterisk, and both succeed', async () => {
    const down = await runScript('pbx-down.sh');
    expect(down.code, down.out).to.equal(0);
    expect(pbxPids(), 'stopped').to.deep.equal([]);
    const [a, b] = await Promise.all([runScript('pbx-up.sh'), runScript('pbx-up.sh')]);
    expect(a.code, a.out).to.equal(0);
    expect(b.code, b.out).to.equal(0);
    expect(pbxPids(), `${a.out}\n${b.out}`).to.have.length(1);
    expect(pbxCheck().ok).to.equal(true);
  });

  it('two Asterisks on one configuration (as the old harness left them) are named by pbx-check and replaced by one healthy Asterisk', async () => {
    ensurePbx();
    const [first] = pbxPids();
    // What the old harness did: start Asterisk again while the first was still booting. A booting
    // Asterisk has no control socket yet, so the second does not see it: hide the socket to get there.
    renameSync(CTL, `${CTL}.hidden`);
    spawn('setsid', ['nohup', 'chroot', PBX_DIR, '/usr/sbin/asterisk', '-U', 'asterisk', '-G', 'asterisk', '-f'], { stdio: 'ignore', detached: true }).unref();
    await waitUntil('a second Asterisk process with its own control socket', () => pbxPids().length === 2 && existsSync(CTL), 20_000, 50);
    const both = pbxPids();
    expect(both).to.include(first);
    const check = pbxCheck();
    expect(check.ok).to.equal(false);
    expect(check.report).to.match(/2 Asterisk processes run on the same configuration/);
    expect(check.report).to.include(String(both[0])).and.include(String(both[1]));

    ensurePbx();
    const pids = pbxPids();
    expect(pids).to.have.length(1);
    expect(both).to.not.include(pids[0]);
    const after = pbxCheck();
    expect(after.ok, after.report).to.equal(true);
    expect(after.report).to.include(`pid ${pids[0]}`);
  });

  // Issue 12, item 6: the ACD's noAgents prompt (vm-nobodyavail, 2.8 s) "never reported its end" in
  // loaded full runs. Asterisk did send PlaybackFinished — when the prompt ended, 5 to 23 s later:
  // it paces a prompt by a 20 ms timer, one frame per wake-up, dropping the ticks it woke up late
  // for, and at normal priority its threads waited seconds for a CPU. At SCHED_RR (Debian's
  // asterisk.service runs it with -p) the same prompt kept 2.80 s under the same load.
  // A machine that refuses realtime priority to root (a container without CAP_SYS_NICE) runs
  // Asterisk at normal priority: pbx-check warns and the two tests below say why they do not run.
  const realtime = realtimePossible();
  it('Asterisk runs every thread at realtime priority (asterisk.conf highpriority), so a busy box does not stretch its prompts', function () {
    if (!realtime) this.skip(); // this machine refuses realtime priority (chrt -r 1 true fails)
    ensurePbx();
    const [pid] = pbxPids();
    const policies = threadScheduling(pid!).map((t) => t.policy);
    expect(policies.length).to.be.greaterThan(10);
    expect(policies.filter((p) => p !== SCHED_RR), `threads of Asterisk ${pid} not at SCHED_RR`).to.deep.equal([]);
  });

  it('an Asterisk at normal priority (started without highpriority) is named by pbx-check and replaced by pbx-up', function () {
    if (!realtime) this.skip(); // this machine refuses realtime priority (chrt -r 1 true fails)
    ensurePbx();
    const [pid] = pbxPids();
    // What an Asterisk started by an older config looks like: every thread at SCHED_OTHER.
    execFileSync('chrt', ['-a', '-o', '-p', '0', String(pid)]);
    const check = pbxCheck();
    expect(check.ok).to.equal(false);
    expect(check.report).to.match(new RegExp(`Asterisk ${pid} runs at normal CPU priority`));
    ensurePbx();
    const [now] = pbxPids();
    expect(now).to.not.equal(pid);
    const after = pbxCheck();
    expect(after.ok, after.report).to.equal(true);
  });

  it('an Asterisk that dies during a test is named once (with its last words) and started again before the next test', function () {
    // A crash mid-file used to fail every later case of that file too (seen: ha.test.ts, 3 of 3).
    const res = spawnSync(process.execPath, [join(ROOT, 'node_modules/mocha/bin/mocha.js'), 'test/fixtures/pbx-watch/asterisk-dies.fixture.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 200_000, env: process.env });
    const out = `${res.stdout}\n${res.stderr}`;
    expect(res.status, out).to.equal(0); // both cases pass: the second found Asterisk started again
    expect(out).to.match(/Asterisk \(pid \d+, [^)]+\) died during "fixture: Asterisk dies during a test first case: Asterisk is killed under it"; starting it again for the next test/);
    expect(out.match(/died during/g), 'said once').to.have.length(1);
    expect(out).to.include("Asterisk's log");
    expect(pbxCheck().ok).to.equal(true);
  });

  it('pbx-check says plainly when no Asterisk runs', async () => {
    const down = await runScript('pbx-down.sh');
    expect(down.code, down.out).to.equal(0);
    const check = pbxCheck();
    expect(check.ok).to.equal(false);
    expect(check.report).to.match(/no Asterisk runs/);
    ensurePbx();
    expect(existsSync(PIDFILE)).to.equal(true);
    expect(pbxCheck().ok).to.equal(true);
  });
});
