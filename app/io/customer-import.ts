// The customer import type: its columns (Chinese and English header names), how one row
// becomes a customer (validation, phone splitting and normalization), and its template.
import type { NumberRange } from '../config.js';
import type { CustomerUpsertRow } from '../crm/crm.bulk.js';
import type { CustomFields } from '../crm/crm.schemas.js';
import { normalizePhone } from '../crm/phone.js';
import { CellError, cellText, type Cell, type SheetRow } from './cells.js';
import { textProblem } from '../http/validate.js';
import { MIN_PHONE_DIGITS, parseDay, parseEmails, parseTags, tooShortForPhone } from './customer-values.js';
import type { ColumnMap, ImportField } from './headers.js';
import { unneutralize } from './sanitize.js';

export interface RowError {
  row: number;
  column?: string;
  message: string;
  /** What kind of problem (stable; the console words it in its language from `code` and `params`). */
  code?: string;
  params?: Record<string, string | number>;
}

/** The kinds of problem a row of the file can have (the console words each; the in-file and database ones are in customer-merge.ts and crm.bulk.ts). */
export const ROW_PROBLEMS = [
  'cell_error', 'boolean', 'bad_text', 'bad_id', 'name_required', 'too_long', 'bad_vip', 'too_many_tags', 'too_many_emails', 'bad_date',
  'phone_short', 'bad_phone', 'phone_required', 'too_many_phones', 'bad_tag', 'bad_email',
] as const;
export type RowProblemCode = (typeof ROW_PROBLEMS)[number];
/** A problem's kind and values, beside its English words. */
export type RowProblem = { error: string; code: RowProblemCode; params?: Record<string, string | number> };
const problem = (error: string, code: RowProblemCode, params?: Record<string, string | number>): RowProblem => (params ? { error, code, params } : { error, code });

export const CUSTOMER_FIELDS: readonly ImportField[] = [
  { key: 'id', required: false, headers: ['客户id', '客户ID', 'customer id', 'uuid'], label: { zh: 'ID', en: 'ID' } },
  { key: 'name', required: true, headers: ['名称', '客户名称', '客户姓名', '客户', '联系人', 'customer name', 'full name', 'customer'], label: { zh: '姓名', en: 'Name' } },
  {
    key: 'phones',
    required: true,
    multiple: true,
    headers: ['手机', '手机号', '手机号码', '电话号码', '联系电话', '联系方式', '座机', 'phones', 'phone number', 'phone numbers', 'mobile', 'tel', 'telephone'],
    label: { zh: '电话', en: 'Phone' },
  },
  { key: 'company', required: false, headers: ['公司名称', '单位', '工作单位', '企业', 'company name', 'organization', 'organisation'], label: { zh: '公司', en: 'Company' } },
  { key: 'vipLevel', required: false, headers: ['vip级别', 'vip', '会员等级', 'vip level', 'viplevel'], label: { zh: 'VIP等级', en: 'VIP level' } },
  {
    key: 'region',
    required: false,
    multiple: true,
    headers: ['地区', '省份', '城市', '所在地', '所在地区', '所在城市', '区域', '省市', '地域', 'region', 'province', 'city', 'area'],
    label: { zh: '地区', en: 'Region' },
  },
  { key: 'address', required: false, headers: ['联系地址', '通讯地址', '详细地址', '住址', 'address'], label: { zh: '地址', en: 'Address' } },
  { key: 'emails', required: false, multiple: true, headers: ['邮箱', '电子邮箱', '邮箱地址', '电子邮件', '邮件', 'email', 'e-mail', 'emails', 'mail', 'email address'], label: { zh: '邮箱', en: 'Email' } },
  { key: 'tags', required: false, multiple: true, headers: ['客户标签', '分类标签', 'tags', 'tag', 'labels', 'label'], label: { zh: '标签', en: 'Tags' } },
  { key: 'notes', required: false, headers: ['备注信息', '说明', '描述', 'note', 'notes', 'remark', 'remarks', 'comment', 'comments'], label: { zh: '备注', en: 'Notes' } },
  {
    key: 'registeredOn',
    required: false,
    headers: ['注册时间', '开户日期', '开户时间', '入会日期', '加入日期', '登记日期', '注册', 'registered', 'registered on', 'registration date', 'signup date', 'sign-up date', 'joined', 'member since'],
    label: { zh: '注册日期', en: 'Registered on' },
  },
];

/** Where the columns the CRM has no column for go: custom fields of these names. */
export const CUSTOM_FIELD_OF: Readonly<Record<string, string>> = { notes: 'notes', registeredOn: 'registeredOn' };

export interface RowOptions {
  /** Numbers shorter than a phone number that are accepted (internal numbers). */
  internalNumbers: readonly NumberRange[];
}

/** Columns of our own export (and common row numbers) that import reads past silently. */
export const CUSTOMER_IGNORED_HEADERS = ['创建时间', '更新时间', 'created', 'updated', 'created at', 'updated at', '序号', 'no.', '#'];

