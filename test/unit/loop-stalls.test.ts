// The event-loop stall warning (app/loop-stalls.ts), on the real event loop: a synchronous
// task that holds it is reported once with its length; a loop that keeps turning says nothing.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { watchLoopStalls } from '../../app/loop-stalls.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function hold(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the loop stands still */ }
}

describe('event loop stall warning', () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  beforeEach(() => (lines.length = 0));

  it('a 400 ms synchronous task is reported with its length, two of them in one report', async () => {
    const stop = watchLoopStalls(log, 200, 20, 1000);
    try {
      await sleep(60);
      hold(400);
      await sleep(60);
      expect(lines).to.have.length(1);
      expect(lines[0]!.msg).to.match(/event loop stalled/);
      expect(lines[0]!.longestMs).to.be.within(300, 800);
      hold(300); // within the report interval: counted, reported later
      await sleep(60);
      expect(lines).to.have.length(1);
      await sleep(1100);
      expect(lines).to.have.length(2);
      expect(lines[1]).to.include({ stalls: 1 });
    } finally {
      stop();
    }
  });

  it('a loop that keeps turning logs nothing', async () => {
    const stop = watchLoopStalls(log, 200, 20, 1000);
    await sleep(300);
    stop();
    expect(lines).to.deep.equal([]);
  });
});
