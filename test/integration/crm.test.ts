// The CRM on real SQLite and MariaDB: phone numbers in any written form find the same
// customer (search and screen pop), customers are created, changed, tagged and deleted,
// bad input is refused with a 4xx and changes nothing, lists page, filter and sort, any part
// of a number (phoneDigits) finds its customer.
import { expect } from 'chai';
import { DB_KINDS } from '../support/db.js';
import { snapshot, startCrmApp, type CrmApp } from './crm-fixtures.js';

const MOBILE_FORMS = ['+86 138 0013 8000', '008613800138000', '138-0013-8000', '(0)13800138000', '13800138000', '+86 (0)138-0013-8000', '8613800138000'];
const LANDLINE_FORMS = ['0 10 1234 5678', '+86 10 12345678', '(010) 1234-5678', '0086 10 1234 5678', '+86 (0)10 1234 5678'];

for (const kind of DB_KINDS) {
  describe(`CRM customers (${kind})`, function () {
    this.timeout(60_000);
    let app: CrmApp;
    before(async () => {
      app = await startCrmApp(kind);
    });
    after(async () => app?.close());

    it('phone numbers written differently match the same customer, via the API search and via screenPop', async () => {
      const created = await app.api('POST', '/customers', { name: '王小明', phones: ['+86 138 0013 8000', '0 10 1234 5678'], vipLevel: 3 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.phones).to.deep.equal(['01012345678', '13800138000']);
      const id = created.body.id;
      for (const form of [...MOBILE_FORMS, ...LANDLINE_FORMS]) {
        const found = await app.api('GET', `/customers?phone=${encodeURIComponent(form)}`);
        expect(found.status, form).to.equal(200);
        expect(found.body.total, form).to.equal(1);
        expect(found.body.items[0].id, form).to.equal(id);
        const pop = await app.crm.screenPop(form);
        expect(pop.known, form).to.equal(true);
        if (pop.known) expect(pop.customer.id).to.equal(id);
        const viaApi = await app.api('GET', `/customers/screen-pop?phone=${encodeURIComponent(form)}`);
        expect(viaApi.body.known, form).to.equal(true);
        expect(viaApi.body.customer.name).to.equal('王小明');
      }
      const stranger = await app.api('GET', `/customers/screen-pop?phone=${encodeURIComponent('+86 139 0000 0000')}`);
      expect(stranger.body).to.deep.equal({ known: false, phone: '13900000000', createOffer: { name: '', phones: ['13900000000'] } });
      expect((await app.api('GET', '/customers?phone=13900000000')).body).to.include({ total: 0 });
      // The same number in another written form is the same number: refused for a second customer.
      const dup = await app.api('POST', '/customers', { name: 'Someone', phones: ['0086 138-0013-8000'] });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal('phone_taken');
    });

    it('creates with every field, changes with PATCH, adds and removes tags, deletes (soft)', async () => {
      const created = await app.api('POST', '/customers', {
        name: 'Ann Lee', phones: ['+1 (415) 555-0100'], emails: ['Ann.Lee@Example.COM', 'ann@example.org'], company: 'ACME', address: '1 Main St',
        region: 'US-CA', tags: ['VIP', ' key  account '], vipLevel: 1, customFields: { contractNo: 'C-17', seats: 40, renewed: true, 合同: '是' },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const c = created.body;
      expect(c).to.deep.include({ name: 'Ann Lee', company: 'ACME', address: '1 Main St', region: 'US-CA', vipLevel: 1, phones: ['+14155550100'] });
      expect(c.emails).to.deep.equal(['ann.lee@example.com', 'ann@example.org']);
      expect(c.tags).to.deep.equal(['key account', 'vip']);
      expect(c.customFields).to.deep.equal({ contractNo: 'C-17', seats: 40, renewed: true, 合同: '是' });

      const patched = await app.api('PATCH', `/customers/${c.id}`, { name: 'Ann Lee-Smith', phones: ['+1 415 555 0100', '+1 415 555 0199'], customFields: { seats: 45, renewed: null } });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      expect(patched.body).to.deep.include({ name: 'Ann Lee-Smith', company: 'ACME', phones: ['+14155550100', '+14155550199'] });
      expect(patched.body.customFields).to.deep.equal({ contractNo: 'C-17', seats: 45, 合同: '是' });
      expect(new Date(patched.body.updatedAt).getTime()).to.be.greaterThanOrEqual(new Date(c.updatedAt).getTime());

      expect((await app.api('POST', `/customers/${c.id}/tags`, { tags: ['renewal-2027', 'vip'] })).body.tags).to.deep.equal(['key account', 'renewal-2027', 'vip']);
      expect((await app.api('DELETE', `/customers/${c.id}/tags/vip`)).status).to.equal(204);
      expect((await app.api('DELETE', `/customers/${c.id}/tags/vip`)).status).to.equal(404);
      expect((await app.api('GET', `/customers/${c.id}`)).body.tags).to.deep.equal(['key account', 'renewal-2027']);
      expect((await app.api('GET', '/customers?tag=renewal-2027')).body.items.map((x: any) => x.id)).to.deep.equal([c.id]);

      expect((await app.api('DELETE', `/customers/${c.id}`)).status).to.equal(204);
      const gone = await app.api('GET', `/customers/${c.id}`);
      expect(gone.status).to.equal(410);
      expect(gone.body.error.code).to.equal('customer_deleted');
      expect((await app.api('PATCH', `/customers/${c.id}`, { name: 'x' })).status).to.equal(410);
      expect((await app.api('GET', '/customers?tag=renewal-2027')).body.total).to.equal(0);
      expect((await app.crm.screenPop('+14155550100')).known).to.equal(false);
      // The row and its history stay; its numbers are free for a new customer.
      const [row] = await app.ds.query('SELECT name, deleted_at FROM customers WHERE id = ?', [c.id]);
      expect(row.name).to.equal('Ann Lee-Smith');
      expect(row.deleted_at).to.not.equal(null);
      expect((await app.api('POST', '/customers', { name: 'New Ann', phones: ['+14155550100'] })).status).to.equal(201);
    });

    it('bad input gets a 4xx with a clear message and changes nothing', async () => {
      const owner = await app.api('POST', '/customers', { name: 'Owner', phones: ['13711112222'], customFields: { a: 1 } });
      const other = await app.api('POST', '/customers', { name: 'Other', phones: ['13711113333'] });
      const tagged = await app.api('POST', '/customers', { name: 'Tagged', tags: Array.from({ length: 50 }, (_, i) => `t${i}`) });
      expect(tagged.status).to.equal(201);
      const big = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`f${i}`, 'x'.repeat(100)]));
      const cases: Array<[string, string, unknown, number, RegExp]> = [
        ['POST', '/customers', { name: 'X', phones: ['13700000001'], nickname: 'x' }, 400, /nickname/],
        ['POST', '/customers', { name: 'X', phones: '13700000001' }, 400, /phones/],
        ['POST', '/customers', { name: 'X', vipLevel: 'high' }, 400, /vipLevel/],
        ['POST', '/customers', { name: 'X', emails: ['not-an-email'] }, 400, /emails\.0: not a valid email address/],
        ['POST', '/customers', { name: 'X', phones: ['phone me'] }, 400, /is not a phone number/],
        ['POST', '/customers', { name: 'X', phones: ['13700000001', '+86 137 1111 2222'] }, 409, /13711112222 already belongs to another customer/],
        ['POST', '/customers', { name: 'X', customFields: big }, 400, /custom fields: \d+ bytes as JSON, at most 4096/],
        ['POST', '/customers', { name: 'X', customFields: JSON.parse('{"__proto__": "x"}') }, 400, /"__proto__" is not allowed as a custom field name/],
        ['POST', '/customers', { name: 'X', customFields: { 'bad key!': 1 } }, 400, /custom field name/],
        ['POST', '/customers', { name: 'X', customFields: { nested: { a: 1 } } }, 400, /string, a number or a boolean/],
        ['POST', '/customers', { name: '' }, 400, /name/],
        ['PATCH', `/customers/${other.body.id}`, { phones: ['137-1111-2222'] }, 409, /phone_taken|already belongs/],
        ['PATCH', `/customers/${other.body.id}`, {}, 400, /nothing to change/],
        ['PATCH', `/customers/${owner.body.id}`, { customFields: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) }, 422, /51 fields, at most 50/],
        ['PATCH', '/customers/00000000-0000-4000-8000-000000000000', { name: 'y' }, 404, /customer 00000000-0000-4000-8000-000000000000 not found/],
        ['PATCH', '/customers/not-a-uuid', { name: 'y' }, 400, /id/],
        ['POST', `/customers/${tagged.body.id}/tags`, { tags: ['one-more', 't1'] }, 422, /at most 50 tags \(has 50, adding 1\)/],
        ['POST', `/customers/${owner.body.id}/tags`, { tags: ['a,b'] }, 400, /commas/],
        ['POST', '/companies/00000000-0000-4000-8000-000000000000/contacts', { customerId: owner.body.id, role: 'CTO' }, 404, /company 00000000-0000-4000-8000-000000000000 not found/],
        ['POST', `/customers/${owner.body.id}/reminders`, { dueAt: 'tomorrow', text: 'call back' }, 400, /dueAt/],
        ['POST', '/customers/00000000-0000-4000-8000-000000000000/reminders', { dueAt: '2030-01-01T00:00:00Z', text: 'x' }, 404, /not found/],
        ['POST', `/customers/${owner.body.id}/notes`, { text: '   ' }, 400, /text/],
        ['POST', `/customers/${owner.body.id}/merge`, { duplicateId: owner.body.id }, 422, /cannot be merged into itself/],
        ['GET', '/customers?limit=0', undefined, 400, /limit/],
        ['GET', '/customers?limit=101', undefined, 400, /limit/],
        ['GET', '/customers?sort=email', undefined, 400, /sort/],
        ['GET', '/customers?colour=red', undefined, 400, /colour/],
      ];
      for (const [method, path, body, status, message] of cases) {
        const before = await snapshot(app.ds);
        const res = await app.api(method, path, body);
        const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, what).to.equal(status);
        expect(res.body.error.message, what).to.match(message);
        expect(await snapshot(app.ds), what).to.deep.equal(before);
      }
    });

    it('lists are paginated (limit, offset, total), filtered and sorted as documented', async () => {
      const company = await app.api('POST', '/companies', { name: '华为技术有限公司', region: 'CN-44' });
      expect(company.status).to.equal(201);
      const ids: string[] = [];
      for (let i = 0; i < 23; i++) {
        const res = await app.api('POST', '/customers', {
          name: i % 2 ? `客户${String(i).padStart(2, '0')}号` : `List Person ${String(i).padStart(2, '0')}`,
          phones: [`1590000${String(i).padStart(4, '0')}`],
          tags: i % 3 === 0 ? ['listed', 'third'] : ['listed'],
          company: i % 4 === 0 ? 'Acme Widgets' : '',
          vipLevel: i % 5,
          region: i % 2 ? 'CN-11' : 'CN-31',
        });
        expect(res.status).to.equal(201);
        ids.push(res.body.id);
      }
      await app.api('POST', `/companies/${company.body.id}/contacts`, { customerId: ids[1], role: '采购经理' });
      await app.api('POST', `/companies/${company.body.id}/contacts`, { customerId: ids[2], role: 'CTO' });

      const pages: string[] = [];
      for (const offset of [0, 10, 20]) {
        const page = await app.api('GET', `/customers?tag=listed&limit=10&offset=${offset}&sort=name&order=asc`);
        expect(page.status).to.equal(200);
        expect(page.body).to.include({ total: 23, limit: 10, offset });
        expect(page.body.items).to.have.length(offset === 20 ? 3 : 10);
        pages.push(...page.body.items.map((c: any) => c.id));
      }
      expect(new Set(pages).size).to.equal(23);
      expect([...pages].sort()).to.deep.equal([...ids].sort());

      const byName = (await app.api('GET', '/customers?tag=listed&limit=100&sort=name&order=asc')).body.items.map((c: any) => c.name);
      expect(byName).to.deep.equal([...byName].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(byName[0]).to.equal('List Person 00');
      const desc = (await app.api('GET', '/customers?tag=listed&limit=100&sort=name&order=desc')).body.items.map((c: any) => c.name);
      expect(desc).to.deep.equal([...byName].reverse());
      const vip = (await app.api('GET', '/customers?tag=listed&limit=100&sort=vipLevel&order=desc')).body.items.map((c: any) => c.vipLevel);
      expect(vip).to.deep.equal([...vip].sort((a, b) => b - a));
      expect(vip[0]).to.equal(4);
      const created = (await app.api('GET', '/customers?tag=listed&limit=100&sort=createdAt&order=asc')).body.items.map((c: any) => c.id);
      expect(created).to.have.length(23);
      const stamps = (await app.api('GET', '/customers?tag=listed&limit=100&sort=createdAt&order=asc')).body.items.map((c: any) => new Date(c.createdAt).getTime());
      expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));

      const zh = await app.api('GET', `/customers?name=${encodeURIComponent('户1')}&limit=100`);
      expect(zh.body.items.map((c: any) => c.name).sort()).to.deep.equal(['客户11号', '客户13号', '客户15号', '客户17号', '客户19号']);
      expect(zh.body.total).to.equal(5);
      expect((await app.api('GET', '/customers?tag=third&limit=100')).body.total).to.equal(8);
      expect((await app.api('GET', '/customers?tag=THIRD&limit=100')).body.total).to.equal(8);
      expect((await app.api('GET', '/customers?company=widgets&limit=100')).body.total).to.equal(6);
      const huawei = await app.api('GET', `/customers?company=${encodeURIComponent('华为')}&limit=100`);
      expect(huawei.body.items.map((c: any) => c.id).sort()).to.deep.equal([ids[1], ids[2]].sort());
      expect(huawei.body.items.find((c: any) => c.id === ids[1]).companies).to.deep.equal([{ id: company.body.id, name: '华为技术有限公司', role: '采购经理' }]);
      expect((await app.api('GET', `/customers?companyId=${company.body.id}`)).body.total).to.equal(2);
      expect((await app.api('GET', '/customers?tag=listed&region=CN-11&limit=100')).body.total).to.equal(11);
      const byPhone = await app.api('GET', `/customers?phone=${encodeURIComponent('+86 159-0000-0007')}`);
      expect(byPhone.body.items.map((c: any) => c.id)).to.deep.equal([ids[7]]);
      const combined = await app.api('GET', `/customers?tag=third&region=CN-11&sort=name&order=asc`);
      expect(combined.body.items.map((c: any) => c.name)).to.deep.equal(['客户03号', '客户09号', '客户15号', '客户21号']);
    });

    it('a company lists how many customers are its contacts; deleting it unlinks them and keeps the customers', async () => {
      const co = await app.api('POST', '/companies', { name: 'Count & Co 计数', region: 'CN-31' });
      const other = await app.api('POST', '/companies', { name: 'Count Empty', address: '9 Side St' });
      const people = await Promise.all(['Count One', 'Count Two', 'Count Three'].map((name, i) => app.api('POST', '/customers', { name, phones: [`1370000${String(i).padStart(4, '0')}`], company: 'Count & Co' })));
      for (const p of people) expect(p.status).to.equal(201);
      for (const [i, role] of ['Buyer', 'CTO', ''].entries()) expect((await app.api('POST', `/companies/${co.body.id}/contacts`, { customerId: people[i]!.body.id, role })).status).to.equal(201);
      expect((await app.api('DELETE', `/customers/${people[2]!.body.id}`)).status).to.equal(204);
      const listed = await app.api('GET', `/companies?name=${encodeURIComponent('count')}`);
      expect(listed.status).to.equal(200);
      expect(listed.body.items.map((c: any) => [c.name, c.contactCount])).to.deep.equal([['Count & Co 计数', 2], ['Count Empty', 0]]);
      expect(listed.body.total).to.equal(2);

      expect((await app.api('DELETE', '/companies/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
      expect((await app.api('DELETE', `/companies/${co.body.id}`)).status).to.equal(204);
      expect((await app.api('GET', `/companies/${co.body.id}`)).status).to.equal(404);
      expect((await app.api('GET', `/companies?name=${encodeURIComponent('count')}`)).body.items.map((c: any) => c.name)).to.deep.equal(['Count Empty']);
      const one = await app.api('GET', `/customers/${people[0]!.body.id}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.include({ name: 'Count One', company: 'Count & Co', companies: [] });
      expect(other.status).to.equal(201);
    });

    it('phoneDigits finds a customer by any part of a number (尾号), or by the whole number in another form', async () => {
      const mobile = await app.api('POST', '/customers', { name: '尾号 Mobile', phones: ['138 6666 7319'], tags: ['digits'] });
      const landline = await app.api('POST', '/customers', { name: '尾号 Landline', phones: ['(010) 8765-4321'], tags: ['digits'] });
      const abroad = await app.api('POST', '/customers', { name: '尾号 Abroad', phones: ['+1 415 555 7319'], region: 'US-CA' });
      const gone = await app.api('POST', '/customers', { name: '尾号 Gone', phones: ['13966667319'] });
      expect([mobile, landline, abroad, gone].map((r) => r.status)).to.deep.equal([201, 201, 201, 201]);
      expect((await app.api('DELETE', `/customers/${gone.body.id}`)).status).to.equal(204);
      const ids = async (query: string) => {
        const res = await app.api('GET', `/customers?${query}&limit=100`);
        expect(res.status, `${query}: ${JSON.stringify(res.body)}`).to.equal(200);
        expect(res.body.total, query).to.equal(res.body.items.length);
        return res.body.items.map((c: any) => c.id).sort();
      };
      expect(await ids('phoneDigits=7319'), 'the last four digits; not a deleted customer').to.deep.equal([mobile.body.id, abroad.body.id].sort());
      expect(await ids('phoneDigits=6666')).to.deep.equal([mobile.body.id]);
      expect(await ids('phoneDigits=8613866667319'), '86 and the national number').to.deep.equal([mobile.body.id]);
      expect(await ids(`phoneDigits=${encodeURIComponent('+8613866667319')}`)).to.deep.equal([mobile.body.id]);
      expect(await ids('phoneDigits=013866667319'), 'a mobile with its trunk 0').to.deep.equal([mobile.body.id]);
      expect(await ids('phoneDigits=87654321')).to.deep.equal([landline.body.id]);
      expect(await ids(`phoneDigits=${encodeURIComponent('+14155557319')}`)).to.deep.equal([abroad.body.id]);
      expect(await ids('phoneDigits=7319&tag=digits')).to.deep.equal([mobile.body.id]);
      expect(await ids('phoneDigits=7319&region=US-CA')).to.deep.equal([abroad.body.id]);
      expect(await ids('phoneDigits=73190')).to.deep.equal([]);
      for (const bad of ['12', '+12', 'abcd', '138-6666', '7319%25', '7_19', '1'.repeat(21), '', '%EF%BC%97%EF%BC%93%EF%BC%91%EF%BC%99']) {
        const res = await app.api('GET', `/customers?phoneDigits=${bad}`);
        expect(res.status, bad).to.equal(400);
        expect(res.body.error.message, bad).to.match(/phoneDigits/);
      }
    });
  });
}
