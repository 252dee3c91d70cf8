// A routing rule in words (app/web/components/admin/routing-text.ts): every condition and action
// a rule can have is named, in both languages, with its values.
import { expect } from 'chai';
import { routingRule } from '../../app/acd/acd.schemas.js';
import { thenPhrases, whenPhrases, type Phrase } from '../../app/web/components/admin/routing-text.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';
import { textOf, type Tree } from '../support/i18n-text.js';

const say = (messages: Tree) => (p: Phrase) => textOf(messages, p.key, p.params);
const dayIn = (messages: Tree) => (d: number | 'all') => say(messages)({ key: `admin.routing.days.${d}` });

describe('routing rules in words', () => {
  const full = routingRule.parse({
    name: 'VIP Beijing mornings',
    when: { queues: ['general'], vipMin: 3, regions: ['北京'], time: { days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00', timezone: 'Asia/Shanghai' }, variable: { name: 'lang', equals: 'en' } },
    then: { queue: 'vip', priorityAdd: 20, stop: true },
  });

  it('names every condition and action, in English and Chinese', () => {
    expect(whenPhrases(full, dayIn(en)).map(say(en))).to.deep.equal(['Queue asked for: general', 'VIP level ≥ 3', 'Region: 北京', 'Mon Tue Wed Thu Fri 09:00–12:00 (Asia/Shanghai)', 'lang = en']);
    expect(thenPhrases(full).map(say(en))).to.deep.equal(['To queue vip', 'Priority +20', 'Stop']);
    expect(whenPhrases(full, dayIn(zhCN)).map(say(zhCN))[3]).to.equal('周一 周二 周三 周四 周五 09:00–12:00（Asia/Shanghai）');
    expect(thenPhrases(full).map(say(zhCN))).to.deep.equal(['转到队列 vip', '优先级 +20', '停止']);
  });

  it('a rule without conditions matches every call; a lower priority and every day are named', () => {
    const r = routingRule.parse({ name: 'late', when: { time: { from: '18:00', to: '23:00' } }, then: { priorityAdd: -5 } });
    expect(whenPhrases(r, dayIn(en)).map(say(en))).to.deep.equal(['every day 18:00–23:00 (UTC)']);
    expect(thenPhrases(r).map(say(en))).to.deep.equal(['Priority −5']);
    const always = routingRule.parse({ name: 'all', then: { stop: true } });
    expect(whenPhrases(always, dayIn(zhCN)).map(say(zhCN))).to.deep.equal(['所有来电']);
  });
});
