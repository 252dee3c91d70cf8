// The prompt library with the real tools: espeak-ng speaks, sox converts, soxi checks what
// landed on disk; rows go to a real SQLite database through the migrations; requests go
// through the real router and the project's error handler. Needs: espeak-ng sox libsox-fmt-mp3.
import { adminRoutes } from '../support/auth.js';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../app/db/data-source.js';
import { serveApi, type Served } from '../support/serve.js';
import { createLogger } from '../../app/logger.js';
import { createPromptsModule } from '../../app/prompts/index.js';
import type { PromptsService } from '../../app/prompts/prompts.service.js';

const MAX_BYTES = 1024 * 1024;
const MAX_SECONDS = 20;

function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What soxi says about a stored file. */
function soxi(file: string) {
  return {
    rate: Number(tool('soxi', ['-r', file])),
    channels: Number(tool('soxi', ['-c', file])),
    bits: Number(tool('soxi', ['-b', file])),
    encoding: tool('soxi', ['-e', file]).trim(),
    seconds: Number(tool('soxi', ['-D', file])),
  };
}

describe('prompts: upload and text-to-speech with espeak-ng and sox', function () {
  this.timeout(120_000);
  let root: string;
  let dir: string;
  let ds: DataSource;
  let service: PromptsService;
  let served: Served | undefined;
  let base: string;

  before('espeak-ng, sox and soxi are installed (apt-get install espeak-ng sox libsox-fmt-mp3)', () => {
    for (const [cmd, args] of [['espeak-ng', ['--version']], ['sox', ['--version']], ['soxi', ['-V0']]] as const) {
      try {
        execFileSync(cmd, [...args], { stdio: 'ignore' });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed: apt-get install -y espeak-ng sox libsox-fmt-mp3`);
        if (cmd !== 'soxi') throw err; // soxi without a file exits 1 but exists
      }
    }
    expect(tool('sox', ['-h']), 'sox reads MP3 (libsox-fmt-mp3)').to.match(/AUDIO FILE FORMATS:.* mp3 /);
    expect(tool('espeak-ng', ['--voices=cmn']), 'espeak-ng has a Mandarin voice').to.contain('cmn');
  });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
    dir = join(root, 'prompts');
    ds = createDataSource({ type: 'sqlite', path: join(root, 'hotline.sqlite') });
    await ds.initialize();
    await ds.runMigrations();
    const log = createLogger({ level: 'silent', secrets: [] });
    const mod = createPromptsModule({ db: ds, dir, soundPrefix: 'hotline', maxUploadBytes: MAX_BYTES, maxSeconds: MAX_SECONDS, log, routes: adminRoutes() });
    service = mod.service;
    served = await serveApi(log, mod.router);
    base = served.base;
  });

  after(async () => {
    await served?.close();
    if (ds?.isInitialized) await ds.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const rows = () => ds.query<Array<{ name: string; id: string; sha256: string }>>('SELECT name, id, sha256 FROM prompts ORDER BY name');
  /** Everything in the prompt directory, including work directories that should be gone. */
  const entries = () => (existsSync(dir) ? readdirSync(dir).sort() : []);
  const put = (name: string, body: Uint8Array, query = '?language=en') =>
    fetch(`${base}/prompts/${name}${query}`, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } });
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  /** A file made with sox in the test's scratch directory. */
  const made = (file: string, input: string[], effects: string) => {
    const path = join(root, file);
    tool('sox', [...input, path, ...effects.split(' ')]);
    return path;
  };

  function expectPlayable(name: string, minSeconds = 0.3) {
    const file = join(dir, `${name}.wav`);
    const info = soxi(file);
    expect(info).to.include({ rate: 8000, channels: 1, bits: 16, encoding: 'Signed Integer PCM' });
    expect(info.seconds).to.be.greaterThan(minSeconds);
    const header = readFileSync(file).subarray(0, 22);
    expect(header.toString('latin1', 0, 4) + header.toString('latin1', 8, 12)).to.equal('RIFFWAVE');
    expect(header.readUInt16LE(20), 'WAVE_FORMAT_PCM, what Asterisk reads as slin').to.equal(1);
    return { file, info };
  }

  it('speaks English text into a stored 8 kHz mono wav with a row', async () => {
    const res = await post('/prompts/welcome-en/tts', { text: 'Welcome to Hotline. Please hold.', language: 'en' });
    expect(res.status).to.equal(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).to.include({ name: 'welcome-en', language: 'en', source: 'tts', outcome: 'created', sound: 'hotline/welcome-en' });
    const { file, info } = expectPlayable('welcome-en');
    expect(body.durationMs).to.be.closeTo(info.seconds * 1000, 2);
    expect(body.sizeBytes).to.equal(statSync(file).size);
    expect(body.sha256).to.equal(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(service.soundFor('welcome-en')).to.equal('hotline/welcome-en');
    expect(await service.exists('welcome-en')).to.equal(true);
  });

  it('speaks Mandarin (您好，欢迎致电) under an automatic name, and reuses it for the same text', async () => {
    const text = '您好，欢迎致电';
    const name = `tts-${createHash('sha1').update(`zh${text}`).digest('hex').slice(0, 12)}`;
    const first = await post('/prompts/tts', { text, language: 'zh' });
    expect(first.status).to.equal(201);
    const created = (await first.json()) as Record<string, unknown>;
    expect(created).to.include({ name, language: 'zh', text, outcome: 'created' });
    const { file } = expectPlayable(name);
    const mtime = statSync(file).mtimeMs;

    const again = await post('/prompts/tts', { text, language: 'zh' });
    expect(again.status).to.equal(200);
    expect(await again.json()).to.include({ name, id: created.id, sha256: created.sha256, outcome: 'reused' });
    expect(statSync(file).mtimeMs, 'not synthesized again').to.equal(mtime);
    expect((await rows()).filter((r) => r.name === name)).to.have.length(1);
    const stored = await ds.query<Array<{ text: string }>>('SELECT text FROM prompts WHERE name = ?', [name]);
    expect(stored[0]?.text).to.equal(text);
  });

  it('converts an uploaded 44.1 kHz stereo wav to 8 kHz mono; a second upload replaces it atomically', async () => {
    const stereo = made('stereo.wav', ['-n', '-r', '44100', '-c', '2', '-b', '16'], 'synth 1.5 sine 440');
    expect(soxi(stereo)).to.include({ rate: 44100, channels: 2 });
    const res = await put('menu-main', readFileSync(stereo));
    expect(res.status).to.equal(201);
    const first = (await res.json()) as Record<string, unknown>;
    expect(first).to.include({ source: 'upload', text: null, outcome: 'created' });
    const { info } = expectPlayable('menu-main');
    expect(info.seconds).to.be.closeTo(1.5, 0.01);

    const mp3 = made('replacement.mp3', ['-n', '-r', '44100', '-c', '1'], 'synth 2.5 sine 660');
    const replaced = await put('menu-main', readFileSync(mp3), '?language=zh');
    expect(replaced.status).to.equal(200);
    const second = (await replaced.json()) as Record<string, unknown>;
    expect(second).to.include({ id: first.id, language: 'zh', outcome: 'replaced', createdAt: first.createdAt });
    expect(second.sha256).to.not.equal(first.sha256);
    expect(expectPlayable('menu-main').info.seconds).to.be.closeTo(2.5, 0.1);
    expect((await rows()).filter((r) => r.name === 'menu-main')).to.deep.equal([{ name: 'menu-main', id: first.id, sha256: second.sha256 }]);
    expect(entries().filter((e) => e.startsWith('.')), 'no work directory left').to.deep.equal([]);
  });

  it('lists prompts, returns metadata and the wav, and deletes file and row', async () => {
    const list = (await (await fetch(`${base}/prompts`)).json()) as { items: Array<{ name: string }>; total: number };
    expect(list.items.map((p) => p.name)).to.include.members(['menu-main', 'welcome-en']);
    const meta = await fetch(`${base}/prompts/welcome-en`);
    expect(meta.status).to.equal(200);
    const audio = await fetch(`${base}/prompts/welcome-en/audio`);
    expect(audio.status).to.equal(200);
    expect(audio.headers.get('content-type')).to.match(/^audio\/(x-)?wav/);
    expect(Buffer.from(await audio.arrayBuffer()).equals(readFileSync(join(dir, 'welcome-en.wav')))).to.equal(true);

    expect((await fetch(`${base}/prompts/welcome-en`, { method: 'DELETE' })).status).to.equal(204);
    expect(existsSync(join(dir, 'welcome-en.wav'))).to.equal(false);
    expect((await rows()).map((r) => r.name)).to.not.include('welcome-en');
    expect(await service.exists('welcome-en')).to.equal(false);
    const gone = await fetch(`${base}/prompts/welcome-en`);
    expect(gone.status).to.equal(404);
    expect(await gone.json()).to.have.nested.property('error.code', 'not_found');
    expect((await fetch(`${base}/prompts/welcome-en`, { method: 'DELETE' })).status).to.equal(404);
  });

  describe('bad uploads get a 4xx and store nothing', () => {
    let before: { rows: unknown; entries: string[]; menu: Buffer };
    beforeEach(async () => {
      before = { rows: await rows(), entries: entries(), menu: readFileSync(join(dir, 'menu-main.wav')) };
    });
    afterEach(async () => {
      expect(await rows(), 'no row added or changed').to.deep.equal(before.rows);
      expect(entries(), 'no file and no work directory left').to.deep.equal(before.entries);
      expect(readFileSync(join(dir, 'menu-main.wav')).equals(before.menu), 'the existing prompt is untouched').to.equal(true);
    });

    async function expectRejected(res: Response, status: number, code: string) {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, body.error.message).to.equal(status);
      expect(body.error.code).to.equal(code);
      expect(body.error.message).to.be.a('string').and.not.empty;
      return body.error.message;
    }

    it('a text file: 400 not_audio', async () => {
      await expectRejected(await put('notes', Buffer.from('Press 1 for sales, 2 for support.\n')), 400, 'not_audio');
    });

    it('a zip renamed .wav: 400 not_audio (also over an existing prompt)', async () => {
      const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]);
      await expectRejected(await put('fake-wav', zip), 400, 'not_audio');
      await expectRejected(await put('menu-main', zip), 400, 'not_audio');
    });

    it('a truncated wav (header only): 400 corrupt_audio', async () => {
      const wav = readFileSync(made('full.wav', ['-n', '-r', '8000', '-c', '1'], 'synth 2 sine 300'));
      await expectRejected(await put('truncated', wav.subarray(0, 44)), 400, 'corrupt_audio');
      await expectRejected(await put('menu-main', wav.subarray(0, wav.length / 2)), 400, 'corrupt_audio');
    });

    it('an Ogg Opus file: 400 unsupported_format', async () => {
      const opus = Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(22), Buffer.from([1, 19]), Buffer.from('OpusHead'), Buffer.alloc(40)]);
      await expectRejected(await put('opus', opus), 400, 'unsupported_format');
    });

    it(`audio longer than maxSeconds (${MAX_SECONDS} s): 422 too_long, as wav and as mp3`, async () => {
      const wav = made('long.wav', ['-n', '-r', '8000', '-c', '1'], `trim 0 ${MAX_SECONDS + 1}`);
      expect(soxi(wav).seconds).to.equal(MAX_SECONDS + 1);
      const message = await expectRejected(await put('long', readFileSync(wav)), 422, 'too_long');
      expect(message).to.contain(`${MAX_SECONDS} s`);
      const mp3 = made('long.mp3', ['-n', '-r', '22050', '-c', '1'], `synth ${MAX_SECONDS + 5} sine 500`);
      await expectRejected(await put('long', readFileSync(mp3)), 422, 'too_long');
    });

    it('a body over maxUploadBytes: 413 too_large with the limit in the message', async () => {
      const message = await expectRejected(await put('huge', Buffer.alloc(MAX_BYTES + 1, 1)), 413, 'too_large');
      expect(message).to.contain('1 MB');
    });

    it('names with ../ or dots, and a bad or missing language: 400 before any work', async () => {
      const wav = readFileSync(join(root, 'stereo.wav'));
      for (const name of ['..%2F..%2Fevil', '..%2Fmenu-main', '%2E%2E%2Fetc%2Fpasswd', 'a.wav', 'x'.repeat(65), 'sp%20ace']) {
        await expectRejected(await put(name, wav), 400, 'validation_failed');
      }
      await expectRejected(await put('ok-name', wav, '?language=fr'), 400, 'validation_failed');
      await expectRejected(await put('ok-name', wav, ''), 400, 'validation_failed');
      expect(existsSync(join(root, 'evil.wav'))).to.equal(false);
      expect(() => service.audioPath('../evil')).to.throw(/invalid prompt name/);
      expect(() => service.soundFor('../evil')).to.throw(/invalid prompt name/);
      expect(await service.exists('../menu-main')).to.equal(false);
    });

    it('bad TTS bodies: empty or too long text, unknown language, bad name: 400', async () => {
      await expectRejected(await post('/prompts/tts', { text: '   ', language: 'en' }), 400, 'validation_failed');
      await expectRejected(await post('/prompts/tts', { text: 'x'.repeat(1001), language: 'en' }), 400, 'validation_failed');
      await expectRejected(await post('/prompts/tts', { text: 'bonjour', language: 'fr' }), 400, 'validation_failed');
      await expectRejected(await post('/prompts/tts', { text: 'hi\u0000there', language: 'en' }), 400, 'validation_failed');
      await expectRejected(await post('/prompts/..%2Fx/tts', { text: 'hello', language: 'en' }), 400, 'validation_failed');
    });
  });

  it('a text starting with "-" is spoken, not taken as an espeak-ng option', async () => {
    const res = await post('/prompts/dash/tts', { text: '-w /tmp/hotline-pwned.wav hello', language: 'en' });
    expect(res.status).to.equal(201);
    expect(existsSync('/tmp/hotline-pwned.wav')).to.equal(false);
    expectPlayable('dash');
  });

  describe('afterwards', () => {
    it('the prompt directory holds only <name>.wav files, one per row', async () => {
      expect(entries().filter((e) => !/^[A-Za-z0-9_-]+\.wav$/.test(e))).to.deep.equal([]);
      expect(entries()).to.deep.equal((await rows()).map((r) => `${r.name}.wav`).sort());
    });
  });
});
