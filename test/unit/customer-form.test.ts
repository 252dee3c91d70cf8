// The customer edit form's PATCH (app/web/components/customers/customer-form.ts): only what
// changed; phones split at commas only (a number may be written with spaces); a removed custom
// field goes as null, an untouched one is not sent (keeping its number or yes/no type); and what
// it sends the server's own schema takes.
import { expect } from 'chai';
import { formOf, patchOf, type CustomerShown } from '../../app/web/components/customers/customer-form.js';
import { patchCustomerBody } from '../../app/crm/crm.schemas.js';

const shown: CustomerShown = {
  name: '王先生', phones: ['13800138000'], emails: ['wang@example.com'], company: '华联', address: '', region: '北京',
  tags: ['vip'], vipLevel: 2, customFields: { 注册日期: '2024-05-01', 积分: 120, 已实名: true },
};

describe('customers page: the edit form sends what changed', () => {
  it('sends nothing when nothing changed', () => {
    expect(patchOf(shown, formOf(shown))).to.deep.equal({});
  });

  it('sends the changed fields, phones written with spaces as one number, a removed field as null', () => {
    const f = formOf(shown);
    f.region = ' 上海 ';
    f.phones = '13800138000, 010 8888 1234';
    f.tags = 'vip，回访';
    f.fields = f.fields.filter((r) => r.key !== '已实名');
    f.fields.find((r) => r.key === '积分')!.value = '150';
    f.fields.push({ key: '来源', value: '展会' }, { key: '  ', value: '' });
    const patch = patchOf(shown, f);
    expect(patch).to.deep.equal({
      region: ' 上海 ', phones: ['13800138000', '010 8888 1234'], tags: ['vip', '回访'],
      customFields: { 积分: '150', 来源: '展会', 已实名: null },
    });
    const parsed = patchCustomerBody.parse(patch);
    expect(parsed.region).to.equal('上海');
    expect(parsed.phones).to.deep.equal(['13800138000', '01088881234']);
  });

  it('an empty name is sent and refused by the server schema, as the API would', () => {
    const f = formOf(shown);
    f.name = '  ';
    const patch = patchOf(shown, f);
    expect(patch).to.deep.equal({ name: '  ' });
    expect(patchCustomerBody.safeParse(patch).success).to.equal(false);
  });
});
