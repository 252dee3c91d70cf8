// The voicemail page's search: the address round-trips (a reload or a shared link shows the same),
// days become the local days' bounds for the API (the last day included), whatever else the
// address says goes to the server as it is (its 400 is shown, never dropped in silence), and the
// waiting time is split into the unit the page words it in.
import { expect } from 'chai';
import { apiQuery, emptySearch, isFiltered, rangeOf, searchFromQuery, searchToQuery, VM_PAGE_SIZE, waited } from '../../app/web/components/voicemail/vm-search.js';

describe('voicemail page: the search in the address and the API query', () => {
  it('an address round-trips; empty filters and page 1 are left out', () => {
    const q = { mailbox: 'sales', status: 'done', from: '2026-12-01', to: '2026-12-07', page: '3' };
    const { search, page } = searchFromQuery(q);
    expect(search).to.deep.equal({ mailbox: 'sales', status: 'done', from: '2026-12-01', to: '2026-12-07' });
    expect(page).to.equal(3);
    expect(searchToQuery(search, page)).to.deep.equal(q);
    expect(searchToQuery(emptySearch(), 1)).to.deep.equal({});
    expect(isFiltered(emptySearch())).to.equal(false);
    expect(isFiltered({ ...emptySearch(), status: 'new' })).to.equal(true);
  });

  it('a page that is not a number is page 1; a list in the address is no filter', () => {
    expect(searchFromQuery({ page: 'x' }).page).to.equal(1);
    expect(searchFromQuery({ page: '-2' }).page).to.equal(1);
    expect(searchFromQuery({ mailbox: ['a', 'b'] }).search.mailbox).to.equal('');
  });

  it('days are the local days\' bounds (the last one included); paging is limit/offset', () => {
    const q = apiQuery({ mailbox: 'sales', status: 'new', from: '2026-12-01', to: '2026-12-07' }, 2);
    expect(q).to.deep.equal({ limit: VM_PAGE_SIZE, offset: VM_PAGE_SIZE, mailbox: 'sales', status: 'new', from: new Date(2026, 11, 1).toISOString(), to: new Date(2026, 11, 8).toISOString() });
    expect(apiQuery(emptySearch(), 1)).to.deep.equal({ limit: VM_PAGE_SIZE, offset: 0 });
    expect(rangeOf({ ...emptySearch(), from: '2026-12-01', to: '2026-12-07' })).to.deep.equal(['2026-12-01', '2026-12-07']);
  });

  it('anything else in the address goes to the server as it is (so its refusal can be shown)', () => {
    const q = apiQuery({ mailbox: 'a b', status: 'lost', from: 'notadate', to: '2026-12-06T10:00:00Z' }, 1);
    expect(q).to.deep.include({ mailbox: 'a b', status: 'lost', from: 'notadate', to: '2026-12-06T10:00:00Z' });
    expect(rangeOf({ ...emptySearch(), from: 'notadate', to: '2026-12-07' })).to.equal(null);
  });

  it('the waiting time: under a minute, minutes, hours and minutes, days and hours', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const ago = (ms: number) => new Date(now - ms).toISOString();
    expect(waited(ago(30_000), now)).to.deep.include({ unit: 'lessThanMinute' });
    expect(waited(ago(5 * 60_000), now)).to.deep.include({ unit: 'minutes', m: 5 });
    expect(waited(ago((2 * 60 + 7) * 60_000), now)).to.deep.include({ unit: 'hours', h: 2, m: 7 });
    expect(waited(ago((3 * 24 + 4) * 3_600_000 + 60_000), now)).to.deep.include({ unit: 'days', d: 3, h: 4 });
    expect(waited(ago(-60_000), now), 'a clock a little behind the server').to.deep.include({ unit: 'lessThanMinute' });
  });
});
