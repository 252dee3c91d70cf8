// Moving a finished recording out of Asterisk's spool into Hotline's store: each WAV (mixed,
// caller, agent) is measured, compressed to Ogg Vorbis (sox), sealed with the current key
// (AES-256-GCM in chunks) and written beside a SHA-256 of the stored bytes; the spool files go.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RecordingLeg } from './recording.entities.js';
import type { KeyRing } from './key-ring.js';
import { seal } from './sealed-file.js';
import { durationMs, readWav, type Pcm } from './wav.js';

const run = promisify(execFile);

export const LEGS = ['mixed', 'caller', 'agent'] as const;
export type LegName = (typeof LEGS)[number];

/** The spool files of recording `id` (the same names in Hotline's and Asterisk's view of the spool). */
export function spoolNames(id: string): Record<LegName | 'done', string> {
  return { mixed: `${id}-mixed.wav`, caller: `${id}-caller.wav`, agent: `${id}-agent.wav`, done: `${id}.done` };
}

export interface StoredRecording {
  legs: RecordingLeg[];
  durationMs: number;
  /** The decoded legs, for the signals. */
  pcm: Record<LegName, Pcm>;
}

export class RecordingStore {
  constructor(
    readonly dir: string,
    readonly spoolDir: string,
    private readonly keys: KeyRing,
  ) {}

  /** Compresses and seals the three spool files of `id` (answered at `day`) into the store. */
  async store(id: string, day: Date): Promise<StoredRecording> {
    const names = spoolNames(id);
    const rel = join(String(day.getUTCFullYear()), String(day.getUTCMonth() + 1).padStart(2, '0'), String(day.getUTCDate()).padStart(2, '0'));
    await mkdir(join(this.dir, rel), { recursive: true });
    const key = this.keys.current();
    const legs: RecordingLeg[] = [];
    const pcm = {} as Record<LegName, Pcm>;
    for (const leg of LEGS) {
      const wavPath = join(this.spoolDir, names[leg]);
      const wav = await readFile(wavPath);
      pcm[leg] = readWav(wav);
      const tmp = join(this.dir, rel, `${id}-${leg}.tmp.ogg`);
      await run('sox', ['-t', 'wav', wavPath, '-t', 'ogg', '-C', '0', tmp], { timeout: 120_000 });
      const audio = await readFile(tmp);
      const sealed = seal(audio, key);
      const file = join(rel, `${id}-${leg}.ogg.sealed`);
      await writeFile(join(this.dir, `${file}.tmp`), sealed, { mode: 0o600 });
      await rename(join(this.dir, `${file}.tmp`), join(this.dir, file));
      await rm(tmp, { force: true });
      legs.push({ leg, file, format: 'ogg', audioBytes: audio.length, storedBytes: sealed.length, durationMs: durationMs(pcm[leg]), sha256: createHash('sha256').update(sealed).digest('hex'), keyId: key.id });
    }
    return { legs, durationMs: legs[0]!.durationMs, pcm };
  }

  /** Removes the spool files of `id` (after they are stored, or for a recording given up). */
  async clearSpool(id: string): Promise<void> {
    for (const name of Object.values(spoolNames(id))) await rm(join(this.spoolDir, name), { force: true });
  }

  /** Removes a stored file (retention purge). */
  async remove(file: string): Promise<void> {
    if (!file) return;
    await rm(join(this.dir, file), { force: true });
  }
}