export const CUSTOMER_TEMPLATE = {
  sheet: { zh: '客户', en: 'Customers' },
  fields: ['name', 'phones', 'company', 'vipLevel', 'region', 'tags', 'emails', 'notes', 'registeredOn'],
  example: ['张三', '13800138000, 010-62345678', '北京示例科技有限公司', 1, '北京', 'VIP、老客户', 'zhangsan@example.com', '周末联系', '2024-05-01'] as Cell[],
  notes: {
    zh: [
      ['姓名', '必填，最多 128 个字符'],
      ['电话', '必填；多个号码用逗号、分号、斜杠或空格分隔（如 13800138000, 010-62345678）；少于 7 位的号码只接受配置的内部号码'],
      ['公司', '可选，最多 128 个字符'],
      ['VIP等级', '可选，0 到 9 的整数，空白为 0'],
      ['地区', '可选，最多 64 个字符；省份、城市分两列时合并'],
      ['标签', '可选；多个标签用顿号、逗号、分号或斜杠分隔'],
      ['邮箱', '可选；多个地址用逗号或分号分隔'],
      ['备注', '可选，最多 1000 个字符（存入自定义字段 notes）'],
      ['注册日期', '可选，如 2024-05-01、2024/5/1、2024年5月1日或日期单元格（存入自定义字段 registeredOn）'],
      ['ID', '可选列：填入导出的客户 ID 可按 ID 更新；不填时按电话号码匹配已有客户'],
      ['重复', '同一客户（号码相同且姓名相同）在文件中出现多次时合并为一行'],
      ['公式', '不接受公式，请粘贴为数值'],
    ],
    en: [
      ['Name', 'required, at most 128 characters'],
      ['Phone', 'required; several numbers separated by , ; / or spaces (e.g. 13800138000, 010-62345678); numbers under 7 digits only if they are configured internal numbers'],
      ['Company', 'optional, at most 128 characters'],
      ['VIP level', 'optional, a whole number from 0 to 9; empty means 0'],
      ['Region', 'optional, at most 64 characters; province and city columns are joined'],
      ['Tags', 'optional; several tags separated by 、 , ; or /'],
      ['Email', 'optional; several addresses separated by , or ;'],
      ['Notes', 'optional, at most 1000 characters (custom field notes)'],
      ['Registered on', 'optional, e.g. 2024-05-01, 2024/5/1, 2024年5月1日 or a date cell (custom field registeredOn)'],
      ['ID', 'optional column: an exported customer ID updates that customer; without it, customers are matched by phone number'],
      ['Duplicates', 'the same customer (same phone and same name) on several rows is merged into one'],
      ['Formulas', 'not accepted: paste values only'],
    ],
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PHONES = 20;

/**
 * Phone numbers in one cell. Separators: , ; / 、，； and line breaks always; spaces only when
 * every space-separated piece is a whole number of 7+ digits ("13800138000 13900139000"),
 * so "010 6234 5678" or "+86 138 0013 8000" stay one number.
 */
export function splitPhones(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;/，；、\n]+/)) {
    const p = part.trim();
    if (!p) continue;
    const pieces = p.split(/\s+/);
    if (pieces.length > 1 && pieces.every((x) => x.replace(/\D/g, '').length >= 7 && normalizePhone(x))) out.push(...pieces);
    else out.push(p);
  }
  return out;
}

type Text = { ok: string } | RowProblem;

/** A cell's text, its export neutralization undone; `trim` for names and IDs (as the API does). */
function text(cell: Cell | undefined, trim: boolean): Text {
  if (cell instanceof CellError) return problem(`the cell holds the error value ${cell.code}`, 'cell_error', { value: cell.code });
  if (typeof cell === 'boolean') return problem(`expected text, found ${cell ? 'TRUE' : 'FALSE'}`, 'boolean', { value: cell ? 'TRUE' : 'FALSE' });
  const t = cellText(cell);
  // The API's text rule (http/validate): no NUL, no unpaired surrogate is ever stored.
  const bad = textProblem(t);
  if (bad) return problem(`the text ${bad}`, 'bad_text');
  return { ok: unneutralize(trim ? t.trim() : t) };
}

