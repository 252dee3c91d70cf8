// The console's campaign pages (app/web/components/campaigns/*.ts, pure): the form ⇄ the API body
// (checked with the server's own schema: the presets pass, a problem lands under the field or the
// results cell it names), the progress figures of the list, the moves a role is offered, the desk's
// result body and what a dial's end means on the desk, and the API's error codes in words.
import { expect } from 'chai';
import { campaignCreateBody, campaignUpdateBody, contactResultBody } from '../../app/campaign/campaign.schemas.js';
import { blankForm, bodyOf, canDelete, canEdit, checkForm, codeFromLabel, formOf, movesOf, preset, problemOf, progressOf, rateText, resultBodyOf, type CampaignForm } from '../../app/web/components/campaigns/campaign-form.js';
import { callBlocked, nextBlocked, outcomeOf, skipBlocked, systemResultOf, type DeskSituation } from '../../app/web/components/campaigns/desk-campaign.js';
import { campaignErrorText, importRows, rowMessage, validationFields } from '../../app/web/components/campaigns/campaign-errors.js';
import type { Campaign } from '../../app/web/api/campaign-types.js';
import en from '../../app/web/i18n/en.js';
import zhCN from '../../app/web/i18n/zh-CN.js';

const filled = (): CampaignForm => ({ ...blankForm('Asia/Shanghai'), name: 'revisit-12', title: '12 月回访', queue: 'sales', ...preset('zhRevisit') });

