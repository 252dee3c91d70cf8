// The admin's keyword lists: English phrases per queue (or for all queues) and the leg they are
// listened for on. A phrase is checked against the recogniser's dictionary before it is stored.
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { dictionaryWords, MAX_CHARS, MAX_WORDS, normalisePhrase, phraseProblem, type PhraseProblem } from './keyword-dictionary.js';
import { DEFAULT_THRESHOLD } from './keyword-spotter.js';
import { RecordingKeyword, type KeywordLeg } from './keyword.entities.js';
import { InvalidKeywordError, KeywordExistsError, KeywordSpottingUnavailableError } from './recording.errors.js';

export interface KeywordInput {
  phrase: string;
  queue?: string | null | undefined;
  leg: KeywordLeg;
  threshold?: number | undefined;
}

export function keywordJson(k: RecordingKeyword) {
  return { id: k.id, phrase: k.phrase, queue: k.queue, leg: k.leg, threshold: Number(k.threshold), createdBy: k.createdBy, createdAt: k.createdAt };
}

/** The 400's message for a phrase the recogniser cannot spot. */
export function problemMessage(p: PhraseProblem, phrase: string): string {
  switch (p.kind) {
    case 'empty':
      return 'the phrase is empty';
    case 'too_long':
      return `the phrase is too long (${p.words} words, ${p.chars} characters): at most ${MAX_WORDS} words and ${MAX_CHARS} characters`;
    case 'not_english':
      return /[0-9]/.test(p.text)
        ? `"${phrase}": write numbers as words (the recogniser's dictionary has no digits)`
        : `"${phrase}": only English phrases can be spotted; "${p.text}" is not an English letter (the recogniser's model, pocketsphinx en-us, has no Chinese)`;
    case 'unknown_word':
      return `"${p.word}" is not in the recogniser's English dictionary: it cannot be spotted (check the spelling, or use another word)`;
  }
}

export class KeywordService {
  private readonly repo: Repository<RecordingKeyword>;

  constructor(
    db: DataSource,
    private readonly queueNames: () => Promise<string[]>,
  ) {
    this.repo = db.getRepository(RecordingKeyword);
  }

  async list(queue?: string): Promise<RecordingKeyword[]> {
    return this.repo.find({ where: queue ? [{ queue }, { queue: IsNull() }] : {}, order: { createdAt: 'ASC' } });
  }

  /** The keywords a recording of `queue` is searched for: the queue's and everyone's. */
  forQueue(queue: string): Promise<RecordingKeyword[]> {
    return this.list(queue);
  }

  async create(k: KeywordInput, createdBy: string): Promise<RecordingKeyword> {
    const phrase = normalisePhrase(k.phrase);
    const dict = dictionaryWords();
    const problem = phraseProblem(phrase, dict ?? new Set());
    if (problem && problem.kind !== 'unknown_word') throw new InvalidKeywordError(problemMessage(problem, phrase), { field: 'phrase', problem: problem.kind });
    if (!dict) throw new KeywordSpottingUnavailableError();
    if (problem) throw new InvalidKeywordError(problemMessage(problem, phrase), { field: 'phrase', problem: problem.kind, word: (problem as { word: string }).word });
    const queue = k.queue ?? null;
    if (queue && !(await this.queueNames()).includes(queue)) throw new InvalidKeywordError(`there is no queue ${queue}`, { field: 'queue' });
    if (await this.repo.findOneBy({ phrase, queue: queue ?? IsNull() })) throw new KeywordExistsError(phrase, queue);
    const row: RecordingKeyword = { id: randomUUID(), phrase, queue, leg: k.leg, threshold: (k.threshold ?? DEFAULT_THRESHOLD).toExponential(), createdBy: createdBy.slice(0, 160), createdAt: new Date() };
    await this.repo.insert(row);
    return row;
  }

  async remove(id: string): Promise<RecordingKeyword> {
    const row = await this.repo.findOneBy({ id });
    if (!row) throw new NotFoundError('keyword', id);
    await this.repo.delete({ id });
    return row;
  }
}
