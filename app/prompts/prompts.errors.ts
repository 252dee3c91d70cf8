// Errors of the prompt library. Every one is a 4xx the admin can act on (except a missing
// audio tool, which is the operator's problem: 503). Nothing is stored when one is thrown.
import { AppError, NotFoundError, UnavailableError } from '../errors.js';

/** The bytes are not audio at all (text, zip, image, empty ...). */
export class NotAudioError extends AppError {
  constructor(what = 'the uploaded file') {
    super(400, 'not_audio', `${what} is not an audio file (expected WAV, MP3, OGG Vorbis or FLAC)`);
  }
}

/** Audio, but in a format Hotline does not convert (AAC/M4A, Opus, AIFF, AMR, WMA ...). */
export class UnsupportedFormatError extends AppError {
  constructor(format: string) {
    super(400, 'unsupported_format', `${format} audio is not supported; upload WAV, MP3, OGG Vorbis or FLAC`, { format });
  }
}

/** Looks like a supported format but cannot be decoded completely (truncated, damaged). */
export class CorruptAudioError extends AppError {
  constructor(format: string, reason: string) {
    super(400, 'corrupt_audio', `the ${format.toUpperCase()} file is damaged or truncated: ${reason}`, { format });
  }
}

export class TooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'too_large', `the audio file is larger than the ${formatBytes(limitBytes)} limit`, { limitBytes });
  }
}

export class TooLongError extends AppError {
  constructor(seconds: number, maxSeconds: number) {
    super(422, 'too_long', `the prompt lasts ${seconds.toFixed(1)} s; the limit is ${maxSeconds} s`, {
      seconds: Math.round(seconds * 10) / 10,
      maxSeconds,
    });
  }
}

/** The synthesizer produced no sound for the text (e.g. punctuation only). */
export class SynthesisFailedError extends AppError {
  constructor(reason: string) {
    super(422, 'synthesis_failed', `text-to-speech produced no audio: ${reason}`);
  }
}

/** sox/soxi/espeak-ng is missing or does not answer in time. */
export class AudioToolError extends UnavailableError {
  constructor(tool: string, reason: string) {
    super('audio_tool_unavailable', `the audio tool ${tool} failed: ${reason}`);
  }
}

/** A flow plays the prompt: deleting it would leave calls a missing file. */
export class PromptInUseError extends AppError {
  constructor(name: string, flows: string[]) {
    super(409, 'prompt_in_use', `prompt ${name} is played by ${flows.map((f) => (f.startsWith('survey ') ? f : `IVR flow ${f}`)).join(', ')}; change them first`, { flows });
  }
}

export class PromptNotFoundError extends NotFoundError {
  constructor(name: string) {
    super('prompt', name);
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}
