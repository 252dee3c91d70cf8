// The customers page's one search box (app/web/components/customers/customer-search.ts): an email,
// a phone number in any of the ways people write one, else words of a name; what it calls a phone
// the server's phone rule takes (so the box never sends a phone filter the API refuses).
import { expect } from 'chai';
import { customerSearch } from '../../app/web/components/customers/customer-search.js';
import { normalizePhone } from '../../app/crm/phone.js';

describe('customers page: what the search box means', () => {
  it('reads phone numbers as people write them, and the server takes each', () => {
    for (const typed of ['13800138000', ' 138 0013 8000 ', '+86 138-0013-8000', '(010) 8888 1234', '010-88881234', '１３８００１３８０００', '400.820.8820']) {
      const q = customerSearch(typed);
      expect(q, typed).to.have.property('phone');
      expect(normalizePhone((q as { phone: string }).phone), typed).to.be.a('string');
    }
  });

  it('reads anything with @ as an email, letters or Chinese as a name, and nothing as no filter', () => {
    expect(customerSearch('Li@Example.com')).to.deep.equal({ email: 'Li@Example.com' });
    expect(customerSearch('李女士')).to.deep.equal({ name: '李女士' });
    expect(customerSearch('  Acme 2 ')).to.deep.equal({ name: 'Acme 2' });
    expect(customerSearch('Room 101')).to.deep.equal({ name: 'Room 101' });
    expect(customerSearch('12')).to.deep.equal({ name: '12' }); // too short for a phone: part of a name
    expect(customerSearch('   ')).to.deep.equal({});
  });
});
