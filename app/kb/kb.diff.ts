// A line diff between two texts: the longest common subsequence of lines (dynamic
// programming, O(n·m) time and memory), common prefix and suffix trimmed first so that the
// usual small edit of a long article costs little.

export type DiffLine = { op: 'same' | 'added' | 'removed'; text: string };

/** Lines of a and b beyond this product are compared as whole blocks (removed, then added). */
const MAX_CELLS = 4_000_000;

export function diffLines(a: string, b: string): DiffLine[] {
  const x = a === '' ? [] : a.split(/\r?\n/);
  const y = b === '' ? [] : b.split(/\r?\n/);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const out: DiffLine[] = x.slice(0, head).map((text) => ({ op: 'same', text }));
  out.push(...middle(xs, ys));
  out.push(...x.slice(x.length - tail).map((text) => ({ op: 'same' as const, text })));
  return out;
}

function middle(xs: string[], ys: string[]): DiffLine[] {
  const n = xs.length;
  const m = ys.length;
  if (n * m > MAX_CELLS) return [...xs.map((text) => ({ op: 'removed' as const, text })), ...ys.map((text) => ({ op: 'added' as const, text }))];
  // lcs[i][j] = LCS length of xs[i..] and ys[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = xs[i] === ys[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (xs[i] === ys[j]) {
      out.push({ op: 'same', text: xs[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push({ op: 'removed', text: xs[i++]! });
    else out.push({ op: 'added', text: ys[j++]! });
  }
  while (i < n) out.push({ op: 'removed', text: xs[i++]! });
  while (j < m) out.push({ op: 'added', text: ys[j++]! });
  return out;
}

/** The diff as unified-style text: "  same", "- removed", "+ added". */
export function unified(lines: DiffLine[]): string {
  return lines.map((l) => `${l.op === 'same' ? ' ' : l.op === 'added' ? '+' : '-'} ${l.text}`).join('\n');
}
