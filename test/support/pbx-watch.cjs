// Between tests: did the shared Asterisk die? ensurePbx() (test/support/pbx.ts) hands over the pid
// it found fit. When that process is gone and no other main Asterisk runs (a crash; a test that
// restarts Asterisk itself leaves a new one running), the watch says so once — on stderr and in
// the failed test's message — with the kernel's last line about Asterisk and the tail of its log,
// and starts Asterisk again (pbx-up), so the file's next cases do not fail for the same cause.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');

function lastWords(w) {
  let kernel = '';
  try {
    kernel = execFileSync('dmesg', [], { encoding: 'utf8', timeout: 5000 }).split('\n').filter((l) => /asterisk/i.test(l)).slice(-2).join('\n');
  } catch {
    kernel = '(dmesg not readable)';
  }
  let log = '';
  try {
    log = readFileSync(w.log, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
  } catch {
    log = `(no log at ${w.log})`;
  }
  return `kernel: ${kernel || '(nothing about asterisk)'}\nAsterisk's log (${w.log}), last lines:\n${log}`;
}

function dead(pid) {
  if (!pid) return false;
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

function check(where, test) {
  const w = globalThis.__hotlinePbxWatch;
  if (!w || !dead(w.pid)) return;
  const now = w.now();
  if (now) {
    w.pid = now; // restarted on purpose by a test (pbx-up/pbx-down): not a crash
    return;
  }
  const words = lastWords(w);
  const msg = `Asterisk (pid ${w.pid}, ${w.dir}) died ${where}; starting it again for the next test.\n${words}`;
  process.stderr.write(`\n${msg}\n`);
  if (test && test.state === 'failed' && test.err && typeof test.err.message === 'string') test.err.message += `\n[pbx-watch] ${msg}`;
  w.pid = undefined;
  try {
    w.repair();
  } catch (err) {
    process.stderr.write(`pbx-watch: Asterisk could not be started again: ${err.message}\n`);
  }
}

// Starting Asterisk again (pbx-up) can take longer than a test's own timeout on a busy box.
const REPAIR_MS = 300_000;

exports.mochaHooks = {
  beforeEach() {
    this.timeout(REPAIR_MS);
    check(`before "${this.currentTest?.fullTitle()}"`);
  },
  afterEach() {
    this.timeout(REPAIR_MS);
    check(`during "${this.currentTest?.fullTitle()}"`, this.currentTest);
  },
};
