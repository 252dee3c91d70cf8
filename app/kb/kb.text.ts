// Text analysis for knowledge-base search, the same on every database: the service makes its
// own tokens and the database only indexes space-separated words.
//  - CJK runs (Han, kana, Hangul) give overlapping character bigrams, plus the run's last
//    character alone, so every character starts some token: a two-character word like 坐席 is
//    one token, a longer phrase is a run of consecutive bigrams, one character is a prefix.
//  - Other letters/digits give lower-cased words, reduced by a light English stemmer
//    (routing/routed/routes/route -> rout), a few stopwords dropped (unless glued to CJK text,
//    like the `a` of A类客户). A word ends where a CJK run begins and the other way round:
//    `VIP客户` is `vip` + `客户`.
//  - Each token is stored as `t` + the hex of its UTF-8 bytes: pure [a-z0-9], at least three
//    characters, never a stopword of the database's own list. So the same tokens work in SQLite
//    FTS5 (unicode61) and in InnoDB FULLTEXT (whose default minimum token length is 3 and whose
//    built-in parser does not split Chinese), with no server plugin.

// U+30FC (ー, the kana length mark) is of the Common script but only ever written inside kana words.
const CJK_CHARS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30fc';
const CJK = new RegExp(`[${CJK_CHARS}]`, 'u');
/**
 * A CJK run, or a run of other letters and digits: a piece ends at every change between the
 * two, so `VIP客户` is `vip` + `客户` and `400电话` is `400` + `电话` (Han characters are letters
 * too: without the lookahead the Latin branch would swallow the Chinese after it).
 */
export const PIECE = new RegExp(`[${CJK_CHARS}]+|(?:(?![${CJK_CHARS}])[\\p{L}\\p{N}])+`, 'gu');
const MAX_WORD = 40;

export const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'is', 'it', 'of', 'on', 'or', 'that', 'the', 'this', 'to', 'with',
]);

const VOWEL = /[aeiouy]/;
const hasVowel = (s: string) => VOWEL.test(s);

/** One round of suffix stripping; returns the word unchanged when no rule applies. */
function strip(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies') || w.endsWith('ied')) return `${w.slice(0, -3)}i`;
  if (w.endsWith('ing') && w.length >= 6 && hasVowel(w.slice(0, -3))) return undouble(w.slice(0, -3));
  if (w.endsWith('ed') && !w.endsWith('eed') && w.length >= 5 && hasVowel(w.slice(0, -2))) return undouble(w.slice(0, -2));
  if (w.endsWith('ment') && w.length >= 7) return w.slice(0, -4);
  if (w.endsWith('ly') && w.length >= 6 && !w.endsWith('ily')) return w.slice(0, -2);
  if (w.endsWith('es') && /(sh|ch|x|z|ss)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

/** running -> run, planned -> plan; but call, miss, buzz keep their double letter. */
function undouble(w: string): string {
  return /([^aeioulsz])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** A light Porter-style stemmer: strips -ing, -ed, -es, -s, -ly, -ment ..., then a final -e / -y. */
export function stem(word: string): string {
  let w = word;
  for (let round = 0; round < 2; round++) {
    const next = strip(w);
    if (next === w) break;
    w = next;
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  else if (w.length > 3 && /[^aeiou]y$/.test(w)) w = `${w.slice(0, -1)}i`;
  return w;
}

export const isCjk = (s: string) => CJK.test(s);

/** NFKC (full-width letters and digits become ASCII) and lower case. */
export const normalize = (text: string) => text.normalize('NFKC').toLowerCase();

const CJK_BEFORE = new RegExp(`[${CJK_CHARS}]$`, 'u');
const CJK_AFTER = new RegExp(`^[${CJK_CHARS}]`, 'u');

/**
 * The pieces of a normalized text, in order: CJK runs, and the Latin words that count. A
 * stopword counts only when it touches CJK text: the `a` of `A类客户` is a label, not an article.
 */
function* pieces(norm: string): Generator<{ text: string; cjk: boolean }> {
  for (const m of norm.matchAll(PIECE)) {
    const text = m[0];
    if (isCjk(text[0]!)) yield { text, cjk: true };
    else if (!STOPWORDS.has(text)) yield { text, cjk: false };
    else {
      const end = m.index + text.length;
      if (CJK_BEFORE.test(norm.slice(Math.max(0, m.index - 2), m.index)) || CJK_AFTER.test(norm.slice(end, end + 2))) yield { text, cjk: false };
    }
  }
}

/** The raw tokens of a text, in order (see the top of this file). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const { text: piece, cjk } of pieces(normalize(text))) {
    if (cjk) {
      const chars = [...piece];
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
      out.push(chars[chars.length - 1]!);
    } else {
      out.push(stem([...piece].slice(0, MAX_WORD).join('')));
    }
  }
  return out;
}

/** A token as the databases index it: `t` + hex of its UTF-8 bytes. */
export const encodeToken = (token: string) => `t${Buffer.from(token, 'utf8').toString('hex')}`;

/** The space-separated encoded tokens of a text, ready for the index. */
export const indexText = (text: string) => tokenize(text).map(encodeToken).join(' ');

/**
 * A parsed search query: every term must match.
 *  - word: one stemmed Latin word or one CJK bigram (exact token)
 *  - phrase: consecutive CJK bigrams (a run of 3+ characters)
 *  - prefix: a single CJK character (any token starting with it)
 */
export type QueryTerm = { kind: 'word'; token: string } | { kind: 'phrase'; tokens: string[] } | { kind: 'prefix'; token: string };

export interface ParsedQuery {
  terms: QueryTerm[];
  /** For highlighting: CJK strings to find verbatim, and Latin stems to find by word. */
  cjk: string[];
  stems: string[];
}

export function parseQuery(q: string): ParsedQuery {
  const terms: QueryTerm[] = [];
  const cjk: string[] = [];
  const stems: string[] = [];
  const seen = new Set<string>();
  for (const { text: piece, cjk: isCjkPiece } of pieces(normalize(q))) {
    if (seen.has(piece)) continue;
    seen.add(piece);
    if (isCjkPiece) {
      const chars = [...piece];
      cjk.push(piece);
      if (chars.length === 1) terms.push({ kind: 'prefix', token: encodeToken(piece) });
      else if (chars.length === 2) terms.push({ kind: 'word', token: encodeToken(piece) });
      else {
        const bigrams: string[] = [];
        for (let i = 0; i + 1 < chars.length; i++) bigrams.push(encodeToken(chars[i]! + chars[i + 1]!));
        terms.push({ kind: 'phrase', tokens: bigrams });
      }
    } else {
      const s = stem([...piece].slice(0, MAX_WORD).join(''));
      stems.push(s);
      terms.push({ kind: 'word', token: encodeToken(s) });
    }
  }
  return { terms, cjk, stems };
}
