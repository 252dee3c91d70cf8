// Mocha's spec output, then the slowest test files (wall time from a file's first hook or test to
// its last, so the suite's 60-minute budget can be kept), then one last line from mocha's own
// stats: "N passed, N failed".
const Mocha = require('mocha');
const path = require('node:path');

const SHOWN = 25;

class HotlineReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const files = new Map(); // file → { first, last }
    const started = Date.now();
    const seen = (runnable) => {
      const file = runnable && runnable.file;
      if (!file) return;
      const now = Date.now();
      const f = files.get(file);
      if (f) f.last = now;
      else files.set(file, { first: now, last: now });
    };
    runner.on('suite', (suite) => seen(suite));
    runner.on('suite end', (suite) => seen(suite));
    runner.on('hook end', (hook) => seen(hook));
    runner.on('test end', (test) => seen(test));
    runner.once('end', () => {
      const s = runner.stats;
      const rows = [...files].map(([file, t]) => [path.relative(process.cwd(), file), (t.last - t.first) / 1000]);
      rows.sort((a, b) => b[1] - a[1]);
      const total = (Date.now() - started) / 1000;
      process.stdout.write(`\nslowest files (of ${rows.length}; whole run ${total.toFixed(0)} s):\n`);
      for (const [file, secs] of rows.slice(0, SHOWN)) process.stdout.write(`  ${secs.toFixed(1).padStart(7)} s  ${file}\n`);
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed\n`);
    });
  }
}

module.exports = HotlineReporter;
