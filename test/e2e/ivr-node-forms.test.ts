// The IVR editor's node forms for the types a flow is built from beyond play and menu (Chromium,
// no Asterisk), in both languages: an admin opens a flow with business hours, digit collection,
// branches, variables, a CRM lookup, voicemail, a fax inbox and a sub-flow, and edits each in its
// form — opening hours over two intervals copied to the weekdays, Saturday morning and a holiday
// picked in the calendar; six digits with no end key and a pattern; a branch "is one of" two
// order numbers; a variable more; the lookup turned into an HTTP one; voicemail that hangs up after
// the message, renamed (the edges that led to it follow). A bad variable name, a value without a
// name and a node id already taken are named in the page's language and nothing is written. The
// saved draft passes the server's check, and the stored definition holds exactly what the forms said.
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { api } from '../support/api.js';
import { adminLab } from '../support/admin-lab.js';
import { axeViolations, missingKeys, screenshot } from '../support/browser.js';

type Nodes = Record<string, Record<string, unknown>>;

const subflow = { entry: 'hi', nodes: { hi: { type: 'play', prompt: { text: 'Hi' }, next: 'back' }, back: { type: 'return' } } };
const definition = (sub: string) => ({
  entry: 'hours',
  nodes: {
    hours: { type: 'hours', timezone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']] }, holidays: [], open: 'ident', closed: 'vm' },
    ident: { type: 'collect', prompt: { text: 'Your order number, please' }, variable: 'entered', minDigits: 1, maxDigits: 8, terminator: '#', timeoutMs: 5000, retries: 2, next: 'check', onExhausted: 'bye' },
    check: { type: 'condition', branches: [{ when: { variable: 'entered', op: 'exists' }, next: 'mark' }], else: 'faxin' },
    mark: { type: 'set', variables: { vip: 'no' }, next: 'who' },
    who: { type: 'lookup', source: 'crm', by: 'caller', into: 'customer', found: 'sub', notFound: 'sub' },
    sub: { type: 'subflow', flow: sub, next: 'bye' },
    vm: { type: 'voicemail', mailbox: 'sales', maxSeconds: 120, next: 'bye' },
    faxin: { type: 'fax' },
    bye: { type: 'hangup' },
  },
});

describe('administration console: the IVR node forms (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();

  const option = (page: Page, text: string) => page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item').filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });
  const pick = async (page: Page, select: Locator, text: string) => {
    await select.click();
    await option(page, text).click();
    // Closed before the next pick: a closing list still counts as open for a while.
    await page.waitForFunction(() => !document.querySelector('.el-select__popper[aria-hidden=false]'));
  };
  const fillNumber = async (input: Locator, value: string) => {
    await input.fill(value);
    await input.press('Tab');
  };

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`edits hours, collect, condition, set, lookup, voicemail and sub-flow nodes in their forms (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const name = `forms-${zh ? 'zh' : 'en'}`;
      const sub = `${name}-sub`;
      expect((await api(lab.base, 'POST', '/api/ivr/flows', { name: sub, description: '', definition: subflow })).status).to.equal(201);
      expect((await api(lab.base, 'POST', '/api/ivr/flows', { name, description: '', definition: definition(sub) })).status).to.equal(201);
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=ivr');
      await page.locator('[data-test=flows-table] tr').filter({ has: page.locator(`[data-flow="${name}"]`) }).locator('[data-test=open-flow]').click();
      const editor = page.locator('[data-test=flow-editor]');
      const outline = editor.locator('[data-test=outline]');
      const textarea = editor.locator('textarea[data-test=definition]');
      const nodes = async () => (JSON.parse(await textarea.inputValue()) as { nodes: Nodes }).nodes;
      const form = page.locator('[data-test=node-form]');
      const edit = async (id: string) => {
        await outline.locator('tr').filter({ has: page.locator(`[data-node="${id}"]`) }).locator('[data-test=edit-node]').click();
        await form.waitFor();
      };
      const apply = async () => {
        await form.locator('[data-test=node-apply]').click();
        await form.waitFor({ state: 'hidden' });
      };
      await outline.locator('[data-node=hours]').waitFor();

      // Business hours: Monday 08:30–12:00 and 13:00–17:30, copied to Tuesday–Friday; Saturday
      // morning; the 15th of this month a holiday; closed callers to voicemail as before.
      await edit('hours');
      const weekly = form.locator('[data-test=node-weekly]');
      const day = (d: string) => weekly.locator(`[data-day=${d}]`);
      expect(await day('mon').locator('input[name=interval-from]').inputValue()).to.equal('09:00');
      expect(await day('tue').innerText()).to.contain(zh ? '全天不营业' : 'Closed all day');
      await day('mon').locator('input[name=interval-from]').fill('08:30');
      await day('mon').locator('input[name=interval-to]').fill('12:00');
      await day('mon').locator('[data-test=add-interval]').click();
      await day('mon').locator('input[name=interval-from]').nth(1).fill('13:00');
      await day('mon').locator('input[name=interval-to]').nth(1).fill('17:30');
      await weekly.locator('[data-test=copy-monday]').click();
      await day('sat').locator('[data-test=add-interval]').click();
      await day('sat').locator('input[name=interval-from]').fill('09:00');
      await day('sat').locator('input[name=interval-to]').fill('12:00');
      await form.locator('.el-date-editor--dates input').click();
      const calendar = page.locator('.el-picker-panel:visible');
      await calendar.locator('td.available:not(.prev-month):not(.next-month)', { hasText: /^\s*15\s*$/ }).click();
      const ok = calendar.locator('.el-picker-panel__footer button', { hasText: zh ? '确定' : 'OK' });
      if (await ok.count()) await ok.click();
      else await page.keyboard.press('Escape');
      const now = new Date();
      const holiday = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-15`;
      expect(await missingKeys(page)).to.deep.equal([]);
      await screenshot(page, `admin-ivr-hours-form-${locale}`);
      const violations = await axeViolations(page);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);
      await apply();
      const am = ['08:30', '12:00'];
      const pm = ['13:00', '17:30'];
      const hours = (await nodes()).hours!;
      expect(hours.weekly).to.deep.equal({ mon: [am, pm], tue: [am, pm], wed: [am, pm], thu: [am, pm], fri: [am, pm], sat: [['09:00', '12:00']], sun: [] });
      expect(hours.holidays).to.deep.equal([holiday]);
      expect([hours.open, hours.closed, hours.timezone]).to.deep.equal(['ident', 'vm', 'Asia/Shanghai']);

      // Collecting digits: a bad variable name is named, nothing written; then six digits, no end key, a pattern.
      await edit('ident');
      await form.locator('input[name=node-variable]').fill('1order');
      await form.locator('[data-test=node-apply]').click();
      await form.locator('[data-test=node-form-error]', { hasText: zh ? '请检查“变量”。' : 'Check "Variable".' }).waitFor();
      expect((await nodes()).ident!.variable, 'nothing written while the form has a problem').to.equal('entered');
      await form.locator('input[name=node-variable]').fill('order');
      await fillNumber(form.locator('input[name=min-digits]'), '6');
      await fillNumber(form.locator('input[name=max-digits]'), '6');
      await pick(page, form.locator('[data-test=node-terminator]'), zh ? '无结束键' : 'No end key');
      await form.locator('input[name=node-pattern]').fill('^[0-9]{6}$');
      await screenshot(page, `admin-ivr-collect-form-${locale}`);
      await apply();
      expect((await nodes()).ident).to.deep.equal({ type: 'collect', prompt: { text: 'Your order number, please' }, variable: 'order', minDigits: 6, maxDigits: 6, terminator: 'none', timeoutMs: 5000, retries: 2, pattern: '^[0-9]{6}$', next: 'check', onExhausted: 'bye' });

      // Branches: "order is one of 123456, 654321" → mark; then "customer.id is set" → who.
      await edit('check');
      const first = form.locator('[data-test=node-branch]').first();
      await first.locator('input[name=branch-variable]').fill('order');
      await pick(page, first.locator('[data-test=branch-op]'), zh ? '属于' : 'is one of');
      await first.locator('input[name=branch-value]').fill('123456, 654321');
      await form.locator('[data-test=node-add-branch]').click();
      const second = form.locator('[data-test=node-branch]').nth(1);
      await second.locator('input[name=branch-variable]').fill('customer.id');
      await pick(page, second.locator('[data-test=branch-op]'), zh ? '已设置' : 'is set');
      expect(await second.locator('input[name=branch-value]').count(), '"is set" takes no value').to.equal(0);
      await pick(page, second.locator('[data-test=branch-next]'), 'who');
      await screenshot(page, `admin-ivr-condition-form-${locale}`);
      await apply();
      expect((await nodes()).check).to.deep.equal({ type: 'condition', branches: [{ when: { variable: 'order', op: 'in', value: ['123456', '654321'] }, next: 'mark' }, { when: { variable: 'customer.id', op: 'exists' }, next: 'who' }], else: 'faxin' });

      // One variable more; a value without a name is named, not dropped.
      await edit('mark');
      await form.locator('[data-test=node-add-variable]').click();
      await form.locator('input[name=variable-value]').nth(1).fill(zh ? 'zh' : 'en');
      await form.locator('[data-test=node-apply]').click();
      await form.locator('[data-test=node-form-error]', { hasText: zh ? '请检查“变量”。' : 'Check "Variables".' }).waitFor();
      expect((await nodes()).mark!.variables).to.deep.equal({ vip: 'no' });
      await form.locator('input[name=variable-name]').nth(1).fill('lang');
      await apply();
      expect((await nodes()).mark!.variables).to.deep.equal({ vip: 'no', lang: zh ? 'zh' : 'en' });

      // The lookup asks a web service instead of the CRM; a failed lookup counts as not found (left empty).
      await edit('who');
      await pick(page, form.locator('[data-test=node-source]'), zh ? 'Web 服务（HTTP）' : 'A web service (HTTP)');
      await form.locator('input[name=node-url]').fill('https://crm.example.com/api/callers/{{caller}}');
      await apply();
      expect((await nodes()).who).to.deep.equal({ type: 'lookup', source: 'http', by: 'caller', url: 'https://crm.example.com/api/callers/{{caller}}', into: 'customer', found: 'sub', notFound: 'sub' });

      // Voicemail: a minute at most, then hang up (the optional edge cleared, so it leaves the
      // definition); renamed "sales-voicemail" (a name another node has is refused), and the
      // hours node's "closed" follows it.
      await edit('vm');
      await fillNumber(form.locator('input[name=max-seconds]'), '60');
      await form.locator('[data-test=node-next]').hover();
      await form.locator('[data-test=node-next] .el-select__clear').click();
      await form.locator('input[name=node-id]').fill('bye');
      await form.locator('[data-test=node-apply]').click();
      await form.locator('[data-test=node-form-error]', { hasText: zh ? '已有节点名为 bye。' : 'Another node is already called bye.' }).waitFor();
      await form.locator('input[name=node-id]').fill('sales-voicemail');
      await form.locator('[data-test=node-id-hint]').waitFor();
      await apply();
      const renamed = await nodes();
      expect(Object.keys(renamed)).to.deep.equal(['hours', 'ident', 'check', 'mark', 'who', 'sub', 'sales-voicemail', 'faxin', 'bye']);
      expect(renamed['sales-voicemail']).to.deep.equal({ type: 'voicemail', mailbox: 'sales', maxSeconds: 60 });
      expect(renamed.hours!.closed).to.equal('sales-voicemail');
      await outline.locator('[data-test=edge]', { hasText: '→ sales-voicemail' }).first().waitFor();

      // The sub-flow and fax forms show what is there; applied unchanged, the nodes stay as they were.
      await edit('sub');
      expect(await form.locator('[data-test=node-subflow]').innerText()).to.contain(sub);
      await apply();
      await edit('faxin');
      await apply();
      const saved = await nodes();
      expect(saved.sub).to.deep.equal({ type: 'subflow', flow: sub, next: 'bye' });
      expect(saved.faxin).to.deep.equal({ type: 'fax' });

      // Saved and checked by the server: no problem; the stored draft is what the forms wrote.
      await editor.locator('[data-test=save-draft]').click();
      await editor.locator('[data-test=unsaved]').waitFor({ state: 'hidden' });
      await editor.locator('[data-test=check-flow]').click();
      await editor.locator('[data-test=no-problems]').waitFor();
      const stored = (await api(lab.base, 'GET', `/api/ivr/flows/${name}/versions/1`)).body.definition as { nodes: Nodes };
      expect(stored.nodes).to.deep.equal(saved);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }
});
