// The contacts list's rows (campaign.import.ts, after the io module's readers): which column is
// the phone and the name (Chinese or English headers), the others into fields, every bad row
// named, nothing returned when one is bad.
import { expect } from 'chai';
import { readRows } from '../../app/campaign/campaign.import.js';

async function* sheet(rows: unknown[][]) {
  let n = 0;
  for (const cells of rows) yield { row: ++n, cells };
}
const failure = async (rows: unknown[][]) => {
  try {
    await readRows(sheet(rows));
  } catch (err) {
    return err as { status: number; code: string; details: { rows: Array<{ row: number; message: string }> } };
  }
  throw new Error('the list was accepted');
};

describe('campaign contacts import rows', () => {
  it('finds 手机号 and 客户姓名, puts the other columns into fields, reads numbers as text', async () => {
    const rows = await readRows(sheet([['客户姓名', '手机号', '城市', '备注'], ['张三', 13800138000, '上海', null], ['李四', '+86 139 0013 9000', '', '老客户']]));
    expect(rows).to.deep.equal([
      { row: 2, phone: '13800138000', name: '张三', fields: { 城市: '上海' } },
      { row: 3, phone: '+86 139 0013 9000', name: '李四', fields: { 备注: '老客户' } },
    ]);
    expect((await readRows(sheet([['Mobile', 'Name'], ['13800138000', 'Ann']])))[0]).to.deep.include({ phone: '13800138000', name: 'Ann' });
  });

  it('names every bad row (400 import_invalid) and returns nothing', async () => {
    const e = await failure([['电话', '姓名'], ['13800138000', 'ok'], ['not a phone', 'x'], ['', 'y'], ['13800138001', 'z']]);
    expect([e.status, e.code]).to.deep.equal([400, 'import_invalid']);
    expect(e.details.rows).to.deep.equal([{ row: 3, message: 'not a phone is not a phone number' }, { row: 4, message: 'the phone is empty' }]);
  });

  it('refuses a list without a phone column, with a column twice, with more than 20 own columns, or empty', async () => {
    expect((await failure([['姓名', '城市'], ['张三', '上海']])).details.rows[0]!.message).to.match(/no phone column/);
    expect((await failure([['电话', '城市', '城市'], ['13800138000', 'a', 'b']])).details.rows[0]!.message).to.match(/named twice/);
    expect((await failure([['电话', ...Array.from({ length: 21 }, (_, i) => `c${i}`)], ['13800138000']])).details.rows[0]!.message).to.match(/at most 20/);
    expect((await failure([])).details.rows[0]!.row).to.equal(1);
    expect((await failure([['电话']])).details.rows[0]!.message).to.match(/no contact/);
  });
});
