// Column mapping by header text, in Chinese or English: built-in names per field, plus a
// saved mapping per import type that wins over them. Everything keyed by Map, never by a
// plain object, so a header such as "__proto__" or "constructor" is just an unknown column.
import { cellText, type Cell } from './cells.js';
import { DuplicateColumnError } from './io.errors.js';

export interface ImportField {
  key: string;
  required: boolean;
  /** Several columns may map to it (e.g. 电话 and 手机 both hold phone numbers). */
  multiple?: boolean;
  headers: readonly string[];
  label: { zh: string; en: string };
}

export interface ColumnMap {
  /** field key -> 0-based column indexes */
  fields: Map<string, number[]>;
  /** header text per column index, as written in the file */
  headers: string[];
  /** headers that map to nothing (or to "ignore") */
  ignored: string[];
}

export const IGNORE = 'ignore';

/** The comparable form of a header: NFKC, lower case, no spaces, no required-marks. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b\ufeff]+/g, '')
    .replace(/^[*]+|[*:：]+$/g, '')
    .replace(/[(（][^)）]*(必填|required|utc)[^)）]*[)）]$/u, '')
    .replace(/[*]+$/g, '');
}

export class HeaderDictionary {
  private readonly names = new Map<string, string>();

  constructor(fields: readonly ImportField[], ignoredHeaders: readonly string[], saved: ReadonlyMap<string, string> = new Map()) {
    for (const h of ignoredHeaders) this.names.set(normalizeHeader(h), IGNORE);
    for (const f of fields) for (const h of [f.key, f.label.zh, f.label.en, ...f.headers]) this.names.set(normalizeHeader(h), f.key);
    for (const [h, field] of saved) this.names.set(normalizeHeader(h), field);
  }

  /** The field of a header, trying "电话/Phone"-style alternatives when the whole text is unknown. */
  resolve(header: string): string | null {
    const whole = this.names.get(normalizeHeader(header));
    if (whole) return whole;
    const parts = header.split(/[/|\n()（）]+/).map((p) => this.names.get(normalizeHeader(p))).filter((f): f is string => !!f);
    const distinct = new Set(parts);
    return distinct.size === 1 ? parts[0]! : null;
  }
}

export interface HeaderAttempt {
  map: ColumnMap;
  missing: ImportField[];
  duplicates: Array<{ field: string; headers: string[] }>;
}

export function mapHeaderRow(cells: readonly Cell[], fields: readonly ImportField[], dict: HeaderDictionary): HeaderAttempt {
  const map: ColumnMap = { fields: new Map(), headers: [], ignored: [] };
  cells.forEach((cell, i) => {
    const text = cellText(cell).trim();
    map.headers[i] = text;
    if (!text) return;
    const field = dict.resolve(text);
    if (!field || field === IGNORE || !fields.some((f) => f.key === field)) {
      map.ignored.push(text);
      return;
    }
    const list = map.fields.get(field) ?? [];
    list.push(i);
    map.fields.set(field, list);
  });
  const missing = fields.filter((f) => f.required && !map.fields.has(f.key));
  const duplicates = fields
    .filter((f) => !f.multiple && (map.fields.get(f.key)?.length ?? 0) > 1)
    .map((f) => ({ field: f.key, headers: map.fields.get(f.key)!.map((i) => map.headers[i]!) }));
  return { map, missing, duplicates };
}

export function assertNoDuplicates(attempt: HeaderAttempt): void {
  const dup = attempt.duplicates[0];
  if (dup) throw new DuplicateColumnError(dup.field, dup.headers);
}
