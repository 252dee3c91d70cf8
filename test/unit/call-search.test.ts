// The Calls page's search as the API takes it (app/web/components/calls/call-search.ts): the
// caller box holds a number's first digits or an exact name.
import { expect } from 'chai';
import { apiFilter, defaultSearch } from '../../app/web/components/calls/call-search.js';

describe('calls page search → GET /api/calls query', () => {
  const withCaller = (caller: string) => apiFilter({ ...defaultSearch(new Date(2026, 11, 6, 12)), caller }, 1);

  it('digits (a + first at most) are the start of a number', () => {
    expect(withCaller('1380')).to.include({ callerPrefix: '1380' }).and.not.have.property('caller');
    expect(withCaller(' +8613 ')).to.include({ callerPrefix: '+8613' }).and.not.have.property('caller');
  });

  it('anything else is matched exactly', () => {
    for (const v of ['anonymous', '138-0013', '1380%', 'alice']) expect(withCaller(v)).to.include({ caller: v }).and.not.have.property('callerPrefix');
  });

  it('an empty box asks for no caller; the range is the chosen local days', () => {
    const f = withCaller('  ');
    expect(f).to.not.have.any.keys('caller', 'callerPrefix');
    expect(f).to.include({ limit: 20, offset: 0, from: new Date(2026, 10, 30).toISOString(), to: new Date(2026, 11, 7).toISOString() });
  });
});
