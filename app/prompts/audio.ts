// Audio for prompts: recognise a format by its magic bytes, probe it with soxi, convert it
// with sox to what Asterisk plays (8 kHz mono 16-bit PCM wav = slin), and speak text with
// espeak-ng. Tools run with execFile (an argument array, never a shell) and a timeout, on
// files in a work directory the caller owns; the caller moves the result into place.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PromptLanguage } from './prompts.entities.js';
import {
  AudioToolError,
  CorruptAudioError,
  NotAudioError,
  SynthesisFailedError,
  TooLongError,
  UnsupportedFormatError,
} from './prompts.errors.js';

export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'flac';

export type Sniffed =
  | { kind: 'audio'; format: AudioFormat }
  | { kind: 'unsupported'; format: string }
  | { kind: 'not_audio' };

const ascii = (b: Uint8Array, at: number, text: string): boolean => {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** Recognises the container from the first bytes; pure, no I/O. */
export function sniff(b: Uint8Array): Sniffed {
  if (b.length < 4) return { kind: 'not_audio' };
  if (ascii(b, 0, 'RIFF')) return ascii(b, 8, 'WAVE') ? { kind: 'audio', format: 'wav' } : { kind: 'not_audio' };
  if (ascii(b, 0, 'fLaC')) return { kind: 'audio', format: 'flac' };
  if (ascii(b, 0, 'ID3')) return { kind: 'audio', format: 'mp3' };
  if (ascii(b, 0, 'OggS')) return sniffOgg(b);
  if (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) return sniffFrameSync(b);
  if (ascii(b, 0, 'RF64')) return { kind: 'unsupported', format: 'RF64' };
  if (ascii(b, 0, 'FORM') && (ascii(b, 8, 'AIFF') || ascii(b, 8, 'AIFC'))) return { kind: 'unsupported', format: 'AIFF' };
  if (ascii(b, 4, 'ftyp')) return { kind: 'unsupported', format: 'MP4/M4A' };
  if (ascii(b, 0, '#!AMR')) return { kind: 'unsupported', format: 'AMR' };
  if (ascii(b, 0, 'caff')) return { kind: 'unsupported', format: 'CAF' };
  if (ascii(b, 0, '.snd')) return { kind: 'unsupported', format: 'AU' };
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: 'unsupported', format: 'WebM/Matroska' };
  if (b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) return { kind: 'unsupported', format: 'WMA/ASF' };
  // Anything else (text, PK\x03\x04 zip/docx, images, executables ...) is not audio.
  return { kind: 'not_audio' };
}

/** An MPEG audio frame header (no ID3 tag): MP1/2/3, or AAC in ADTS (layer bits 00). */
function sniffFrameSync(b: Uint8Array): Sniffed {
  if (b.length < 3) return { kind: 'not_audio' };
  const version = (b[1]! >> 3) & 0x03;
  const layer = (b[1]! >> 1) & 0x03;
  if (layer === 0) return (b[1]! & 0xf6) === 0xf0 ? { kind: 'unsupported', format: 'AAC' } : { kind: 'not_audio' };
  const bitrate = b[2]! >> 4;
  const rate = (b[2]! >> 2) & 0x03;
  if (version === 1 || bitrate === 0x0f || rate === 0x03) return { kind: 'not_audio' };
  return { kind: 'audio', format: 'mp3' };
}

/** Ogg is a container: only Vorbis is decoded by sox; Opus, Speex, Ogg FLAC are not. */
function sniffOgg(b: Uint8Array): Sniffed {
  const segments = b[26];
  const body = segments === undefined ? -1 : 27 + segments;
  if (body < 0 || b.length < body + 8) return { kind: 'audio', format: 'ogg' }; // too short: soxi decides
  if (b[body] === 0x01 && ascii(b, body + 1, 'vorbis')) return { kind: 'audio', format: 'ogg' };
  if (ascii(b, body, 'OpusHead')) return { kind: 'unsupported', format: 'Ogg Opus' };
  if (ascii(b, body, 'Speex')) return { kind: 'unsupported', format: 'Ogg Speex' };
  if (ascii(b, body + 1, 'FLAC')) return { kind: 'unsupported', format: 'Ogg FLAC' };
  return { kind: 'unsupported', format: 'Ogg (not Vorbis)' };
}

/** The supported format of `buffer`, or a NotAudioError / UnsupportedFormatError. */
export function requireSupported(buffer: Uint8Array): AudioFormat {
  const s = sniff(buffer);
  if (s.kind === 'audio') return s.format;
  if (s.kind === 'unsupported') throw new UnsupportedFormatError(s.format);
  throw new NotAudioError();
}

export interface ToolOptions {
  /** Longest a single sox/soxi/espeak-ng run may take. */
  timeoutMs: number;
}

interface ToolResult {
  stdout: string;
  stderr: string;
}

class ToolFailed extends Error {
  constructor(readonly tool: string, readonly stderr: string, message: string) {
    super(message);
  }
}

function run(tool: string, args: string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.code === 'ENOENT') return reject(new AudioToolError(tool, 'not installed (apt-get install sox libsox-fmt-mp3 espeak-ng)'));
        if (e.killed || e.signal === 'SIGKILL') return reject(new AudioToolError(tool, `did not finish within ${timeoutMs} ms`));
        reject(new ToolFailed(tool, stderr, `${tool} exited with ${String(e.code)}: ${lastLine(stderr)}`));
      },
    );
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop()?.replace(/^\S+ (FAIL|WARN) \S+: /, '').slice(0, 200) ?? '';

