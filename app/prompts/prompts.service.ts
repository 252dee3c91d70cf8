// The prompt library: uploads and text-to-speech, stored as 8 kHz mono wav files in a
// directory Asterisk reads (one `<name>.wav` per prompt) plus one row each. A prompt is
// prepared in a work directory inside that directory and renamed into place in the same
// transaction that writes its row, so a failure leaves neither half a file nor a row.
import { createHash, randomUUID } from 'node:crypto';
import { access, copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import { ValidationError } from '../errors.js';
import { parse } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { prepareUpload, synthesize, type PreparedAudio } from './audio.js';
import { Prompt, type PromptLanguage, type PromptSource } from './prompts.entities.js';
import { PromptInUseError, PromptNotFoundError, TooLargeError } from './prompts.errors.js';
import { promptLanguage, promptName, ttsBody } from './prompts.schemas.js';
import { logFailure, settled } from '../log-failure.js';

export interface PromptsServiceDeps {
  db: DataSource;
  /** Where the wav files live; Asterisk must be able to read it. */
  dir: string;
  /** What Asterisk's `sound:` media calls this directory, e.g. `hotline`. */
  soundPrefix: string;
  maxUploadBytes: number;
  maxSeconds: number;
  log: Logger;
  /** Longest a single sox/soxi/espeak-ng run may take (default 60 s). */
  toolTimeoutMs?: number;
}

/** created: a new prompt; replaced: same name, new audio; reused: same TTS text, nothing done. */
export type SaveOutcome = 'created' | 'replaced' | 'reused';

export interface SaveResult {
  prompt: Prompt;
  outcome: SaveOutcome;
}

const WORK_PREFIX = '.work-';
const STALE_WORK_MS = 60 * 60_000;

/** The automatic name of a TTS prompt: the same text and language always get the same name. */
export function ttsName(text: string, language: PromptLanguage): string {
  return `tts-${createHash('sha1').update(language + text).digest('hex').slice(0, 12)}`;
}

export class PromptsService {
  private readonly repo: Repository<Prompt>;
  private readonly dir: string;
  /** Operations on one name run one at a time (the DB's unique index backs this up). */
  private readonly locks = new Map<string, Promise<unknown>>();
  private usedBy: ((name: string) => Promise<string[]>) | undefined;

  constructor(private readonly deps: PromptsServiceDeps) {
    this.repo = deps.db.getRepository(Prompt);
    this.dir = resolve(deps.dir);
    void this.sweepStaleWork();
  }

  async upload(name: string, language: PromptLanguage, buffer: Uint8Array): Promise<SaveResult> {
    const n = this.checkName(name);
    const lang = parse(promptLanguage, language, 'query');
    if (buffer.length > this.deps.maxUploadBytes) throw new TooLargeError(this.deps.maxUploadBytes);
    return this.locked(n, () =>
      this.inWorkDir(async (work) => {
        const audio = await prepareUpload(buffer, work, this.convertOptions());
        return this.store(n, { language: lang, source: 'upload', text: null }, audio, work);
      }),
    );
  }

  /** Speaks `text`; without a name the prompt is named from the text (see ttsName). */
  async synthesize(text: string, language: PromptLanguage, name?: string): Promise<SaveResult> {
    const input = parse(ttsBody, { text, language }, 'body');
    const n = name === undefined ? ttsName(input.text, input.language) : this.checkName(name);
    return this.locked(n, async () => {
      const existing = await this.repo.findOneBy({ name: n });
      if (existing?.source === 'tts' && existing.text === input.text && existing.language === input.language && (await this.hasFile(n))) {
        return { prompt: existing, outcome: 'reused' as const };
      }
      return this.inWorkDir(async (work) => {
        const audio = await synthesize(input.text, input.language, work, this.convertOptions());
        return this.store(n, { language: input.language, source: 'tts', text: input.text }, audio, work);
      });
    });
  }

  async get(name: string): Promise<Prompt> {
    const n = this.checkName(name);
    const prompt = await this.repo.findOneBy({ name: n });
    if (!prompt) throw new PromptNotFoundError(n);
    return prompt;
  }

  list(): Promise<Prompt[]> {
    return this.repo.find({ order: { name: 'ASC' } });
  }

  /** True when the prompt has a row and its file; false for any name that is not valid. */
  async exists(name: string): Promise<boolean> {
    if (!promptName.safeParse(name).success) return false;
    return (await this.repo.existsBy({ name })) && (await this.hasFile(name));
  }

  /** Who plays a prompt (the IVR's flows, wired by main.ts): a prompt in use is not deleted. */
  whenDeleting(usedBy: (name: string) => Promise<string[]>): void {
    this.usedBy = usedBy;
  }

  async delete(name: string): Promise<void> {
    const n = this.checkName(name);
    const users = (await this.usedBy?.(n)) ?? [];
    if (users.length) throw new PromptInUseError(n, users);
    await this.locked(n, () =>
      this.inWorkDir(async (work) => {
        const parked = join(work, 'deleted.wav');
        let moved = false;
        try {
          await this.deps.db.transaction(async (m) => {
            const result = await m.getRepository(Prompt).delete({ name: n });
            if (!result.affected) throw new PromptNotFoundError(n);
            moved = await rename(this.audioPath(n), parked).then(() => true, ignoreMissing);
          });
        } catch (err) {
          if (moved) await rename(parked, this.audioPath(n));
          throw err;
        }
        this.deps.log.info({ prompt: n }, 'prompt deleted');
      }),
    );
  }

  /** The media Asterisk plays for this prompt: `sound:${soundFor(name)}` (no extension). */
  soundFor(name: string): string {
    return `${this.deps.soundPrefix}/${this.checkName(name)}`;
  }

  audioPath(name: string): string {
    return join(this.dir, `${this.checkName(name)}.wav`);
  }

  private checkName(name: string): string {
    const result = promptName.safeParse(name);
    if (!result.success) throw new ValidationError(`invalid prompt name ${JSON.stringify(String(name).slice(0, 80))}: ${result.error.issues[0]?.message}`);
    return result.data;
  }

  private convertOptions() {
    return { maxSeconds: this.deps.maxSeconds, timeoutMs: this.deps.toolTimeoutMs ?? 60_000 };
  }

  private hasFile(name: string): Promise<boolean> {
    return access(this.audioPath(name)).then(() => true, () => false);
  }

  /**
   * Writes the row and renames the prepared file over `<name>.wav` in one transaction. If
   * the commit fails after the rename, the previous file (kept in the work dir) comes back.
   */
  private async store(
    name: string,
    meta: { language: PromptLanguage; source: PromptSource; text: string | null },
    audio: PreparedAudio,
    work: string,
  ): Promise<SaveResult> {
    const final = this.audioPath(name);
    const previous = join(work, 'previous.wav');
    const hadPrevious = await copyFile(final, previous).then(() => true, ignoreMissing);
    let renamed = false;
    try {
      const result = await this.deps.db.transaction(async (m) => {
        const repo = m.getRepository(Prompt);
        const existing = await repo.findOneBy({ name });
        const now = new Date();
        const fields = { ...meta, durationMs: audio.durationMs, sizeBytes: audio.sizeBytes, sha256: audio.sha256, updatedAt: now };
        const prompt = existing ? repo.merge(existing, fields) : repo.create({ id: randomUUID(), name, createdAt: now, ...fields });
        await repo.save(prompt);
        await rename(audio.path, final);
        renamed = true;
        return { prompt, outcome: existing ? ('replaced' as const) : ('created' as const) };
      });
      this.deps.log.info({ prompt: name, outcome: result.outcome, source: meta.source, durationMs: audio.durationMs }, 'prompt stored');
      return result;
    } catch (err) {
      if (renamed) {
        await (hadPrevious ? rename(previous, final) : rm(final, { force: true })).catch((e: Error) =>
          this.deps.log.error({ prompt: name, err: e.message }, 'could not restore the prompt file after a failed save'),
        );
      }
      throw err;
    }
  }

  /** Runs `fn` in a fresh work directory inside the prompt directory (same file system, so rename is atomic). */
  private async inWorkDir<T>(fn: (work: string) => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const work = await mkdtemp(join(this.dir, WORK_PREFIX));
    try {
      return await fn(work);
    } finally {
      await rm(work, { recursive: true, force: true }).catch(logFailure(this.deps.log, 'removing a prompt work directory (swept later)', { context: { work } }));
    }
  }

  private async locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(name) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = settled(mine); // the caller of locked() gets mine's error
    this.locks.set(name, tail);
    try {
      return await mine;
    } finally {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    }
  }

  /** Work directories left behind by a crash are removed at start. */
  private async sweepStaleWork(): Promise<void> {
    try {
      for (const entry of await readdir(this.dir)) {
        if (!entry.startsWith(WORK_PREFIX)) continue;
        const path = join(this.dir, entry);
        const info = await stat(path);
        if (Date.now() - info.mtimeMs > STALE_WORK_MS) await rm(path, { recursive: true, force: true });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.deps.log.warn({ err: (err as Error).message }, 'could not clean the prompt work directory');
    }
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): false {
  if (err.code === 'ENOENT') return false;
  throw err;
}
