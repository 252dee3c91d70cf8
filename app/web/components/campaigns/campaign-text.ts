// How campaign values show: a status's tag colour, the calling hours in words, a result code's
// label (the campaign's own, or the system's words), a duration.
import type { CallingHours, CampaignResult } from '../../api/campaign-types';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';

export const statusTag = (s: string): TagType => (s === 'running' ? 'success' : s === 'paused' ? 'warning' : s === 'finished' ? 'info' : 'primary');
export const contactTag = (s: string): TagType => (s === 'done' ? 'success' : s === 'reserved' ? 'warning' : s === 'unreached' || s === 'blocked' ? 'danger' : s === 'cancelled' ? 'info' : 'primary');

/** "Mon–Fri 09:00–18:00 (Asia/Shanghai)" in the page's words. */
export function hoursText(t: Translate, h: CallingHours): string {
  const days = [...h.days].sort((a, b) => a - b);
  const consecutive = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const dayText = consecutive ? `${t(`campaigns.days.${days[0]}`)}–${t(`campaigns.days.${days[days.length - 1]}`)}` : days.map((d) => t(`campaigns.days.${d}`)).join(t('campaigns.listSep'));
  return t('campaigns.hoursText', { days: dayText, from: h.from, to: h.to, tz: h.timezone });
}

/** A result code in words: the campaign's label, the system's words, or the code. */
export function resultText(t: Translate, te: (k: string) => boolean, code: string | null, results: CampaignResult[], label?: string | null): string {
  if (!code) return '—';
  const own = results.find((r) => r.code === code);
  if (own) return own.label;
  if (te(`campaigns.systemResults.${code}`)) return t(`campaigns.systemResults.${code}`);
  return label || code;
}

export function talkTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
