// Mocha's spec output, then one last line from mocha's own stats: "N passed, N failed".
const Mocha = require('mocha');

class HotlineReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed\n`);
    });
  }
}

module.exports = HotlineReporter;
