// Unsaved text (a note, a ticket being written) kept in sessionStorage as the user types, so an
// expired session, a reload or a trip through the login page loses nothing. Cleared once saved.
import { ref, watch, type Ref } from 'vue';

const PREFIX = 'hotline.draft.';

export function useDraft<T>(key: string, initial: T): { value: Ref<T>; clear(): void } {
  const storageKey = PREFIX + key;
  let start = initial;
  try {
    const saved = sessionStorage.getItem(storageKey);
    if (saved) start = JSON.parse(saved) as T;
  } catch {
    start = initial;
  }
  const value = ref(start) as Ref<T>;
  const empty = JSON.stringify(initial);
  watch(value, (v) => {
    const json = JSON.stringify(v);
    if (json === empty) sessionStorage.removeItem(storageKey);
    else sessionStorage.setItem(storageKey, json);
  }, { deep: true, flush: 'sync' });
  return {
    value,
    clear() {
      sessionStorage.removeItem(storageKey);
      value.value = structuredClone(initial);
    },
  };
}
