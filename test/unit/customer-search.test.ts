// The customers page's one search box (app/web/components/customers/customer-search.ts): an email;
// a phone number or part of one, in any of the ways people write one, sent as the digits to find
// inside stored numbers (what the list's phoneDigits filter takes); else words of a name.
import { expect } from 'chai';
import { customerSearch } from '../../app/web/components/customers/customer-search.js';
import { customerListQuery } from '../../app/crm/crm.schemas.js';

describe('customers page: what the search box means', () => {
  it('reads numbers and parts of numbers as digits to find, written forms put the way numbers are stored', () => {
    const cases: Array<[string, string]> = [
      ['13800138000', '13800138000'],
      ['1234', '1234'],
      [' 138 0013 8000 ', '13800138000'],
      ['+86 138-0013-8000', '13800138000'],
      ['(010) 8888 1234', '01088881234'],
      ['１３８００１３８０００', '13800138000'],
      ['+442079460958', '+442079460958'],
    ];
    for (const [typed, digits] of cases) {
      const q = customerSearch(typed);
      expect(q, typed).to.deep.equal({ phoneDigits: digits });
      expect(customerListQuery.safeParse(q).success, `${typed}: the API takes it`).to.equal(true);
    }
  });

  it('reads anything with @ as an email, letters or Chinese as a name, and nothing as no filter', () => {
    expect(customerSearch('Li@Example.com')).to.deep.equal({ email: 'Li@Example.com' });
    expect(customerSearch('李女士')).to.deep.equal({ name: '李女士' });
    expect(customerSearch('  Acme 2 ')).to.deep.equal({ name: 'Acme 2' });
    expect(customerSearch('Room 101')).to.deep.equal({ name: 'Room 101' });
    expect(customerSearch('12')).to.deep.equal({ name: '12' }); // too short for a number: part of a name
    expect(customerSearch('   ')).to.deep.equal({});
  });
});
