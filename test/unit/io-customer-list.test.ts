// The columns a customer list usually has (region, tags, email, address, notes, a date), short
// numbers and internal ranges, and the same customer twice in one file: the pure parts.
import { expect } from 'chai';
import { loadConfig, numberRangesProblem, parseNumberRanges } from '../../app/config.js';
import type { CustomerUpsertRow } from '../../app/crm/crm.bulk.js';
import { CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, validateCustomerRow } from '../../app/io/customer-import.js';
import { InFileRows } from '../../app/io/customer-merge.js';
import { parseDay, parseEmails, parseTags, tooShortForPhone } from '../../app/io/customer-values.js';
import { HeaderDictionary, mapHeaderRow } from '../../app/io/headers.js';

const dict = new HeaderDictionary(CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS);

describe('io: customer list columns', () => {
  it('maps the columns a customer list usually has, in Chinese and English', () => {
    const headers = ['姓名', '电话', '公司', '地区', '省份', '城市', '标签', '邮箱', 'E-mail', '地址', '备注', '注册日期', 'Registration date', '客户来源'];
    expect(headers.map((h) => dict.resolve(h))).to.deep.equal([
      'name', 'phones', 'company', 'region', 'region', 'region', 'tags', 'emails', 'emails', 'address', 'notes', 'registeredOn', 'registeredOn', null,
    ]);
  });

  it('splits tags on Chinese and Latin separators, normalized as the CRM stores them', () => {
    expect(parseTags('VIP、老客户，批发; Wholesale|华东/重点\n回访')).to.deep.equal({ ok: ['vip', '老客户', '批发', 'wholesale', '华东', '重点', '回访'] });
    expect(parseTags(' 高 价值 ')).to.deep.equal({ ok: ['高 价值'] });
    expect(parseTags('x'.repeat(65))).to.have.property('error').that.contains('is not a tag');
  });

  it('splits and checks email addresses', () => {
    expect(parseEmails('A@Example.com; b@example.cn，c@x.org d@y.io')).to.deep.equal({ ok: ['a@example.com', 'b@example.cn', 'c@x.org', 'd@y.io'] });
    expect(parseEmails('a@x.com, not-an-email')).to.deep.equal({ error: '"not-an-email" is not an email address: not a valid email address', code: 'bad_email', params: { value: 'not-an-email' } });
  });

  it('reads dates as Excel, LibreOffice and people write them', () => {
    const cases: Array<[unknown, string | null]> = [
      [45047, '2023-05-01'], // an Excel serial day (a date cell read without its style)
      [45047.75, '2023-05-01'],
      [20230501, '2023-05-01'],
      ['2023-05-01T00:00:00.000Z', '2023-05-01'], // a date cell read as a Date
      ['2023-05-01', '2023-05-01'],
      ['2023/5/1', '2023-05-01'],
      ['2023.05.01 14:30', '2023-05-01'],
      ['2023年5月1日', '2023-05-01'],
      ['２０２３－０５－０１', '2023-05-01'],
      ['20230501', '2023-05-01'],
      ['2023-02-30', null],
      ['yesterday', null],
      ['5/1/2023', null],
      [true, null],
    ];
    for (const [cell, day] of cases) expect(parseDay(cell as never), JSON.stringify(cell)).to.equal(day);
  });

  it('a number too short for a phone is refused unless it is in an internal range', () => {
    const ranges = parseNumberRanges('8000-8999, 95588');
    expect(ranges).to.deep.equal([{ from: '8000', to: '8999' }, { from: '95588', to: '95588' }]);
    expect(['12345', '8001', '95588', '800', '80000', '6234567', '+12345'].filter((p) => tooShortForPhone(p, ranges))).to.deep.equal(['12345', '800', '80000', '+12345']);
    expect(numberRangesProblem('')).to.equal(null);
    expect(numberRangesProblem('8000-899')).to.contain('same number of digits');
    expect(numberRangesProblem('9000-8000')).to.contain('ends before it starts');
    expect(numberRangesProblem('abc')).to.contain('not a number');
    expect(loadConfig({ HOTLINE_IMPORT_INTERNAL_NUMBERS: '8000-8999' }).io.internalNumbers).to.deep.equal([{ from: '8000', to: '8999' }]);
    expect(loadConfig({}).io.internalNumbers).to.deep.equal([]);
    expect(() => loadConfig({ HOTLINE_IMPORT_INTERNAL_NUMBERS: '1-22' })).to.throw(/HOTLINE_IMPORT_INTERNAL_NUMBERS: "1-22"/);
  });

  it('a whole row: region columns joined, tags and emails, notes and the date into custom fields, short phones refused', () => {
    const map = mapHeaderRow(['姓名', '电话', '省份', '城市', '标签', '邮箱', '备注', '注册日期'], CUSTOMER_FIELDS, dict).map;
    const row = (cells: unknown[], internalNumbers = parseNumberRanges('8000-8999')) => validateCustomerRow({ row: 3, cells: cells as never }, map, { internalNumbers });
    expect(row(['张三', '138 0013 8000 / 8001', '广东', '深圳', 'VIP、老客户', 'zs@example.com', '周末联系', 45047])).to.deep.equal({
      ok: {
        row: 3, name: '张三', phones: ['13800138000', '8001'], region: '广东 深圳', tags: ['vip', '老客户'], emails: ['zs@example.com'],
        customFields: { notes: '周末联系', registeredOn: '2023-05-01' },
      },
    });
    expect(row(['李四', '12345', '', '', '', '', '', ''])).to.deep.equal({
      errors: [{ row: 3, column: '电话', message: '"12345" is too short for a phone number (at least 7 digits, unless it is an internal number)', code: 'phone_short', params: { value: '12345', min: 7 } }],
    });
    expect(row(['王五', '13900139000', '', '', '', 'nope', '', '明天'])).to.deep.equal({
      errors: [
        { row: 3, column: '邮箱', message: '"nope" is not an email address: not a valid email address', code: 'bad_email', params: { value: 'nope' } },
        { row: 3, column: '注册日期', message: '"明天" is not a date (such as 2024-05-01)', code: 'bad_date', params: { value: '明天' } },
      ],
    });
  });
});

