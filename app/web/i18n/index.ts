// zh-CN and en, every string in both. The language: the user's choice, else Chinese when the
// browser asks for any Chinese, else English. A key missing in the current language is recorded
// (window.__hotlineMissingKeys; the e2e tests fail on one) and shown as the key, never blank.
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const KEY = 'hotline.locale';

export function preferredLocale(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  return langs.some((l) => /^zh\b/i.test(l)) ? 'zh-CN' : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: preferredLocale(),
  fallbackLocale: false,
  missingWarn: false,
  fallbackWarn: false,
  messages: { 'zh-CN': zhCN, en },
  datetimeFormats: {
    'zh-CN': { short: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }, long: { month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false } },
    en: { short: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }, long: { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false } },
  },
  missing: (locale, key) => {
    (window.__hotlineMissingKeys ??= []).push(`${locale}:${key}`);
    return key;
  },
});

export function setLocale(l: Locale): void {
  localStorage.setItem(KEY, l);
  i18n.global.locale.value = l;
  document.documentElement.lang = l;
}

/** A label in the current language from a {zh-CN, en} map (break reasons, dispositions). */
export function pickLabel(labels: Record<string, string> | undefined, fallback: string): string {
  const l = i18n.global.locale.value;
  return labels?.[l] ?? labels?.en ?? fallback;
}
