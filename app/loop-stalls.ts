// Says when the event loop stood still: every call this node drives waits meanwhile, and
// timeouts measured across the stall fire although the other side answered. A starved CPU
// (a busy box) or a long synchronous task shows here first; logged at most every 10 s, with
// the longest stall and how many there were.
import type { Logger } from './logger.js';

export function watchLoopStalls(log: Logger, thresholdMs = 1000, everyMs = 100, reportEveryMs = 10_000): () => void {
  let last = performance.now();
  let worst = 0;
  let count = 0;
  let reportedAt = -Infinity;
  const timer = setInterval(() => {
    const now = performance.now();
    const stall = now - last - everyMs;
    last = now;
    if (stall >= thresholdMs) {
      worst = Math.max(worst, stall);
      count++;
    }
    if (!count || now - reportedAt < reportEveryMs) return;
    log.warn({ longestMs: Math.round(worst), stalls: count }, 'event loop stalled (a starved CPU or a long synchronous task): calls and timeouts waited');
    [worst, count, reportedAt] = [0, 0, now];
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
