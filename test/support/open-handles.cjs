// Mocha runs without --exit, so a socket, server, timer or child process a test leaves open
// keeps the run from ending. Rather than hang (or hide it with --exit), the run ends 15 s after
// the last test with status 1 and a list of what was still open: close it in the test's after hooks.
const GRACE_MS = 15_000;

function describe(h) {
  const name = h?.constructor?.name ?? typeof h;
  if (name === 'Socket') return `Socket ${h.localAddress ?? ''}:${h.localPort ?? ''} -> ${h.remoteAddress ?? '(not connected)'}:${h.remotePort ?? ''}`;
  if (name === 'Server') return `Server listening on ${JSON.stringify(h.address?.())}`;
  if (name === 'Timeout') return `Timeout every/after ${h._idleTimeout} ms: ${String(h._onTimeout).slice(0, 160).replace(/\s+/g, ' ')}`;
  if (name === 'ChildProcess') return `ChildProcess pid ${h.pid}: ${(h.spawnargs ?? []).join(' ').slice(0, 160)}`;
  return name;
}

exports.mochaHooks = {
  afterAll() {
    setTimeout(() => {
      const std = new Set([process.stdin, process.stdout, process.stderr]);
      const handles = process._getActiveHandles().filter((h) => !std.has(h));
      process.stderr.write(
        `\nStill open ${GRACE_MS / 1000} s after the last test (the run would hang; close these in after hooks):\n` +
          `${handles.map((h) => `  ${describe(h)}`).join('\n') || '  (no handles; other resources: ' + JSON.stringify(process.getActiveResourcesInfo()) + ')'}\n`,
      );
      // Mocha (without --exit) sets the exit code from its failures in an 'exit' listener; this
      // one, added later, runs after it.
      process.on('exit', () => (process.exitCode = 1));
      process.exit(1);
    }, GRACE_MS).unref();
  },
};