export interface AudioInfo {
  channels: number;
  rate: number;
  /** Samples per channel, or null when the header does not say. */
  samples: number | null;
  /** Seconds, or null when unknown. */
  seconds: number | null;
}

/** Reads the header with soxi (the file's extension names its format). A file soxi cannot open is corrupt. */
export async function probe(file: string, format: AudioFormat, opts: ToolOptions): Promise<AudioInfo> {
  let out: ToolResult;
  try {
    out = await run('soxi', [file], opts.timeoutMs);
  } catch (err) {
    if (err instanceof ToolFailed) throw new CorruptAudioError(format, lastLine(err.stderr) || 'cannot be opened');
    throw err;
  }
  const field = (label: string) => new RegExp(`^${label}\\s*:\\s*(.+)$`, 'm').exec(out.stdout)?.[1]?.trim();
  const channels = Number(field('Channels'));
  const rate = Number(field('Sample Rate'));
  const samplesText = /=\s*(\d+)\s+samples/.exec(field('Duration') ?? '')?.[1];
  const samples = samplesText === undefined ? null : Number(samplesText);
  if (!(channels >= 1) || !(rate >= 1)) throw new CorruptAudioError(format, 'no channels or sample rate in the header');
  return { channels, rate, samples, seconds: samples === null ? null : samples / rate };
}

/** sox messages that mean the input was damaged, even when sox exits with 0. */
const DAMAGE = /FAIL|premature EOF|LOST_SYNC|checksum mismatch|decoder error|unexpected end/i;

export interface PreparedAudio {
  /** The converted wav in the work directory, ready to be renamed into place. */
  path: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
}

export interface ConvertOptions extends ToolOptions {
  maxSeconds: number;
}

/**
 * Converts `input` to 8 kHz mono 16-bit PCM wav at `output`. Rejects input that is too long
 * (checked on the header first, so an hour of audio is never decoded) or damaged.
 */
export async function convert(input: string, format: AudioFormat, output: string, opts: ConvertOptions): Promise<PreparedAudio> {
  const declared = await probe(input, format, opts);
  if (declared.seconds !== null && declared.seconds > opts.maxSeconds + 0.05) throw new TooLongError(declared.seconds, opts.maxSeconds);
  let stderr: string;
  try {
    const args = ['-V2', '-t', format, input, '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-c', '1', '-r', '8000', output];
    stderr = (await run('sox', args, opts.timeoutMs)).stderr;
  } catch (err) {
    if (err instanceof ToolFailed) throw new CorruptAudioError(format, lastLine(err.stderr) || 'cannot be decoded');
    throw err;
  }
  if (DAMAGE.test(stderr)) throw new CorruptAudioError(format, lastLine(stderr.split('\n').filter((l) => DAMAGE.test(l)).join('\n')));
  // A converted file soxi cannot read is no audio; a tool that cannot run is the server's failure.
  const result = await probe(output, 'wav', opts).catch((err: unknown) => {
    if (err instanceof CorruptAudioError) return null;
    throw err;
  });
  if (!result?.samples || result.rate !== 8000 || result.channels !== 1) throw new CorruptAudioError(format, 'no audio could be decoded');
  const seconds = result.samples / result.rate;
  // WAV and FLAC headers state the exact length: decoding less than that means truncation.
  if ((format === 'wav' || format === 'flac') && declared.seconds !== null && seconds < declared.seconds - 0.05) {
    throw new CorruptAudioError(format, `the header promises ${declared.seconds.toFixed(2)} s but only ${seconds.toFixed(2)} s could be decoded`);
  }
  if (seconds > opts.maxSeconds + 0.05) throw new TooLongError(seconds, opts.maxSeconds);
  return describe(output, seconds);
}

/** Size, checksum and duration of a converted file; readable by Asterisk (0644). */
async function describe(path: string, seconds: number): Promise<PreparedAudio> {
  await chmod(path, 0o644);
  const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
  return { path, durationMs: Math.round(seconds * 1000), sizeBytes: info.size, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Writes an uploaded buffer into `workDir` and converts it. */
export async function prepareUpload(buffer: Uint8Array, workDir: string, opts: ConvertOptions): Promise<PreparedAudio> {
  const format = requireSupported(buffer);
  const input = join(workDir, `upload.${format}`);
  await writeFile(input, buffer);
  return convert(input, format, join(workDir, 'prompt.wav'), opts);
}

/** espeak-ng voices: English, and Mandarin for 'zh'. */
export const VOICES: Record<PromptLanguage, string> = { en: 'en', zh: 'cmn' };

/**
 * Speaks `text` with espeak-ng into `workDir` and converts it. The text goes through a
 * file (-f), never the command line, so a text starting with '-' is still just text.
 */
export async function synthesize(text: string, language: PromptLanguage, workDir: string, opts: ConvertOptions): Promise<PreparedAudio> {
  const textFile = join(workDir, 'text.txt');
  const speech = join(workDir, 'speech.wav');
  await writeFile(textFile, text, 'utf8');
  try {
    await run('espeak-ng', ['-v', VOICES[language], '-b', '1', '-f', textFile, '-w', speech], opts.timeoutMs);
  } catch (err) {
    if (err instanceof ToolFailed) throw new AudioToolError('espeak-ng', lastLine(err.stderr) || err.message);
    throw err;
  }
  try {
    return await convert(speech, 'wav', join(workDir, 'prompt.wav'), opts);
  } catch (err) {
    if (err instanceof CorruptAudioError) throw new SynthesisFailedError('the text has nothing to speak');
    throw err;
  }
}
