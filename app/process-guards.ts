// What the process does with an error nobody handled.
//
// - unhandledRejection: a promise failed and nobody awaited it. Node 20 would end the process
//   (and every call it drives) for it. The failure is logged at error with whatever ids the
//   error carries (callId, channelId) and Hotline keeps serving: such a promise belongs to one
//   piece of work (one call, one request), and the rest of the process is in a known state.
// - uncaughtException: a synchronous throw unwound to the event loop, out of code that may have
//   been half-way through changing shared state; Node documents that resuming after it is not
//   safe. It is logged at fatal (with its stack) and the process exits with status 1 at once,
//   without the graceful drain (which would run on that unknown state). Nothing is lost by it:
//   calls stay in Asterisk's Stasis app, and the restarted Hotline (systemd Restart=always) or
//   the hot standby recovers them from their persisted step, as after a kill -9.
import type { Logger } from './logger.js';

interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
}

/** The ids an error carries (ChannelGoneError has channelId; others may add callId). */
function idsOf(err: unknown): Record<string, unknown> {
  if (!err || typeof err !== 'object') return {};
  const ids: Record<string, unknown> = {};
  for (const k of ['callId', 'channelId'] as const) if (k in err) ids[k] = (err as Record<string, unknown>)[k];
  return ids;
}

const describe = (err: unknown) => (err instanceof Error ? { err: err.message, stack: err.stack } : { err: String(err) });

export function installProcessGuards(proc: ProcessLike, log: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  proc.on('unhandledRejection', (reason) => {
    log.error({ ...idsOf(reason), ...describe(reason) }, 'unhandled promise rejection; Hotline keeps serving');
  });
  proc.on('uncaughtException', (err) => {
    log.fatal({ ...idsOf(err), ...describe(err) }, 'uncaught exception; exiting (calls stay in Asterisk and are recovered on restart)');
    let exited = false;
    const once = () => {
      clearTimeout(timer);
      if (exited) return;
      exited = true;
      exit(1);
    };
    const timer = setTimeout(once, 1000); // a log stream that never flushes does not keep it alive
    try {
      log.flush(() => once());
    } catch {
      once(); // a logger that cannot flush must not keep a broken process alive
    }
  });
}
