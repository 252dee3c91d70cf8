// Where a customer's timeline entry leads, for the user's role: a call to the Calls page (those
// who may read call records), a ticket to the tickets page by its number, a fax to the fax page.
// Other entries (notes, changes, merges) lead nowhere.

export interface LinkedEntry {
  kind: string;
  source?: string;
  refId?: string | null;
  text?: { key: string; args: Record<string, string | number> };
}
export type Role = 'agent' | 'supervisor' | 'admin' | 'readonly';
export interface EntryLink { path: string; query: Record<string, string> }

/** The roles the Calls page is for (app/web/router.ts). */
const READS_CALLS: ReadonlySet<Role> = new Set(['supervisor', 'admin', 'readonly']);

export function timelineLink(e: LinkedEntry, role: Role | undefined): EntryLink | null {
  if (!role || !e.refId) return null;
  if (e.kind === 'call') return READS_CALLS.has(role) ? { path: '/calls', query: { open: e.refId } } : null;
  if (e.kind === 'ticket') {
    const number = e.text?.args.number;
    return { path: '/tickets', query: { ticket: typeof number === 'string' ? number : e.refId } };
  }
  if (e.kind === 'fax') return { path: '/fax', query: { id: e.refId } };
  return null;
}
