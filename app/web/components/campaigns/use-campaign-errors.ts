// campaignErrorText (campaign-errors.ts) with the page's words: the current language's t and te,
// times as the page shows them, statuses in words, and every other failure as notify.ts says it.
import { useI18n } from 'vue-i18n';
import { errorText } from '../notify';
import { campaignErrorText } from './campaign-errors';

export function useCampaignErrors() {
  const { t, te, locale } = useI18n();
  const time = (iso: string) => new Intl.DateTimeFormat(locale.value, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
  const status = (s: string) => (te(`campaigns.status.${s}`) ? t(`campaigns.status.${s}`) : s);
  return (err: unknown, name = '') => campaignErrorText({ t, te, time, status, fallback: errorText }, err, name);
}
