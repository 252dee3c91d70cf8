// The customer import type: its columns (Chinese and English header names), how one row
// becomes a customer (validation, phone splitting and normalization), and its template.
import type { CustomerUpsertRow } from '../crm/crm.bulk.js';
import { normalizePhone } from '../crm/phone.js';
import { CellError, cellText, type Cell, type SheetRow } from './cells.js';
import type { ColumnMap, ImportField } from './headers.js';
import { unneutralize } from './sanitize.js';

export interface RowError {
  row: number;
  column?: string;
  message: string;
}

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
];

/** Columns of our own export (and common row numbers) that import reads past silently. */
export const CUSTOMER_IGNORED_HEADERS = ['创建时间', '更新时间', 'created', 'updated', 'created at', 'updated at', '序号', 'no.', '#'];

export const CUSTOMER_TEMPLATE = {
  sheet: { zh: '客户', en: 'Customers' },
  fields: ['name', 'phones', 'company', 'vipLevel'],
  example: ['张三', '13800138000, 010-62345678', '北京示例科技有限公司', 1] as Cell[],
  notes: {
    zh: [
      ['姓名', '必填，最多 128 个字符'],
      ['电话', '必填；多个号码用逗号、分号、斜杠或空格分隔（如 13800138000, 010-62345678）'],
      ['公司', '可选，最多 128 个字符'],
      ['VIP等级', '可选，0 到 9 的整数，空白为 0'],
      ['ID', '可选列：填入导出的客户 ID 可按 ID 更新；不填时按电话号码匹配已有客户'],
      ['公式', '不接受公式，请粘贴为数值'],
    ],
    en: [
      ['Name', 'required, at most 128 characters'],
      ['Phone', 'required; several numbers separated by , ; / or spaces (e.g. 13800138000, 010-62345678)'],
      ['Company', 'optional, at most 128 characters'],
      ['VIP level', 'optional, a whole number from 0 to 9; empty means 0'],
      ['ID', 'optional column: an exported customer ID updates that customer; without it, customers are matched by phone number'],
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

type Text = { ok: string } | { error: string };

/** A cell's text, its export neutralization undone; `trim` for names and IDs (as the API does). */
function text(cell: Cell | undefined, trim: boolean): Text {
  if (cell instanceof CellError) return { error: `the cell holds the error value ${cell.code}` };
  if (typeof cell === 'boolean') return { error: `expected text, found ${cell ? 'TRUE' : 'FALSE'}` };
  const t = cellText(cell);
  return { ok: unneutralize(trim ? t.trim() : t) };
}

export function validateCustomerRow(r: SheetRow, map: ColumnMap): { ok: CustomerUpsertRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const cols = (field: string) => map.fields.get(field) ?? [];
  const fail = (i: number, message: string) => errors.push({ row: r.row, column: map.headers[i], message });
  /** The text of a field's column: undefined without the column, null when the cell is unusable. */
  const read = (field: string, trim = true): string | null | undefined => {
    const i = cols(field)[0];
    if (i === undefined) return undefined;
    const t = text(r.cells[i], trim);
    if ('ok' in t) return t.ok;
    fail(i, t.error);
    return null;
  };
  const out: CustomerUpsertRow = { row: r.row, name: '', phones: [] };
  const id = read('id');
  if (id) {
    if (UUID.test(id)) out.id = id.toLowerCase();
    else fail(cols('id')[0]!, `"${id}" is not a customer ID (leave it empty to match by phone)`);
  }
  const name = read('name');
  if (name === '') fail(cols('name')[0]!, 'a name is required');
  else if (name && name.length > 128) fail(cols('name')[0]!, 'the name is longer than 128 characters');
  out.name = name ?? '';
  const company = read('company', false);
  if (company && company.length > 128) fail(cols('company')[0]!, 'the company is longer than 128 characters');
  if (company !== undefined && company !== null) out.company = company;
  const vipIndex = cols('vipLevel')[0];
  const vipCell = vipIndex === undefined ? undefined : r.cells[vipIndex];
  const vip = typeof vipCell === 'number' ? vipCell : read('vipLevel');
  if (vip !== undefined && vip !== null) {
    const n = typeof vip === 'number' ? vip : vip === '' ? 0 : /^\d{1,2}$/.test(vip) ? Number(vip) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 9) out.vipLevel = n;
    else fail(vipIndex!, `VIP level "${cellText(vipCell ?? null)}" is not a whole number from 0 to 9`);
  }
  const phones = new Set<string>();
  let unusable = false;
  for (const i of cols('phones')) {
    const t = text(r.cells[i], true);
    if ('error' in t) {
      fail(i, t.error);
      unusable = true;
      continue;
    }
    for (const raw of splitPhones(t.ok)) {
      const phone = normalizePhone(unneutralize(raw));
      if (phone) phones.add(phone);
      else {
        fail(i, `"${raw}" is not a phone number`);
        unusable = true;
      }
    }
  }
  if (phones.size === 0 && !unusable) fail(cols('phones')[0]!, 'at least one phone number is required');
  if (phones.size > MAX_PHONES) fail(cols('phones')[0]!, `more than ${MAX_PHONES} phone numbers`);
  out.phones = [...phones];
  return errors.length ? { errors } : { ok: out };
}
