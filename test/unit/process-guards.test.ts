// The process-level policy for errors nobody handled (app/process-guards.ts), on a stand-in
// process: a stray rejection is logged with the call's ids and the process keeps serving;
// an uncaught exception is logged at fatal and ends the process with status 1.
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { installProcessGuards } from '../../app/process-guards.js';
import { ChannelGoneError } from '../../app/pbx/ports.js';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  const proc = new EventEmitter();
  const exits: number[] = [];
  installProcessGuards(proc as never, log, (code) => exits.push(code));
  return { proc, lines, exits };
}

describe('process guards', () => {
  it('an unhandled rejection is logged at error with the call id it carries, and nothing exits', () => {
    const { proc, lines, exits } = setup();
    const err = Object.assign(new Error('database is locked'), { callId: 'call-42' });
    proc.emit('unhandledRejection', err);
    proc.emit('unhandledRejection', new ChannelGoneError('chan-9'));
    proc.emit('unhandledRejection', 'a bare string');
    expect(exits).to.deep.equal([]);
    expect(lines.map((l) => [l.level, l.msg, l.callId ?? l.channelId ?? null, l.err])).to.deep.equal([
      [50, 'unhandled promise rejection; Hotline keeps serving', 'call-42', 'database is locked'],
      [50, 'unhandled promise rejection; Hotline keeps serving', 'chan-9', 'channel chan-9 is gone'],
      [50, 'unhandled promise rejection; Hotline keeps serving', null, 'a bare string'],
    ]);
    expect(lines[0]!.stack).to.be.a('string').and.match(/database is locked/);
  });

  it('an uncaught exception is logged at fatal with its stack, then the process exits with status 1 (once)', async () => {
    const { proc, lines, exits } = setup();
    proc.emit('uncaughtException', new TypeError("Cannot read properties of undefined (reading 'id')"));
    const deadline = Date.now() + 2000;
    while (!exits.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(exits).to.deep.equal([1]);
    expect(lines[0]).to.include({ level: 60, err: "Cannot read properties of undefined (reading 'id')" });
  });
});