describe('console: the campaign form', () => {
  it('both presets make a campaign the server accepts; the Chinese one is 成功 ✓ / 有意向 (called again) / 无意向 / 号码错误', () => {
    const zh = checkForm(filled(), true);
    expect(zh.problems).to.deep.equal([]);
    expect(campaignCreateBody.safeParse(zh.body).success).to.equal(true);
    expect(zh.body.results.map((r) => [r.label, r.final, r.success])).to.deep.equal([
      ['成功', true, true],
      ['有意向', false, false],
      ['无意向', true, false],
      ['号码错误', true, false],
    ]);
    expect(zh.body.callingHours).to.deep.equal({ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' });
    const f = { ...filled(), ...preset('enFollowUp') };
    const enBody = checkForm(f, true);
    expect(enBody.problems).to.deep.equal([]);
    expect(enBody.body.results.map((r) => r.label)).to.deep.equal(['Completed', 'Call again later', 'Not interested', 'Wrong number']);
  });

  it('the body is what POST (with the name) and PUT (without) take, trimmed, days in order', () => {
    const f = filled();
    f.title = '  回访  ';
    f.days = [5, 1, 3];
    const post = bodyOf(f, true);
    expect(post.name).to.equal('revisit-12');
    expect(post.title).to.equal('回访');
    expect(post.callingHours.days).to.deep.equal([1, 3, 5]);
    const put = bodyOf(f, false);
    expect(put).to.not.have.property('name');
    expect(campaignUpdateBody.safeParse(put).success).to.equal(true);
  });

  it('a campaign read from the API comes back into the form as it was', () => {
    const body = bodyOf(filled(), true);
    const c = { ...body, name: 'revisit-12', id: 'x', status: 'draft', createdBy: 'sup', createdAt: '', updatedAt: '', counts: { total: 0, pending: 0, reserved: 0, done: 0, unreached: 0, blocked: 0, cancelled: 0 } } as Campaign;
    expect(bodyOf(formOf(c), true)).to.deep.equal(body);
  });

  it('names a code given twice (with the result it repeats), a system code, an empty label, no final result', () => {
    const f = filled();
    f.results[2]!.code = 'success';
    expect(checkForm(f, true).problems).to.deep.equal([{ field: 'results.2.code', text: 'codeTwice', args: { code: 'success', n: 1 } }]);
    f.results[2]!.code = 'busy';
    expect(checkForm(f, true).problems).to.deep.equal([{ field: 'results.2.code', text: 'codeSystem', args: { code: 'busy' } }]);
    f.results[2]!.code = 'Bad Code';
    expect(checkForm(f, true).problems).to.deep.equal([{ field: 'results.2.code', text: 'code' }]);
    const g = filled();
    g.results[1]!.label = ' ';
    expect(checkForm(g, true).problems).to.deep.equal([{ field: 'results.1.label', text: 'label' }]);
    const h = filled();
    h.results.forEach((r) => (r.final = false));
    expect(checkForm(h, true).problems).to.deep.equal([{ field: 'results', text: 'noFinal' }]);
  });

  it('names the calling hours: no day, a bad time, to before from, a timezone that does not exist', () => {
    const f = filled();
    f.days = [];
    f.to = '08:00';
    f.timezone = 'Mars/Olympus';
    const fields = checkForm(f, true).problems;
    expect(fields).to.deep.include({ field: 'days', text: 'days' });
    expect(fields).to.deep.include({ field: 'to', text: 'toBeforeFrom' });
    expect(fields).to.deep.include({ field: 'timezone', text: 'timezone' });
    const g = filled();
    g.from = '9h';
    expect(checkForm(g, true).problems).to.deep.equal([{ field: 'from', text: 'from' }]);
  });

  it('names the name, the title, the queue and the numbers; a server 400 path lands where the page puts it', () => {
    const f = blankForm('UTC');
    f.name = '-x';
    f.maxAttempts = 11;
    const fields = checkForm(f, true).problems.map((p) => p.field);
    expect(fields).to.include.members(['name', 'title', 'queue', 'maxAttempts', 'results.0.code', 'results.0.label']);
    expect(problemOf('callingHours.timezone', filled())).to.deep.equal({ field: 'timezone', text: 'timezone' });
    expect(problemOf('holdMinutes', filled())).to.deep.equal({ field: 'holdMinutes', text: 'holdMinutes' });
    expect(problemOf('whatever', filled())).to.deep.equal({ field: 'other', text: 'other' });
  });

  it('makes a code from a Latin label, never a system code or one taken', () => {
    expect(codeFromLabel('Call again later', [])).to.equal('call_again_later');
    expect(codeFromLabel('Busy', [])).to.equal('busy_2');
    expect(codeFromLabel('Done', ['done'])).to.equal('done_2');
    expect(codeFromLabel('成功', [])).to.equal('');
  });
});

describe('console: campaign progress and moves', () => {
  it('progress is done + unreached out of all contacts, with the share rounded down to 0.1 %', () => {
    const p = progressOf({ total: 3, pending: 1, reserved: 0, done: 1, unreached: 1, blocked: 0, cancelled: 0 });
    expect(p).to.deep.equal({ total: 3, worked: 2, done: 1, unreached: 1, open: 1, percent: 66.6 });
    expect(progressOf({ total: 0, pending: 0, reserved: 0, done: 0, unreached: 0, blocked: 0, cancelled: 0 }).percent).to.equal(0);
    expect(progressOf(undefined).total).to.equal(0);
    expect(rateText(0.425)).to.equal('42.5%');
    expect(rateText(null)).to.equal('—');
  });

  it('offers the moves a status allows to supervisors and admins; read-only users none; delete for admins when not running', () => {
    expect(movesOf('draft', 'supervisor')).to.deep.equal(['start', 'finish']);
    expect(movesOf('running', 'admin')).to.deep.equal(['pause', 'finish']);
    expect(movesOf('paused', 'admin')).to.deep.equal(['resume', 'finish']);
    expect(movesOf('finished', 'admin')).to.deep.equal([]);
    expect(movesOf('draft', 'readonly')).to.deep.equal([]);
    expect(canEdit('finished', 'admin')).to.equal(false);
    expect(canEdit('paused', 'supervisor')).to.equal(true);
    expect(canDelete('running', 'admin')).to.equal(false);
    expect(canDelete('paused', 'admin')).to.equal(true);
    expect(canDelete('draft', 'supervisor')).to.equal(false);
  });
});

describe('console: the desk\'s campaign work', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  it('the result body: a result and a note; a callback needs a time in the next 30 days', () => {
    const ok = resultBodyOf({ result: 'success', note: ' 满意 ', callbackAt: null }, now);
    expect(ok).to.deep.equal({ body: { result: 'success', note: '满意' }, problem: null });
    expect(contactResultBody.safeParse(ok.body).success).to.equal(true);
    expect(resultBodyOf({ result: '', note: '', callbackAt: null }, now).problem).to.deep.equal({ field: 'result', text: 'pickResult' });
    expect(resultBodyOf({ result: 'callback', note: '', callbackAt: null }, now).problem).to.deep.equal({ field: 'callbackAt', text: 'callbackWhen' });
    expect(resultBodyOf({ result: 'callback', note: '', callbackAt: new Date('2026-12-07T09:00:00Z') }, now).problem).to.deep.equal({ field: 'callbackAt', text: 'callbackPast' });
    expect(resultBodyOf({ result: 'callback', note: '', callbackAt: new Date('2027-02-07T09:00:00Z') }, now).problem).to.deep.equal({ field: 'callbackAt', text: 'callbackFar' });
    const cb = resultBodyOf({ result: 'callback', note: '', callbackAt: new Date('2026-12-08T02:00:00Z') }, now);
    expect(cb).to.deep.equal({ body: { result: 'callback', note: '', callbackAt: '2026-12-08T02:00:00.000Z' }, problem: null });
    expect(contactResultBody.safeParse(cb.body).success).to.equal(true);
  });

  it('a dial\'s end: answered → the result form; no answer → called again at (the event\'s time, or now + retry); unreached; blocked; the agent\'s own phone missed', () => {
    const ev = { campaign: 'c', contactId: 'k', attemptId: 'a', result: null };
    expect(outcomeOf({ ...ev, dialStatus: 'ANSWER', contactStatus: 'reserved' }, now)).to.deep.equal({ kind: 'connected' });
    expect(outcomeOf({ ...ev, dialStatus: 'NOANSWER', result: 'no_answer', contactStatus: 'pending', nextAttemptAt: '2026-12-07T11:00:00Z' }, now)).to.deep.equal({ kind: 'retry', result: 'no_answer', at: '2026-12-07T11:00:00Z' });
    expect(outcomeOf({ ...ev, dialStatus: 'BUSY', contactStatus: 'pending' }, now, 30)).to.deep.equal({ kind: 'retry', result: 'busy', at: '2026-12-07T10:30:00.000Z' });
    expect(outcomeOf({ ...ev, dialStatus: 'BUSY', result: 'busy', contactStatus: 'pending', at: '2026-12-07T10:05:00.000Z' }, now, 30)).to.deep.equal({ kind: 'retry', result: 'busy', at: '2026-12-07T10:35:00.000Z' });
    expect(outcomeOf({ ...ev, dialStatus: 'NOANSWER', result: 'no_answer', contactStatus: 'pending' }, now)).to.deep.equal({ kind: 'retry', result: 'no_answer', at: null });
    expect(outcomeOf({ ...ev, dialStatus: 'HANGUP', contactStatus: 'reserved' }, now)).to.deep.equal({ kind: 'callAgain' });
    expect(outcomeOf({ ...ev, dialStatus: 'CONGESTION', contactStatus: 'unreached' }, now)).to.deep.equal({ kind: 'unreached', result: 'failed' });
    expect(outcomeOf({ ...ev, dialStatus: 'CHANUNAVAIL', contactStatus: 'blocked' }, now)).to.deep.equal({ kind: 'blocked' });
    expect(outcomeOf({ ...ev, dialStatus: 'CANCEL', contactStatus: 'reserved' }, now)).to.deep.equal({ kind: 'callAgain' });
    expect(systemResultOf('NOANSWER')).to.equal('no_answer');
  });

  it('says why Next, Call and Skip cannot be pressed', () => {
    const s: DeskSituation = { open: true, holding: false, phoneFree: true, onCall: false, dialing: false, resultDue: false };
    expect(nextBlocked(s)).to.equal(null);
    expect(nextBlocked({ ...s, open: false })).to.equal('closed');
    expect(nextBlocked({ ...s, onCall: true })).to.equal('onCall');
    expect(callBlocked(s)).to.equal('noContact');
    const holding = { ...s, holding: true };
    expect(callBlocked(holding)).to.equal(null);
    expect(callBlocked({ ...holding, open: false })).to.equal('closed');
    expect(callBlocked({ ...holding, phoneFree: false })).to.equal('phone');
    expect(callBlocked({ ...holding, resultDue: true })).to.equal('resultDue');
    expect(skipBlocked(holding)).to.equal(null);
    expect(skipBlocked({ ...holding, dialing: true })).to.equal('onCall');
    expect(skipBlocked({ ...holding, resultDue: true })).to.equal('resultDue');
  });
});

describe('console: campaign errors in words', () => {
  type Tree = { [k: string]: string | Tree };
  const lookup = (tree: Tree) => (key: string) => key.split('.').reduce<Tree | string | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), tree);
  const wording = (tree: Tree) => {
    const get = lookup(tree);
    return {
      t: (key: string, args: Record<string, unknown> = {}) => String(get(key) ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(args[k] ?? '')),
      te: (key: string) => typeof get(key) === 'string',
      time: (iso: string) => iso.slice(11, 16),
      status: (s: string) => String(get(`campaigns.status.${s}`) ?? s),
      fallback: () => 'FALLBACK',
    };
  };
  const err = (status: number, code: string, details?: unknown) => ({ status, code, message: code, details });

  it('words every code of the API in both languages, with what its details say', () => {
    const zh = wording(zhCN as unknown as Tree);
    const enW = wording(en as unknown as Tree);
    expect(campaignErrorText(zh, err(409, 'bad_transition', { from: 'finished', to: 'running' }))).to.equal('“已结束”的外呼任务不能变为“进行中”。');
    expect(campaignErrorText(enW, err(409, 'bad_transition', { from: 'finished', to: 'running' }))).to.equal('A Finished campaign cannot become Running.');
    expect(campaignErrorText(enW, err(409, 'outside_calling_hours', { opensAt: '2026-12-08T01:00:00.000Z' }))).to.equal('Outside the calling hours: calls open 01:00.');
    expect(campaignErrorText(zh, err(409, 'no_contacts'), 'revisit')).to.equal('外呼任务 revisit 还没有联系人：请先导入名单。');
    expect(campaignErrorText(enW, err(409, 'result_in_use', { code: 'interested' }))).to.contain('interested');
    expect(campaignErrorText(zh, err(400, 'import_invalid', { rows: [{ row: 3, message: 'not a phone number' }] }))).to.contain('有 1 行不正确');
    for (const code of ['campaign_not_found', 'campaign_exists', 'unknown_queue', 'campaign_finished', 'campaign_running', 'not_in_campaign', 'campaign_not_running', 'not_yours', 'agent_busy', 'number_blocked', 'attempts_used', 'unknown_result', 'contact_done']) {
      expect(campaignErrorText(zh, err(409, code)), code).to.match(/[\u4e00-\u9fff]/);
      expect(campaignErrorText(enW, err(409, code)), code).to.not.equal('FALLBACK');
    }
  });

  it('leaves a 5xx, a network failure and an unknown code to the page\'s general words', () => {
    const w = wording(en as unknown as Tree);
    expect(campaignErrorText(w, err(500, 'campaign_running'))).to.equal('FALLBACK');
    expect(campaignErrorText(w, err(0, 'network'))).to.equal('FALLBACK');
    expect(campaignErrorText(w, err(400, 'something_new'))).to.equal('FALLBACK');
    expect(campaignErrorText(w, new Error('x'))).to.equal('FALLBACK');
  });

  it('reads a refused import\'s rows and a 400\'s fields', () => {
    expect(importRows(err(400, 'import_invalid', { rows: [{ row: 3, message: 'phone: not a phone number' }, { row: 7, message: 'phone: missing' }] }))).to.deep.equal([
      { row: 3, message: 'phone: not a phone number' },
      { row: 7, message: 'phone: missing' },
    ]);
    expect(importRows(err(409, 'no_contacts'))).to.deep.equal([]);
    const zh = wording(zhCN as unknown as Tree);
    expect(rowMessage(zh.t, '不是号码 is not a phone number')).to.equal('“不是号码”不是电话号码。');
    expect(rowMessage(wording(en as unknown as Tree).t, 'the column 产品 is named twice')).to.equal('The column 产品 is named twice.');
    expect(rowMessage(zh.t, 'something new')).to.equal('something new');
    expect(campaignErrorText(zh, err(409, 'result_in_use', { results: ['interested'] }), '回访')).to.contain('interested');
    expect(campaignErrorText(zh, err(409, 'no_contacts', { name: 'revisit' }), '12 月回访')).to.contain('12 月回访');
    expect(validationFields(err(400, 'validation_failed', [{ field: 'callingHours.to', message: 'to must be after from' }]))).to.deep.equal([{ field: 'callingHours.to', message: 'to must be after from' }]);
  });
});
