// The streaming CSV parser and the CSV scan: quoting, line ends, delimiters, chunking at any
// point, limits, and the encodings Chinese users' files come in.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvParser, guessDelimiter } from '../../app/io/csv-parse.js';
import { readCsvRows, scanCsv } from '../../app/io/csv-reader.js';
import { DEFAULT_LIMITS } from '../../app/io/limits.js';

function parseAll(text: string, chunk = text.length, delimiter = ',', limits = { cell: 1000, cols: 100 }) {
  const p = new CsvParser(delimiter, limits.cell, limits.cols);
  const out: Array<{ row: number; cells: string[] }> = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
  out.push(...p.end());
  return out;
}

describe('io: CSV parser', () => {
  const sample = '姓名,电话,备注\r\n"李四, Jr.","139 0013 9000","说 ""你好""\n第二行"\n\n王五,13700137000,\r末行,1,"x"';
  const expected = [
    { row: 1, cells: ['姓名', '电话', '备注'] },
    { row: 2, cells: ['李四, Jr.', '139 0013 9000', '说 "你好"\n第二行'] },
    { row: 4, cells: ['王五', '13700137000', ''] },
    { row: 5, cells: ['末行', '1', 'x'] },
  ];

  it('quotes, doubled quotes, line breaks in quotes, CRLF / LF / CR, blank lines skipped (row numbers kept)', () => {
    expect(parseAll(sample)).to.deep.equal(expected);
  });

  it('gives the same rows however the text is cut into chunks', () => {
    for (let chunk = 1; chunk <= 12; chunk++) expect(parseAll(sample, chunk), `chunk ${chunk}`).to.deep.equal(expected);
  });

  it('semicolons and tabs; the delimiter is guessed from the first line outside quotes', () => {
    expect(guessDelimiter('a;b;"c,d,e"\n1,2,3,4,5')).to.equal(';');
    expect(guessDelimiter('a\tb\tc')).to.equal('\t');
    expect(guessDelimiter('只有一列')).to.equal(',');
    expect(parseAll('a;b\n1;2', 3, ';').map((r) => r.cells)).to.deep.equal([['a', 'b'], ['1', '2']]);
  });

  it('limits: a cell too long is a 422; columns beyond the limit are dropped; an open quote is a 400', () => {
    expect(() => parseAll(`a,${'x'.repeat(20)}`, 4, ',', { cell: 10, cols: 100 })).to.throw(/longer than 10 characters/);
    expect(parseAll('1,2,3,4,5', 2, ',', { cell: 10, cols: 3 })[0]!.cells).to.deep.equal(['1', '2', '3']);
    expect(() => parseAll('a,"b\n1,2')).to.throw(/never closed/);
  });
});

describe('io: CSV encodings', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-io-csv-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const rows = async (path: string) => {
    const info = await scanCsv(path, DEFAULT_LIMITS);
    const out: string[][] = [];
    for await (const r of readCsvRows(path, info, DEFAULT_LIMITS)) out.push(r.cells);
    return { info, out };
  };
  const text = '姓名,电话\n张三,13800138000\n';

  it('UTF-8 with and without BOM, UTF-16LE with BOM, GB18030 (as Chinese Excel saves CSV)', async () => {
    const utf8 = await rows(file('a.csv', Buffer.from(text)));
    expect(utf8.info).to.include({ encoding: 'utf-8', delimiter: ',', dataRows: 1 });
    expect(utf8.out).to.deep.equal([['姓名', '电话'], ['张三', '13800138000']]);
    expect((await rows(file('b.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])))).out[0]).to.deep.equal(['姓名', '电话']);
    const utf16 = await rows(file('c.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/,/g, '\t'), 'utf16le')])));
    expect(utf16.info).to.include({ encoding: 'utf-16le', delimiter: '\t' });
    expect(utf16.out[1]).to.deep.equal(['张三', '13800138000']);
    // 张三 in GB18030: D5C5 C8FD
    const gb = Buffer.concat([Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]), Buffer.from(','), Buffer.from([0xb5, 0xe7, 0xbb, 0xb0]), Buffer.from('\n'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from(',13800138000\n')]);
    const fromGb = await rows(file('d.csv', gb));
    expect(fromGb.info.encoding).to.equal('gb18030');
    expect(fromGb.out).to.deep.equal([['姓名', '电话'], ['张三', '13800138000']]);
  });

  it('binary data and too many rows are refused by the scan', async () => {
    try {
      await scanCsv(file('e.csv', Buffer.from([0x61, 0x2c, 0x00, 0x62])), DEFAULT_LIMITS);
      expect.fail('binary accepted');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('not_a_spreadsheet');
    }
    const many = file('f.csv', Buffer.from(`a,b\n${'1,2\n'.repeat(11)}`));
    try {
      await scanCsv(many, { ...DEFAULT_LIMITS, maxRows: 10 });
      expect.fail('too many rows accepted');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('too_many_rows');
    }
    expect((await scanCsv(many, { ...DEFAULT_LIMITS, maxRows: 11 })).dataRows).to.equal(11);
  });
});
