// Timeline entries in the page's language: the CRM's and the tickets' stored summaries and the
// call items get a translatable form; the page shows it in zh-CN or en (outcomes named in that
// language) and falls back to the stored words for notes and unknown kinds.
import { expect } from 'chai';
import { describe as describeText, interactionItem } from '../../app/crm/crm.timeline.js';
import { mergeTimeline } from '../../app/crm/crm.timeline.js';
import { timelineText } from '../../app/web/components/timeline-text.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';

type Tree = { [k: string]: string | Tree };
function translator(messages: Tree) {
  const get = (key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), messages);
  const te = (key: string) => typeof get(key) === 'string';
  const t = (key: string, args: Record<string, unknown> = {}) => String(get(key)).replace(/\{(\w+)\}/g, (_, k: string) => String(args[k]));
  return { t, te };
}

describe('timeline entries in both languages', () => {
  const at = new Date('2026-12-03T08:00:00Z');
  const item = (kind: string, summary: string) => interactionItem({ id: `i-${kind}`, kind, at, refId: null, summary, actor: 'agent.li' });
  const call = mergeTimeline([], [{ id: 'c1', startedAt: at, callerNumber: '13800138000', calledNumber: '4008001234', outcome: 'caller_hangup', durationMs: 42_400 }], 5).items[0]!;
  const entries = [
    item('created', 'customer created'), item('updated', 'changed: tags, vipLevel, customFields'), item('ticket', 'ticket T-0042 opened: 发票抬头错误'), call,
    item('merge', 'merged 王芳（旧） (57831e9d-5cf5-49b8-befd-8855d75a3a55) into this customer'), item('merge', 'merged Li Na (57831e9d-5cf5-49b8-befd-8855d75a3a56) into this customer; contact of Acme'),
    item('note', 'Customer asked for a callback after 6 pm'),
  ];
  const asJson = entries.map((e) => JSON.parse(JSON.stringify(e)));

  it('the server gives the stored summaries of the CRM and the tickets, and calls, a translatable form', () => {
    expect(describeText('created', 'customer created')).to.deep.equal({ key: 'created', args: {} });
    expect(describeText('updated', 'changed: tags, vipLevel')).to.deep.equal({ key: 'updated', args: { fields: 'tags, vipLevel' } });
    expect(describeText('ticket', 'ticket T-0042 opened: 发票抬头错误')).to.deep.equal({ key: 'ticketOpened', args: { number: 'T-0042', title: '发票抬头错误' } });
    expect(call.text).to.deep.equal({ key: 'callEnded', args: { from: '13800138000', to: '4008001234', outcome: 'caller_hangup', seconds: 42 } });
    expect(describeText('merge', 'merged Li Na (57831e9d-5cf5-49b8-befd-8855d75a3a56) into this customer; contact of Acme')).to.deep.equal({ key: 'mergedContact', args: { name: 'Li Na', companies: 'Acme' } });
    expect(describeText('note', 'customer created'), 'a note is the agent’s own words').to.equal(undefined);
    expect(describeText('note', 'merged Li Na (57831e9d-5cf5-49b8-befd-8855d75a3a56) into this customer'), 'only a merge row reads as a merge').to.equal(undefined);
  });

  it('zh-CN shows them in Chinese, en in English; a note stays as written', () => {
    const zh = translator(zhCN as unknown as Tree);
    const e = translator(en as unknown as Tree);
    expect(asJson.map((x) => timelineText(zh.t, zh.te, x))).to.deep.equal([
      '新建客户',
      '修改：标签、VIP 等级、其他字段',
      '新建工单 T-0042：发票抬头错误',
      '来电 13800138000 → 4008001234（客户挂断，42 秒）',
      '合并了重复客户：王芳（旧）',
      '合并了重复客户：Li Na（Acme 的联系人）',
      'Customer asked for a callback after 6 pm',
    ]);
    expect(asJson.map((x) => timelineText(e.t, e.te, x))).to.deep.equal([
      'Customer created',
      'Changed: tags, VIP level, more fields',
      'Ticket T-0042 opened: 发票抬头错误',
      'Call from 13800138000 to 4008001234 (caller hung up, 42 s)',
      'Merged in: 王芳（旧）',
      'Merged in: Li Na (contact of Acme)',
      'Customer asked for a callback after 6 pm',
    ]);
  });
});
