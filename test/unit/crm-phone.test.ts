// Phone normalization: every written form of one number gives the same stored form.
import { expect } from 'chai';
import { normalizePhone, phoneVariants } from '../../app/crm/phone.js';

const SAME: Record<string, string[]> = {
  '13800138000': [
    '13800138000', '+86 138 0013 8000', '+8613800138000', '008613800138000', '0086 138-0013-8000', '8613800138000',
    '138-0013-8000', '138 0013 8000', '(0)13800138000', '013800138000', '+86 (0)138 0013 8000', '+86-138.0013.8000',
    '＋８６ １３８ ００１３ ８０００', ' 138/0013/8000 ', 'tel:+8613800138000', '(+86) 138 0013 8000',
  ],
  '01012345678': [
    '01012345678', '0 10 1234 5678', '+86 10 12345678', '+86 10 1234 5678', '+86 (0)10 1234 5678', '0086 10 1234 5678',
    '(010) 1234-5678', '010-12345678', '+86 010 12345678', '+861012345678', '00861012345678',
  ],
  '075512345678': ['0755-1234-5678', '+86 755 1234 5678', '(0755) 12345678', '0086 755 12345678'],
  '4008108888': ['400-810-8888', '+86 400 810 8888', '4008108888', '0086 4008108888'],
  '95588': ['95588', '+86 95588'],
  '+14155550100': ['+1 (415) 555-0100', '001 415 555 0100', '+1.415.555.0100', '+14155550100'],
  '+442079460958': ['+44 (0)20 7946 0958', '0044 20 7946 0958', '+44 20 7946 0958'],
  '9000': ['9000', ' 9000 '],
};

describe('crm phone normalization', () => {
  for (const [stored, forms] of Object.entries(SAME)) {
    it(`${forms.length} written forms of ${stored} give ${stored}`, () => {
      expect(forms.map((f) => [f, normalizePhone(f)])).to.deep.equal(forms.map((f) => [f, stored]));
    });
  }

  it('is idempotent', () => {
    for (const forms of Object.values(SAME)) for (const f of forms) expect(normalizePhone(normalizePhone(f)!)).to.equal(normalizePhone(f));
  });

  it('refuses what is not a phone number', () => {
    for (const bad of ['', 'abc', '12', '+', '138 0013 8000 ext 12', '138+0013', '+86', '1'.repeat(21), 'anonymous', '13800138000\n1', '0x1234567']) {
      expect(normalizePhone(bad), bad).to.equal(null);
    }
  });

  it('keeps different numbers apart', () => {
    const all = ['13800138000', '13800138001', '01012345678', '02112345678', '+14155550100', '+8613800138001', '4008108888', '9000'].map(normalizePhone);
    expect(new Set(all).size).to.equal(7); // +8613800138001 is 13800138001
  });

  it('lists the raw caller-ID forms of a stored number, each of which normalizes back to it', () => {
    for (const stored of ['13800138000', '01012345678', '+14155550100', '4008108888']) {
      const variants = phoneVariants(stored);
      expect(variants).to.include(stored);
      expect(variants.length).to.be.greaterThan(1);
      for (const v of variants) expect(normalizePhone(v), v).to.equal(stored);
    }
    expect(phoneVariants('13800138000')).to.include.members(['+8613800138000', '008613800138000', '8613800138000', '013800138000']);
  });
});
