// Highlighted snippets for search results: a window of the text around the best hit,
// HTML-escaped, with every hit wrapped in <mark>…</mark>. Hits are found the way the index
// found them: CJK query strings verbatim, Latin words by their stem.
import { isCjk, normalize, PIECE, stem, type ParsedQuery } from './kb.text.js';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Range = [number, number];

/** Character ranges (in the NFKC text, by UTF-16 index) that match the query. */
export function findHits(text: string, q: ParsedQuery): Range[] {
  const lower = text.toLowerCase();
  const hits: Range[] = [];
  for (const s of q.cjk) {
    for (let at = lower.indexOf(s); at >= 0; at = lower.indexOf(s, at + s.length)) hits.push([at, at + s.length]);
  }
  if (q.stems.length) {
    const stems = new Set(q.stems);
    for (const m of lower.matchAll(PIECE)) {
      if (isCjk(m[0][0]!)) continue;
      if (stems.has(stem(m[0]))) hits.push([m.index, m.index + m[0].length]);
    }
  }
  hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Range[] = [];
  for (const h of hits) {
    const last = merged[merged.length - 1];
    if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
    else merged.push([h[0], h[1]]);
  }
  return merged;
}

/** Marks every hit in `text` (escaped), without cutting it. */
export function highlight(text: string, q: ParsedQuery): string {
  const t = text.normalize('NFKC');
  return mark(t, findHits(t, q), 0, t.length);
}

function mark(t: string, hits: Range[], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const [s, e] of hits) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    out += escapeHtml(t.slice(at, a)) + '<mark>' + escapeHtml(t.slice(a, b)) + '</mark>';
    at = b;
  }
  return out + escapeHtml(t.slice(at, to));
}

/**
 * A snippet of about `width` characters from `text`, placed where the most hits fall within
 * the window; the start of the text when nothing matches. Cut ends get an ellipsis.
 */
export function snippet(text: string, q: ParsedQuery, width = 160): string {
  const t = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const hits = findHits(t, q);
  let start = 0;
  if (hits.length) {
    let best = -1;
    for (const [s] of hits) {
      const count = hits.filter(([a, b]) => a >= s && b <= s + width).length;
      if (count > best) {
        best = count;
        start = s;
      }
    }
    start = Math.max(0, start - Math.floor(width / 4));
  }
  const end = Math.min(t.length, start + width);
  if (end - start < width) start = Math.max(0, end - width);
  // Do not split a surrogate pair at either end.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(t[start]!)) start++;
  return (start > 0 ? '…' : '') + mark(t, hits, start, end) + (end < t.length ? '…' : '');
}

export { normalize };
