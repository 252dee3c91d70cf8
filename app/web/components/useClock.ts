// A clock that ticks every second while a component is mounted (timers and countdowns).
import { onBeforeUnmount, ref } from 'vue';

export function useClock() {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), 250);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}

/** 75 → "01:15"; 3725 → "1:02:05". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(r).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
