// When a scheduled callback (预约回电) is to be made, from the agent's pick: a preset (in an hour,
// in three hours, tomorrow at 9:00) or a day and time of their own; checked as the server checks
// it (in the future, at most CALLBACK_SCHEDULE_MAX_DAYS ahead). Pure, so that it is unit-tested.
import { CALLBACK_SCHEDULE_MAX_DAYS } from '../../../acd/acd.schemas.js';

export { CALLBACK_SCHEDULE_MAX_DAYS };
export const CALLBACK_PRESETS = ['1h', '3h', 'tomorrow9', 'pick'] as const;
export type CallbackPreset = (typeof CALLBACK_PRESETS)[number];
export type CallbackTimeProblem = 'missing' | 'past' | 'tooFar';

/** The time a preset stands for (local time; minutes rounded up to the next 5), or the picked one. */
export function callbackTime(preset: CallbackPreset, now: Date, picked?: Date | null): Date | null {
  if (preset === 'pick') return picked ?? null;
  if (preset === 'tomorrow9') return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  const t = new Date(now.getTime() + (preset === '1h' ? 1 : 3) * 3_600_000);
  const step = 5 * 60_000;
  return new Date(Math.ceil(t.getTime() / step) * step);
}

/** What is wrong with the time, or null. */
export function callbackTimeProblem(at: Date | null, now: Date): CallbackTimeProblem | null {
  if (!at) return 'missing';
  if (at.getTime() <= now.getTime()) return 'past';
  if (at.getTime() - now.getTime() > CALLBACK_SCHEDULE_MAX_DAYS * 86_400_000) return 'tooFar';
  return null;
}
