// Empty import templates: the header row (required columns marked *), one example row, the
// phone column typed as text so Excel keeps leading zeros, and a sheet of notes.
import type { Writable } from 'node:stream';
import { CUSTOMER_FIELDS, CUSTOMER_TEMPLATE } from './customer-import.js';
import type { Lang } from './exports.js';
import { SheetWriter } from './xlsx-writer.js';

export async function writeCustomerTemplate(out: Writable, lang: Lang): Promise<void> {
  const fields = CUSTOMER_TEMPLATE.fields.map((key) => CUSTOMER_FIELDS.find((f) => f.key === key)!);
  const w = new SheetWriter(
    out,
    CUSTOMER_TEMPLATE.sheet[lang],
    fields.map((f) => ({ header: `${f.label[lang]}${f.required ? '*' : ''}`, width: f.key === 'phones' ? 32 : 20, numFmt: f.key === 'phones' ? '@' : undefined })),
  );
  w.add(CUSTOMER_TEMPLATE.example);
  w.addSheet(lang === 'zh' ? '说明' : 'Notes', [lang === 'zh' ? ['列', '说明'] : ['Column', 'Notes'], ...CUSTOMER_TEMPLATE.notes[lang]]);
  await w.finish();
}
