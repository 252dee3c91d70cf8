// Which phrases the recogniser can spot: English words of the en-us model's pronunciation
// dictionary (cmudict). Chinese (or any non-Latin script) is refused: the model has no Chinese.
import { existsSync, readFileSync } from 'node:fs';
import { MODEL } from './keyword-spotter.js';

export const MAX_WORDS = 6;
export const MAX_CHARS = 80;

export type PhraseProblem =
  | { kind: 'empty' }
  | { kind: 'too_long'; words: number; chars: number }
  | { kind: 'not_english'; text: string }
  | { kind: 'unknown_word'; word: string };

let words: Set<string> | null = null;

/** The dictionary's words (loaded once; null when the model is not installed). */
export function dictionaryWords(file = MODEL.dict): Set<string> | null {
  if (words) return words;
  if (!existsSync(file)) return null;
  const set = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const w = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '');
    if (w) set.add(w);
  }
  words = set;
  return set;
}

/** The phrase as the recogniser takes it: lower case, single spaces, no punctuation at the ends of words. */
export function normalisePhrase(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[.,!?;:"]+|[.,!?;:"]+$/g, ''))
    .filter(Boolean)
    .join(' ');
}

/** Why the recogniser cannot spot `phrase` (already normalised), or null. */
export function phraseProblem(phrase: string, dict: Set<string>): PhraseProblem | null {
  if (!phrase) return { kind: 'empty' };
  const list = phrase.split(' ');
  if (list.length > MAX_WORDS || phrase.length > MAX_CHARS) return { kind: 'too_long', words: list.length, chars: phrase.length };
  const foreign = /[^a-z' -]/.exec(phrase);
  if (foreign) return { kind: 'not_english', text: foreign[0] };
  for (const w of list) if (!dict.has(w)) return { kind: 'unknown_word', word: w };
  return null;
}
