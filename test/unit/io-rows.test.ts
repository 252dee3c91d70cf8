// Header mapping, row validation, phone splitting, formula neutralization, exceljs cell
// conversion and the UTF-8-safe XML parser: the pure parts of import and export.
import { expect } from 'chai';
import { parseSaxFactory } from '../../app/io/exceljs.js';
import { CellError } from '../../app/io/cells.js';
import { CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, splitPhones, validateCustomerRow } from '../../app/io/customer-import.js';
import { HeaderDictionary, mapHeaderRow, normalizeHeader } from '../../app/io/headers.js';
import { DEFAULT_LIMITS } from '../../app/io/limits.js';
import { neutralize, unneutralize } from '../../app/io/sanitize.js';
import { toCell } from '../../app/io/xlsx-reader.js';

const dict = (saved: Array<[string, string]> = []) => new HeaderDictionary(CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, new Map(saved));
const mapOf = (headers: string[]) => mapHeaderRow(headers, CUSTOMER_FIELDS, dict()).map;

describe('io: headers', () => {
  it('normalizes width, case, spaces and required marks', () => {
    expect(normalizeHeader(' ＶＩＰ 等级* ')).to.equal('vip等级');
    expect(normalizeHeader('Phone Number（必填）')).to.equal('phonenumber');
    expect(normalizeHeader('创建时间 (UTC)')).to.equal('创建时间');
  });

  it('maps Chinese and English names, "电话/Phone" pairs, several phone columns; unknown is ignored', () => {
    const d = dict();
    expect(['姓名', 'NAME', '客户名称', '手机号码', 'Tel', 'VIP Level', '单位', '电话 / Phone', '姓名(Name)'].map((h) => d.resolve(h))).to.deep.equal([
      'name', 'name', 'name', 'phones', 'phones', 'vipLevel', 'company', 'phones', 'name',
    ]);
    expect(d.resolve('姓名/电话'), 'parts naming two fields').to.equal(null);
    const attempt = mapHeaderRow(['姓名', '手机', '座机', '备注', '创建时间', '客户来源'], CUSTOMER_FIELDS, d);
    expect(attempt.missing).to.deep.equal([]);
    expect(attempt.map.fields.get('phones')).to.deep.equal([1, 2]);
    expect(attempt.map.fields.get('notes')).to.deep.equal([3]);
    expect(attempt.map.ignored).to.deep.equal(['创建时间', '客户来源']);
  });

  it('reports missing and duplicate columns; a saved mapping wins; __proto__ is just a header', () => {
    const a = mapHeaderRow(['Name', 'Name'], CUSTOMER_FIELDS, dict());
    expect(a.missing.map((f) => f.key)).to.deep.equal(['phones']);
    expect(a.duplicates).to.deep.equal([{ field: 'name', headers: ['Name', 'Name'] }]);
    const saved = dict([['__proto__', 'name'], ['电话', 'company'], ['constructor', 'ignore']]);
    expect(saved.resolve('__proto__')).to.equal('name');
    expect(saved.resolve('电话')).to.equal('company');
    expect(saved.resolve('constructor')).to.equal('ignore');
    expect(dict().resolve('__proto__')).to.equal(null);
    expect(dict().resolve('toString')).to.equal(null);
  });
});

