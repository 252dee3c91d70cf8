// The customer import's row problems in the console's two languages: every kind a row can be
// refused for (in the file, between rows of the file, against the stored customers) has a text
// in zh-CN and en that takes the values the problem carries.
import { expect } from 'chai';
import { UPSERT_REJECTIONS } from '../../app/crm/crm.bulk.js';
import { CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, ROW_PROBLEMS, validateCustomerRow } from '../../app/io/customer-import.js';
import { IN_FILE_PROBLEMS } from '../../app/io/customer-merge.js';
import { HeaderDictionary, mapHeaderRow } from '../../app/io/headers.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';
import { textOf } from '../support/i18n-text.js';

const text = textOf;

describe('customer import: row problems in both languages', () => {
  it('every kind of row problem has a text in zh-CN and en', () => {
    const codes = [...ROW_PROBLEMS, ...IN_FILE_PROBLEMS, ...UPSERT_REJECTIONS];
    expect(new Set(codes).size).to.be.greaterThan(20);
    for (const messages of [en, zhCN]) for (const code of codes) expect(text(messages, `admin.data.rowProblem.${code}`, { value: 'v', max: 1, min: 1, id: 'i', row: 1, phone: 'p' })).to.not.equal('');
  });

  it('a refused row is worded from its code and values', () => {
    const map = mapHeaderRow(['姓名', '电话', '注册日期'], CUSTOMER_FIELDS, new HeaderDictionary(CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS)).map;
    const bad = validateCustomerRow({ row: 4, cells: ['王五', '12345', '明天'] as never }, map, { internalNumbers: [] });
    expect('errors' in bad).to.equal(true);
    const errors = 'errors' in bad ? bad.errors : [];
    expect(errors.map((e) => text(zhCN, `admin.data.rowProblem.${e.code}`, e.params))).to.deep.equal([
      '“明天”不是日期（例如 2024-05-01）',
      '“12345”太短，不是电话号码（至少 7 位数字，内部号码除外）',
    ]);
    expect(errors.map((e) => text(en, `admin.data.rowProblem.${e.code}`, e.params))).to.deep.equal([
      '"明天" is not a date (such as 2024-05-01)',
      '"12345" is too short for a phone number (at least 7 digits, unless it is an internal number)',
    ]);
  });
});
