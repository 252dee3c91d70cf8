// Pure pieces of the fax module: dial rules, document kinds, the retry schedule, the result
// format the dialplan writes.
import { expect } from 'chai';
import { documentKind, FaxDocumentError } from '../../app/fax/fax.documents.js';
import { retryDelayMs } from '../../app/fax/fax.outbound.js';
import { checkFaxNumber } from '../../app/fax/fax.rules.js';
import { faxGlobals, parseFaxResult } from '../../app/pbx/fax-control.js';

describe('fax: dial rules, document kinds, retries, results', () => {
  it('dial rules: allowed and denied prefixes; malformed numbers refused', () => {
    const rules = { allowedPrefixes: ['0', '+86'], deniedPrefixes: ['0900'] };
    expect(checkFaxNumber('021-5555 0000', rules)).to.equal('02155550000');
    expect(checkFaxNumber('+8621555', rules)).to.equal('+8621555');
    const code = (n: string) => {
      try {
        checkFaxNumber(n, rules);
        return 'ok';
      } catch (err) {
        return `${(err as FaxDocumentError).status} ${(err as FaxDocumentError).code}`;
      }
    };
    expect(code('09001234')).to.equal('403 number_not_allowed');
    expect(code('7001')).to.equal('403 number_not_allowed');
    expect(code('12')).to.equal('400 invalid_number');
    expect(code('abc123')).to.equal('400 invalid_number');
    expect(checkFaxNumber('7001', { allowedPrefixes: [], deniedPrefixes: [] })).to.equal('7001');
  });

  it('document kinds by their bytes: PDF, PNG, JPEG, docx and xlsx zips; anything else is none', () => {
    expect(documentKind(Buffer.from('%PDF-1.7\n'))).to.equal('pdf');
    expect(documentKind(Buffer.from('89504e470d0a1a0a0000', 'hex'))).to.equal('png');
    expect(documentKind(Buffer.from('ffd8ffe000', 'hex'))).to.equal('jpeg');
    const zip = (name: string) => Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(26), Buffer.from(name)]);
    expect(documentKind(zip('word/document.xml'))).to.equal('docx');
    expect(documentKind(zip('xl/workbook.xml'))).to.equal('xlsx');
    expect(documentKind(zip('other.txt'))).to.equal(null);
    expect(documentKind(Buffer.from('hello'))).to.equal(null);
    expect(documentKind(Buffer.alloc(0))).to.equal(null);
  });

  it('retries back off: base, then doubled per attempt', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(60, n))).to.deep.equal([60_000, 120_000, 240_000]);
  });

  it('reads the result the dialplan keeps, and names its globals by the id hex digits', () => {
    const r = parseFaxResult('SUCCESS|3|14400|NO_ERROR|1796312600|HOTLINE FAR 1|OK', '1796312530');
    expect(r).to.deep.include({ status: 'SUCCESS', pages: 3, rate: 14400, error: 'NO_ERROR', remoteStationId: 'HOTLINE FAR 1', statusText: 'OK' });
    expect((r.endedAt!.getTime() - r.startedAt!.getTime()) / 1000).to.equal(70);
    expect(parseFaxResult('NOANSWER-5|0|0|DIAL|1796312600||not answered', null)).to.deep.include({ status: 'NOANSWER-5', pages: 0, startedAt: null });
    expect(faxGlobals('a1fde6b6-ff8e-4a98-945b-f913d7f52d55')).to.deep.equal({ result: 'HOTLINE_FAX_a1fde6b6ff8e4a98945bf913d7f52d55', start: 'HOTLINE_FAXSTART_a1fde6b6ff8e4a98945bf913d7f52d55' });
  });
});
