// A node being edited in the node form: a deep copy of the definition's node that the type's
// fields change in place. Loosely typed on purpose: it is checked whole by the server's own node
// schema (flowNode) when applied, never trusted before.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Draft = Record<string, any>;

/** The fields a node may leave out: emptied in the form, they are removed rather than sent as ''. */
export function withoutEmpty(node: Draft): Draft {
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

/** Milliseconds in the definition, seconds in the form. */
export function secondsOf(node: Draft, field: string, fallbackMs: number) {
  return {
    get: () => Number(node[field] ?? fallbackMs) / 1000,
    set: (s: number | undefined) => {
      node[field] = Math.round(Number(s ?? fallbackMs / 1000) * 1000);
    },
  };
}

/** Keys of a record as editable rows (menu keys, variables), and back. */
export const rowsOf = (record: unknown): Array<{ key: string; value: string }> =>
  Object.entries((record ?? {}) as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value ?? '') }));
/** A row left wholly empty is dropped; one with a value but no key stays, so the check names it. */
export const recordOf = (rows: Array<{ key: string; value: string }>): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.key.trim() || r.value.trim()).map((r) => [r.key.trim(), r.value]));
