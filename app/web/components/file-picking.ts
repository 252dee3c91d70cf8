// A file chosen in a hidden file input and sent (ticket and knowledge-base files): the input is
// cleared (choosing the same file again fires again), the button is busy while it goes, and a
// refusal becomes the text the page shows; sizes in KB or MB.
import type { Ref } from 'vue';

export async function sendPicked(ev: Event, state: { busy: Ref<boolean>; error: Ref<string> }, send: (file: File) => Promise<void>, refusal: (e: unknown, file: string) => string): Promise<void> {
  const input = ev.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  state.error.value = '';
  state.busy.value = true;
  try {
    await send(file);
  } catch (e) {
    state.error.value = refusal(e, file.name);
  } finally {
    state.busy.value = false;
  }
}

export const fileSize = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);
