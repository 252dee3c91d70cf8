// The two ways code continues past a failure (app/pbx/gone.ts, app/log-failure.ts): "channel
// gone" is the only one ignored (debug), everything else is logged with what failed; and a scan
// of app/ keeps silent swallows (`.catch(() => {})`, an empty `catch {}`) from coming back.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { logFailure, settled } from '../../app/log-failure.js';
import { ignoreChannelGone, isChannelGone } from '../../app/pbx/gone.js';
import { AriHttpError } from '../../app/pbx/ari/http.js';
import { ChannelGoneError, FencedError } from '../../app/pbx/ports.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  return { log, lines };
}

describe('ignoreChannelGone', () => {
  it('a hung-up channel (ChannelGoneError, ARI 404) is normal: debug only, and the code goes on', async () => {
    const { log, lines } = capture();
    await Promise.reject(new ChannelGoneError('chan-1')).catch(ignoreChannelGone(log, 'handing the call back', { callId: 'c1' }));
    await Promise.reject(new AriHttpError('GET', '/channels/x', 404, 'Channel not found')).catch(ignoreChannelGone(log, 'reading a channel'));
    expect(lines.map((l) => [l.level, l.msg, l.callId ?? null])).to.deep.equal([
      [20, 'handing the call back: channel already gone', 'c1'],
      [20, 'reading a channel: channel already gone', null],
    ]);
  });

  it('anything else (ARI 500, a timeout, a fenced node) is logged as a warning with what failed and the context', async () => {
    const { log, lines } = capture();
    const fallback = await Promise.reject(new AriHttpError('POST', '/channels/x/continue', 500, 'Internal Server Error'))
      .catch(ignoreChannelGone(log, 'handing the call back', { callId: 'c2' }, 'went on'));
    await Promise.reject(new Error('ARI POST /channels/x/continue timed out after 5000 ms')).catch(ignoreChannelGone(log, 'handing the call back'));
    await Promise.reject(new FencedError()).catch(ignoreChannelGone(log, 'hanging up'));
    expect(fallback).to.equal('went on');
    expect(lines.map((l) => [l.level, l.msg, l.err])).to.deep.equal([
      [40, 'handing the call back failed', 'ARI POST /channels/x/continue -> 500: Internal Server Error'],
      [40, 'handing the call back failed', 'ARI POST /channels/x/continue timed out after 5000 ms'],
      [40, 'hanging up failed', 'this node is not active: no commands to Asterisk'],
    ]);
    expect(lines[0]!.callId).to.equal('c2');
    expect(isChannelGone(new AriHttpError('POST', '/x', 409, 'not in Stasis'))).to.equal(false); // CallControl maps 409 to ChannelGoneError itself
  });
});

describe('logFailure and settled', () => {
  it('logs what failed at the chosen level with context, and resolves to the fallback', async () => {
    const { log, lines } = capture();
    const v = await Promise.reject(new Error('EACCES: permission denied')).catch(logFailure(log, 'removing a temp file', { context: { file: '/tmp/x' }, fallback: null }));
    await Promise.reject(new Error('socket closed')).catch(logFailure(log, 'ldap: unbind', { level: 'debug' }));
    expect(v).to.equal(null);
    expect(lines.map((l) => [l.level, l.msg, l.err, l.file ?? null])).to.deep.equal([
      [40, 'removing a temp file failed', 'EACCES: permission denied', '/tmp/x'],
      [20, 'ldap: unbind failed', 'socket closed', null],
    ]);
  });

  it('an expected failure (the ordinary "not there") is logged at debug only', async () => {
    const { log, lines } = capture();
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
    await Promise.reject(enoent).catch(logFailure(log, 'reading a report', { level: 'error', expected: missing }));
    await Promise.reject(new Error('EIO')).catch(logFailure(log, 'reading a report', { level: 'error', expected: missing }));
    expect(lines.map((l) => l.level)).to.deep.equal([20, 50]);
  });

  it('settled() resolves when the promise settles either way (ordering chains)', async () => {
    expect(await settled(Promise.reject(new Error('x')))).to.equal(undefined);
    expect(await settled(Promise.resolve(42))).to.equal(undefined);
  });
});

describe('no silent swallow in app/', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory() && d.name !== 'node_modules') walk(join(dir, d.name));
      else if (/\.(ts|vue)$/.test(d.name)) files.push(join(dir, d.name));
    }
  };
  walk(join(import.meta.dirname, '../../app'));

  it('no `.catch(() => {})`, `.catch(() => undefined)`, `.catch(() => null)` (use ignoreChannelGone or logFailure)', () => {
    const offenders: string[] = [];
    const silent = /\.catch\(\s*(?:\(\s*\w*\s*\)|\w+)\s*=>\s*(?:\{\s*\}|undefined|null|void 0|false|true|0|''|\[\])\s*\)/g;
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(silent)) offenders.push(`${f.split('/app/')[1]}: ${m[0]}`);
    }
    expect(offenders).to.deep.equal([]);
    expect(files.length).to.be.greaterThan(100); // the scan did see the app
  });

  it('no empty `catch {}` block: a catch that does nothing says why in a comment', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/catch\s*(?:\(\s*\w*\s*\))?\s*\{\s*\}/g)) offenders.push(`${f.split('/app/')[1]}: ${m[0]}`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('the scan finds the patterns it forbids', () => {
    const silent = /\.catch\(\s*(?:\(\s*\w*\s*\)|\w+)\s*=>\s*(?:\{\s*\}|undefined|null|void 0|false|true|0|''|\[\])\s*\)/;
    for (const s of ['p.catch(() => {})', 'p.catch(() => undefined)', 'p.catch((_e) => null)', 'p.catch(() => 0)', 'p.catch(e => false)']) expect(silent.test(s), s).to.equal(true);
    expect(silent.test('p.catch(logFailure(log, "x"))')).to.equal(false);
  });
});