describe('io: the same customer twice in one file', () => {
  const r = (row: number, name: string, phones: string[], more: Partial<CustomerUpsertRow> = {}): CustomerUpsertRow => ({ row, name, phones, ...more });

  it('same phone and same name: merged into the first row, lists joined, first values kept', () => {
    const rows = new InFileRows();
    expect(rows.add(r(2, '张三', ['13800138000'], { company: '', tags: ['vip'], region: '北京' }))).to.deep.equal({ kind: 'new' });
    expect(rows.add(r(5, ' 张三 ', ['13800138000', '01062345678'], { company: '示例公司', tags: ['老客户'], region: '上海', customFields: { notes: 'x' } }))).to.deep.equal({ kind: 'merged', into: 2 });
    // The phone the merged row brought belongs to row 2 now.
    expect(rows.add(r(9, '张三', ['01062345678']))).to.deep.equal({ kind: 'merged', into: 2 });
    expect(rows.combined(r(2, '张三', ['13800138000'], { company: '', tags: ['vip'], region: '北京' }))).to.deep.equal({
      row: 2, name: '张三', phones: ['13800138000', '01062345678'], company: '示例公司', region: '北京', tags: ['vip', '老客户'], customFields: { notes: 'x' },
    });
    expect(rows.mergedCount).to.equal(2);
  });

  it('same phone, another name; phones of two earlier rows; an ID twice: errors as before', () => {
    const rows = new InFileRows();
    rows.add(r(2, '张三', ['13800138000']));
    rows.add(r(3, '李四', ['13900139000'], { id: '11111111-1111-4111-8111-111111111111' }));
    expect(rows.add(r(4, '王五', ['13800138000']))).to.deep.equal({ kind: 'error', message: 'phone 13800138000 is also in row 2', code: 'phone_twice', params: { phone: '13800138000', row: 2 } });
    expect(rows.add(r(5, '张三', ['13800138000', '13900139000']))).to.deep.equal({ kind: 'error', message: 'phone 13800138000 is also in row 2', code: 'phone_twice', params: { phone: '13800138000', row: 2 } });
    expect(rows.add(r(6, '赵六', ['13700137000'], { id: '11111111-1111-4111-8111-111111111111' }))).to.deep.equal({
      kind: 'error', message: 'customer ID 11111111-1111-4111-8111-111111111111 is also in row 3', code: 'id_twice', params: { id: '11111111-1111-4111-8111-111111111111', row: 3 },
    });
    expect(rows.add(r(7, '李四', ['13900139000'], { id: '22222222-2222-4222-8222-222222222222' }))).to.deep.equal({ kind: 'error', message: 'phone 13900139000 is also in row 3', code: 'phone_twice', params: { phone: '13900139000', row: 3 } });
    expect(rows.mergedCount).to.equal(0);
  });
});
