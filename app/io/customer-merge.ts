// Rows of one file that are the same customer. A row whose phone number (normalized) is in an
// earlier row with the same name is that customer written twice, perhaps with the phone spelled
// another way: it is merged into the earlier row ("merged with row N"). The same phone under
// another name, a row whose phones are in two earlier rows, or an ID given twice stay errors.
import type { CustomerUpsertRow } from '../crm/crm.bulk.js';

export type InFileOutcome = { kind: 'new' } | { kind: 'merged'; into: number } | { kind: 'error'; message: string; code: InFileProblem; params: Record<string, string | number> };
/** The kinds of problem between two rows of one file. */
export const IN_FILE_PROBLEMS = ['id_twice', 'phone_twice'] as const;
export type InFileProblem = (typeof IN_FILE_PROBLEMS)[number];

/** Names compare as people read them: width, case and spacing do not matter. */
export const sameNameKey = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export class InFileRows {
  /** phone -> the row that holds it (after merges: the row merged into). */
  private readonly phones = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  /** row -> its name key and ID, for every row that is a customer of its own. */
  private readonly rows = new Map<number, { name: string; id?: string }>();
  /** row -> the rows merged into it, in file order. */
  readonly merges = new Map<number, CustomerUpsertRow[]>();
  mergedCount = 0;

  add(r: CustomerUpsertRow): InFileOutcome {
    const earlier = [...new Set(r.phones.flatMap((p) => (this.phones.has(p) ? [this.phones.get(p)!] : [])))];
    const idRow = r.id ? this.ids.get(r.id) : undefined;
    const first = r.phones.find((p) => this.phones.has(p));
    if (earlier.length === 1) {
      const into = earlier[0]!;
      const target = this.rows.get(into)!;
      const idFits = !r.id || idRow === into || (!target.id && idRow === undefined);
      if (target.name === sameNameKey(r.name) && idFits) {
        for (const p of r.phones) this.phones.set(p, into);
        if (r.id && !target.id) {
          target.id = r.id;
          this.ids.set(r.id, into);
        }
        this.merges.set(into, [...(this.merges.get(into) ?? []), r]);
        this.mergedCount++;
        return { kind: 'merged', into };
      }
    }
    if (idRow !== undefined) return { kind: 'error', message: `customer ID ${r.id} is also in row ${idRow}`, code: 'id_twice', params: { id: r.id!, row: idRow } };
    if (first !== undefined) return { kind: 'error', message: `phone ${first} is also in row ${this.phones.get(first)}`, code: 'phone_twice', params: { phone: first, row: this.phones.get(first)! } };
    for (const p of r.phones) this.phones.set(p, r.row);
    if (r.id) this.ids.set(r.id, r.row);
    this.rows.set(r.row, { name: sameNameKey(r.name), id: r.id });
    return { kind: 'new' };
  }

  /** A row with every row merged into it: lists joined, other values from the first row that has one. */
  combined(r: CustomerUpsertRow): CustomerUpsertRow {
    const more = this.merges.get(r.row);
    return more ? more.reduce(combine, r) : r;
  }
}

const union = (a?: string[], b?: string[]) => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined);
const firstSet = (a?: string, b?: string) => (a === undefined || a === '' ? (b ?? a) : a);

function combine(a: CustomerUpsertRow, b: CustomerUpsertRow): CustomerUpsertRow {
  const out: CustomerUpsertRow = { ...a, phones: union(a.phones, b.phones)! };
  const id = a.id ?? b.id;
  if (id) out.id = id;
  for (const k of ['company', 'address', 'region'] as const) {
    const v = firstSet(a[k], b[k]);
    if (v !== undefined) out[k] = v;
  }
  const vip = a.vipLevel || b.vipLevel ? (a.vipLevel || b.vipLevel) : (a.vipLevel ?? b.vipLevel);
  if (vip !== undefined) out.vipLevel = vip;
  for (const k of ['emails', 'tags'] as const) {
    const v = union(a[k], b[k]);
    if (v) out[k] = v;
  }
  if (a.customFields || b.customFields) out.customFields = { ...b.customFields, ...a.customFields };
  return out;
}