export function validateCustomerRow(r: SheetRow, map: ColumnMap, opts: RowOptions = { internalNumbers: [] }): { ok: CustomerUpsertRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const cols = (field: string) => map.fields.get(field) ?? [];
  const fail = (i: number, message: string, code?: RowProblemCode, params?: Record<string, string | number>) =>
    errors.push({ row: r.row, column: map.headers[i], message, ...(code ? { code } : {}), ...(params ? { params } : {}) });
  const failWith = (i: number, p: RowProblem) => fail(i, p.error, p.code, p.params);
  /** The text of a field's column: undefined without the column, null when the cell is unusable. */
  const read = (field: string, trim = true): string | null | undefined => {
    const i = cols(field)[0];
    if (i === undefined) return undefined;
    const t = text(r.cells[i], trim);
    if ('ok' in t) return t.ok;
    failWith(i, t);
    return null;
  };
  const out: CustomerUpsertRow = { row: r.row, name: '', phones: [] };
  const id = read('id');
  if (id) {
    if (UUID.test(id)) out.id = id.toLowerCase();
    else fail(cols('id')[0]!, `"${id}" is not a customer ID (leave it empty to match by phone)`, 'bad_id', { value: id });
  }
  const name = read('name');
  if (name === '') fail(cols('name')[0]!, 'a name is required', 'name_required');
  else if (name && name.length > 128) fail(cols('name')[0]!, 'the name is longer than 128 characters', 'too_long', { max: 128 });
  out.name = name ?? '';
  const company = read('company', false);
  if (company && company.length > 128) fail(cols('company')[0]!, 'the company is longer than 128 characters', 'too_long', { max: 128 });
  if (company !== undefined && company !== null) out.company = company;
  const vipIndex = cols('vipLevel')[0];
  const vipCell = vipIndex === undefined ? undefined : r.cells[vipIndex];
  const vip = typeof vipCell === 'number' ? vipCell : read('vipLevel');
  if (vip !== undefined && vip !== null) {
    const n = typeof vip === 'number' ? vip : vip === '' ? 0 : /^\d{1,2}$/.test(vip) ? Number(vip) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 9) out.vipLevel = n;
    else fail(vipIndex!, `VIP level "${cellText(vipCell ?? null)}" is not a whole number from 0 to 9`, 'bad_vip', { value: cellText(vipCell ?? null) });
  }
  const address = read('address');
  if (address && address.length > 255) fail(cols('address')[0]!, 'the address is longer than 255 characters', 'too_long', { max: 255 });
  if (address !== undefined && address !== null) out.address = address;
  if (cols('region').length) {
    const parts = cols('region').map((i) => ({ i, t: text(r.cells[i], true) }));
    for (const p of parts) if ('error' in p.t) failWith(p.i, p.t);
    const region = parts.flatMap((p) => ('ok' in p.t && p.t.ok ? [p.t.ok] : [])).join(' ');
    if (region.length > 64) fail(cols('region')[0]!, 'the region is longer than 64 characters', 'too_long', { max: 64 });
    out.region = region;
  }
  for (const [field, parse] of [['emails', parseEmails], ['tags', parseTags]] as const) {
    const values = new Set<string>();
    for (const i of cols(field)) {
      const t = text(r.cells[i], true);
      const parsed = 'ok' in t ? parse(t.ok) : t;
      if ('error' in parsed) failWith(i, parsed);
      else parsed.ok.forEach((v) => values.add(v));
    }
    if (values.size) out[field] = [...values];
  }
  if ((out.tags?.length ?? 0) > 50) fail(cols('tags')[0]!, 'more than 50 tags', 'too_many_tags', { max: 50 });
  if ((out.emails?.length ?? 0) > MAX_PHONES) fail(cols('emails')[0]!, `more than ${MAX_PHONES} email addresses`, 'too_many_emails', { max: MAX_PHONES });
  const fields: CustomFields = {};
  const notes = read('notes');
  if (notes && notes.length > 1000) fail(cols('notes')[0]!, 'the notes are longer than 1000 characters', 'too_long', { max: 1000 });
  else if (notes) fields[CUSTOM_FIELD_OF.notes!] = notes;
  const dateIndex = cols('registeredOn')[0];
  if (dateIndex !== undefined) {
    const cell = r.cells[dateIndex];
    const day = parseDay(typeof cell === 'string' ? unneutralize(cell) : cell);
    if (day) fields[CUSTOM_FIELD_OF.registeredOn!] = day;
    else if (cell !== null && cell !== undefined && cellText(cell).trim() !== '') fail(dateIndex, `"${cellText(cell)}" is not a date (such as 2024-05-01)`, 'bad_date', { value: cellText(cell) });
  }
  if (Object.keys(fields).length) out.customFields = fields;
  const phones = new Set<string>();
  let unusable = false;
  for (const i of cols('phones')) {
    const t = text(r.cells[i], true);
    if ('error' in t) {
      failWith(i, t);
      unusable = true;
      continue;
    }
    for (const raw of splitPhones(t.ok)) {
      const phone = normalizePhone(unneutralize(raw));
      if (phone && tooShortForPhone(phone, opts.internalNumbers)) {
        fail(i, `"${raw}" is too short for a phone number (at least ${MIN_PHONE_DIGITS} digits, unless it is an internal number)`, 'phone_short', { value: raw, min: MIN_PHONE_DIGITS });
        unusable = true;
      } else if (phone) phones.add(phone);
      else {
        fail(i, `"${raw}" is not a phone number`, 'bad_phone', { value: raw });
        unusable = true;
      }
    }
  }
  if (phones.size === 0 && !unusable) fail(cols('phones')[0]!, 'at least one phone number is required', 'phone_required');
  if (phones.size > MAX_PHONES) fail(cols('phones')[0]!, `more than ${MAX_PHONES} phone numbers`, 'too_many_phones', { max: MAX_PHONES });
  out.phones = [...phones];
  return errors.length ? { errors } : { ok: out };
}
