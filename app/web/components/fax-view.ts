// Small helpers the fax views share: the tag colour of a status, customer names by id (asked
// once per id), and saving a PDF the user downloads.
import { reactive } from 'vue';
import { workApi } from '../api/work';
import type { FaxStatus } from '../api/fax';

export function statusType(s: FaxStatus): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  if (s === 'received' || s === 'sent') return 'success';
  if (s === 'partial') return 'warning';
  if (s === 'failed') return 'danger';
  if (s === 'queued') return 'info';
  return 'primary';
}

/** Customer names for the ids shown (one request per id; an unknown id shows the id). */
export function useCustomerNames() {
  const names = reactive<Record<string, string>>({});
  const asked = new Set<string>();
  return {
    name: (id: string) => names[id] ?? '…',
    async want(ids: Array<string | null>) {
      await Promise.all(
        ids
          .filter((id): id is string => !!id && !asked.has(id))
          .map(async (id) => {
            asked.add(id);
            try {
              names[id] = (await workApi.customer(id)).name;
            } catch {
              names[id] = id.slice(0, 8);
            }
          }),
      );
    },
    forget(id: string) {
      asked.delete(id);
    },
  };
}

/** Hands a Blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
