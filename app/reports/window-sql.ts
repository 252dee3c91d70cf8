// The SQL condition of a report's time windows (report-windows.ts): one range per window, ORed,
// so each is an index range scan on the time column.
import { Brackets } from 'typeorm';
import type { Window } from './report-windows.js';

/** `col` inside one of the windows: `(col >= ? AND col < ?) OR …` (index range scans); no window: nothing. */
export function windowsWhere(col: string, windows: Window[], prefix = 'win'): Brackets {
  return new Brackets((w) => {
    if (!windows.length) {
      w.where('1 = 0');
      return;
    }
    windows.forEach(([a, b], i) => w.orWhere(`(${col} >= :${prefix}${i}a AND ${col} < :${prefix}${i}b)`, { [`${prefix}${i}a`]: new Date(a), [`${prefix}${i}b`]: new Date(b) }));
  });
}