describe('io: customer rows', () => {
  const map = mapOf(['ID', '姓名', '电话', '公司', 'VIP等级']);
  const row = (cells: unknown[]) => validateCustomerRow({ row: 7, cells: cells as never }, map);

  it('splits phones on , ; / 、 and line breaks, and on spaces only between whole numbers', () => {
    expect(splitPhones('13800138000, 010-62345678；+86 21 5555 0000、13900139000/13700137000\n13600136000')).to.deep.equal([
      '13800138000', '010-62345678', '+86 21 5555 0000', '13900139000', '13700137000', '13600136000',
    ]);
    expect(splitPhones('13800138000 13900139000')).to.deep.equal(['13800138000', '13900139000']);
    expect(splitPhones('010 6234 5678')).to.deep.equal(['010 6234 5678']);
  });

  it('a good row: normalized, distinct phones; numbers as text; empty VIP is 0; company kept as written', () => {
    expect(row(['', ' 张三 ', '13800138000, 138-0013-8000; 00862155550000', ' 北京 ', null])).to.deep.equal({
      ok: { row: 7, name: '张三', company: ' 北京 ', vipLevel: 0, phones: ['13800138000', '02155550000'] },
    });
    expect(row(['', '李四', 13900139000, null, 3])).to.deep.equal({ ok: { row: 7, name: '李四', company: '', vipLevel: 3, phones: ['13900139000'] } });
  });

  it('every problem of a row, each with its column', () => {
    const bad = row(['x', '', 'abc, 12', true, '10']);
    expect(bad).to.deep.equal({
      errors: [
        { row: 7, column: 'ID', message: '"x" is not a customer ID (leave it empty to match by phone)', code: 'bad_id', params: { value: 'x' } },
        { row: 7, column: '姓名', message: 'a name is required', code: 'name_required' },
        { row: 7, column: '公司', message: 'expected text, found TRUE', code: 'boolean', params: { value: 'TRUE' } },
        { row: 7, column: 'VIP等级', message: 'VIP level "10" is not a whole number from 0 to 9', code: 'bad_vip', params: { value: '10' } },
        { row: 7, column: '电话', message: '"abc" is not a phone number', code: 'bad_phone', params: { value: 'abc' } },
        { row: 7, column: '电话', message: '"12" is not a phone number', code: 'bad_phone', params: { value: '12' } },
      ],
    });
    expect(row(['', 'a', '', null, null])).to.deep.equal({ errors: [{ row: 7, column: '电话', message: 'at least one phone number is required', code: 'phone_required' }] });
    expect(row(['', new CellError('#REF!'), '13800138000', null, 2.5])).to.deep.equal({
      errors: [
        { row: 7, column: '姓名', message: 'the cell holds the error value #REF!', code: 'cell_error', params: { value: '#REF!' } },
        { row: 7, column: 'VIP等级', message: 'VIP level "2.5" is not a whole number from 0 to 9', code: 'bad_vip', params: { value: '2.5' } },
      ],
    });
  });

  it('a cell holding a NUL or an unpaired surrogate is an error of its row (the API\'s text rule)', () => {
    expect(row(['', 'Ann\u0000Lee', '13800138000', 'A\ud800CME', null])).to.deep.equal({
      errors: [
        { row: 7, column: '姓名', message: 'the text contains a NUL character (U+0000)', code: 'bad_text' },
        { row: 7, column: '公司', message: 'the text contains an unpaired UTF-16 surrogate (not valid Unicode text)', code: 'bad_text' },
      ],
    });
  });

  it('undoes the export neutralization: \'=x becomes =x, \'+86… a phone again', () => {
    expect(row(['', "'=1+2", "'+8613800138000", "'@co", 1])).to.deep.equal({ ok: { row: 7, name: '=1+2', company: '@co', vipLevel: 1, phones: ['13800138000'] } });
  });
});

describe('io: formula neutralization', () => {
  it('prefixes text starting with = + - @ tab CR LF, and only that; import takes the prefix off again', () => {
    const cases = ['=1+2', '+1', '-1', '@A', '\tx', '\rx', '\nx', "'=x", "''+y", 'plain', "'plain", '', '中文=1', ' =1'];
    expect(cases.map(neutralize)).to.deep.equal(["'=1+2", "'+1", "'-1", "'@A", "'\tx", "'\rx", "'\nx", "''=x", "'''+y", 'plain', "'plain", '', '中文=1', ' =1']);
    for (const c of cases) expect(unneutralize(neutralize(c)), JSON.stringify(c)).to.equal(c);
  });
});

describe('io: exceljs cells', () => {
  const conv = (v: unknown) => toCell(v, () => 'C4', 4, DEFAULT_LIMITS);
  it('plain values; rich text and hyperlinks as text; error values; formulas refused with the cell', () => {
    expect([conv('a'), conv(1.5), conv(true), conv(null), conv(undefined), conv(Number.NaN)]).to.deep.equal(['a', 1.5, true, null, null, null]);
    expect(conv({ richText: [{ text: '张' }, { text: '三' }] })).to.equal('张三');
    expect(conv({ text: 'site', hyperlink: 'http://x' })).to.equal('site');
    expect(conv({ error: '#N/A' })).to.be.instanceOf(CellError);
    expect(() => conv({ formula: 'A1', result: 1 })).to.throw(/cell C4 holds a formula/);
    expect(() => conv({ sharedFormula: 'A1', result: 1 })).to.throw(/C4/);
    expect(() => conv('x'.repeat(DEFAULT_LIMITS.maxCellChars + 1))).to.throw(/longer than/);
  });
});

describe('io: UTF-8-safe XML parser (exceljs #2063)', () => {
  it('decodes characters cut between chunks', async () => {
    const { SaxesParser } = await import('saxes');
    const parse = parseSaxFactory(SaxesParser as never);
    const xml = Buffer.from('<root>大家好，才是真的好</root>');
    async function* pieces() {
      for (let i = 0; i < xml.length; i += 7) yield xml.subarray(i, i + 7);
    }
    let text = '';
    for await (const events of parse(pieces())) for (const e of events) if (e.eventType === 'text') text += e.value as string;
    expect(text).to.equal('大家好，才是真的好');
  });
});
