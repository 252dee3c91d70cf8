import { expect } from 'chai';
import { callerRegion, cityKey, regionKey, regionLabel } from '../../app/reports/region.js';

// Numbers of known province and city (Google libphonenumber's geocoding data, read offline).
const known: Array<[string, string, string]> = [
  ['13800138000', '北京市', '北京市'],
  ['13912345678', '江苏省', '常州市'],
  ['18912345678', '江苏省', '常州市'],
  ['15012345678', '云南省', '昭通市'],
  ['13312345678', '贵州省', '遵义市'],
  ['+86 139 1234 5678', '江苏省', '常州市'],
  ['008613800138000', '北京市', '北京市'],
  ['02087654321', '广东省', '广州市'],
  ['(020) 8765-4321', '广东省', '广州市'],
  ['01087654321', '北京市', '北京市'],
  ['057187654321', '浙江省', '杭州市'],
  ['02187654321', '上海市', '上海市'],
  ['02787654321', '湖北省', '武汉市'],
  ['07711234567', '广西', '南宁市'],
  ['04718765432', '内蒙古', '呼和浩特市'],
  ['075587654321', '广东省', '深圳市'],
  ['02587654321', '江苏省', '南京市'],
  ['053287654321', '山东省', '青岛市'],
  ['02987654321', '陕西省', '西安市、咸阳市'], // one area code for two cities
  ['+862387654321', '重庆市', '重庆市'],
];

describe('caller region from the number (offline)', () => {
  for (const [number, province, city] of known) {
    it(`${number} is ${province} ${city}`, async () => {
      const r = await callerRegion(number);
      expect(r.country).to.equal('CN');
      expect(r.provinceZh).to.equal(province);
      expect(r.cityZh).to.equal(city);
      expect(r.provinceEn).to.match(/^[A-Za-z ]+$/);
    });
  }

  it('abroad by country, unparseable and non-geographic numbers as unknown', async () => {
    expect(regionKey(await callerRegion('+442071234567'))).to.equal('GB');
    expect(regionLabel('GB', 'zh-CN')).to.equal('英国');
    expect(regionKey(await callerRegion('+12125551234'))).to.equal('US');
    for (const n of ['anonymous', '', '12', '4008108888', '9000']) expect(regionKey(await callerRegion(n)), n).to.equal('unknown');
    expect(regionLabel('unknown', 'en')).to.equal('Unknown');
  });

  it('keys and labels a region and a city in both languages', async () => {
    const r = await callerRegion('13912345678');
    expect(regionKey(r)).to.equal('CN|Jiangsu|江苏省');
    expect(regionLabel(regionKey(r), 'en')).to.equal('Jiangsu');
    expect(regionLabel(cityKey(r), 'zh-CN')).to.equal('江苏省常州市');
    expect(regionLabel(cityKey(r), 'en')).to.equal('Changzhou, Jiangsu');
  });
});
