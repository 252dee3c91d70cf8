// The administration console (no Asterisk), in both languages. Users: an admin creates a user
// whose first sign-in asks for their own password, is told what is wrong with bad input in the
// page's language (nothing stored), edits the role, sets a password, unlocks a locked account,
// disables one (who then cannot sign in) and enables it again, and reads all of it in the audit
// log. Queues: create with skills, recording and a callback; edit keeps what the form does not
// show; a queue another one overflows into is not deleted; delete. Agents: a browser-phone agent
// with skills and a sign-in user; the queues served follow the skills; edit; delete.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { adminLab } from '../support/admin-lab.js';
import { appText, axeViolations, missingKeys, screenshot, signIn, type ConsolePage } from '../support/browser.js';
import { TEST_ADMIN } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';

const ADMIN_PASSWORD = TEST_ADMIN.password;

describe('administration console: users, agents, queues and the audit log (Chromium, no Asterisk)', function () {
  this.timeout(120_000);
  const lab = adminLab();

  const login = (username: string, password: string) => api(lab.base, 'POST', '/api/auth/login', { username, password }, null);
  const userRow = (page: ConsolePage['page'], username: string) => page.locator('[data-test=users-table] tr').filter({ has: page.locator(`[data-user="${username}"]`) });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`creates, edits, sets a password, unlocks, disables and enables a user; the audit log shows it (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const username = `li.na-${locale.toLowerCase()}`;
      const console_ = await lab.open(locale);
      const { page, errors } = console_;
      await signIn(page, lab.base, 'admin', ADMIN_PASSWORD, '/admin');
      await page.locator('[data-test=users-table] [data-user=admin]').waitFor();
      const before = ((await api(lab.base, 'GET', '/api/users')).body.items as Array<{ username: string }>).map((u) => u.username);

      // New user: bad input is named in the page's language and nothing is stored.
      await page.locator('[data-test=new-user]').click();
      const form = page.locator('[data-test=user-form]');
      await form.locator('input[name=username]').fill('-bad name');
      await form.locator('input[name=email]').fill('not-an-address');
      await form.locator('input[name=password]').fill('short');
      await form.locator('[data-test=save-user]').click();
      const named = zh ? ['只能使用字母、数字', '请输入邮箱地址', '至少 12 个字符'] : ['Use letters, digits', 'Enter an e-mail address', 'Use at least 12 characters'];
      await waitUntil('the form to name the three problems', async () => {
        const said = (await form.locator('.el-form-item__error').allInnerTexts()).join(' | ');
        return named.every((n) => said.includes(n)) || undefined;
      }, 5000);
      expect(((await api(lab.base, 'GET', '/api/users')).body.items as Array<{ username: string }>).map((u) => u.username), 'nothing stored').to.deep.equal(before);
      await screenshot(page, `admin-users-form-${locale}`);
      // Fixed: a generated password (the admin passes it on), must-change on by default.
      await form.locator('input[name=username]').fill(username);
      await form.locator('input[name=displayName]').fill(zh ? '李娜' : 'Li Na');
      await form.locator('input[name=email]').fill(`${username}@example.com`);
      await form.locator('input[name=team]').fill('care');
      await form.locator('[data-test=generate-password]').click();
      const initial = await form.locator('input[name=password]').inputValue();
      expect(initial).to.match(/^[A-Za-z0-9]{8}-[A-Za-z0-9]{8}$/);
      expect(await form.locator('[data-test=must-change] input').isChecked()).to.equal(true);
      await form.locator('input[name=team]').press('Enter'); // the keyboard saves
      await userRow(page, username).waitFor();
      expect(await userRow(page, username).innerText()).to.include(zh ? '需自行设置密码' : 'Must choose own password').and.include(zh ? '坐席' : 'Agent');
      const first = await login(username, initial);
      expect(first.body).to.include({ passwordChangeRequired: true });
      // The same username again: refused, named.
      await page.locator('[data-test=new-user]').click();
      await form.locator('input[name=username]').fill(username.toUpperCase());
      await form.locator('input[name=password]').fill('Another-fine-pass-4');
      await form.locator('[data-test=save-user]').click();
      await waitUntil('"taken"', async () => (await form.locator('.el-form-item__error').allInnerTexts()).join(' ').includes(zh ? '该用户名已被使用' : 'This username is already taken'), 5000);
      await page.keyboard.press('Escape');

      // Edit: the role.
      await userRow(page, username).locator('[data-test=edit-user]').click();
      await form.locator('[data-test=user-role]').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: zh ? '班长' : 'Supervisor' }).click();
      await form.locator('[data-test=save-user]').click();
      await waitUntil('the new role in the table', async () => (await userRow(page, username).innerText()).includes(zh ? '班长' : 'Supervisor'), 5000);

      // Set a password without must-change: the user signs in with it and goes straight on.
      const chosen = 'Set-by-admin-pass-55';
      await userRow(page, username).locator('[data-test=reset-password]').click();
      await form.locator('input[name=password]').fill(chosen);
      await form.locator('[data-test=must-change]').click();
      await form.locator('[data-test=save-user]').click();
      await waitUntil('the must-change tag gone', async () => !(await userRow(page, username).innerText()).includes(zh ? '需自行设置密码' : 'Must choose own password'), 5000);
      expect((await login(username, chosen)).body).to.include({ passwordChangeRequired: false });

      // Locked after failed sign-ins: the table says until when; Unlock lets the user in again.
      // (sign-ins a minute per name are limited to 10: this test makes exactly 10)
      for (let i = 0; i < 5; i++) await login(username, 'Wrong-guess-pass-9');
      await page.reload();
      expect(await userRow(page, username).innerText()).to.match(zh ? /锁定至/ : /Locked until/);
      await userRow(page, username).locator('[data-test=unlock-user]').click();
      await waitUntil('the lock gone', async () => (await userRow(page, username).locator('[data-test=unlock-user]').count()) === 0, 5000);
      expect((await login(username, chosen)).status).to.equal(200);

      // Disable (confirmed): signed out, cannot sign in; enable again.
      await userRow(page, username).locator('[data-test=disable-user]').click();
      await page.locator('.el-message-box').getByRole('button', { name: zh ? '停用' : 'Disable' }).click();
      await waitUntil('the disabled tag', async () => (await userRow(page, username).innerText()).includes(zh ? '已停用' : 'Disabled'), 5000);
      expect((await login(username, chosen)).status).to.equal(401);
      await screenshot(page, `admin-users-${locale}`);
      await userRow(page, username).locator('[data-test=enable-user]').click();
      await waitUntil('enabled again', async () => (await userRow(page, username).locator('[data-test=disable-user]').count()) === 1, 5000);
      expect((await login(username, chosen)).status).to.equal(200);
      // The admin's own row has no Disable button.
      expect(await userRow(page, 'admin').locator('[data-test=disable-user]').count()).to.equal(0);

      // The audit log, filtered by target.
      await page.getByRole('tab', { name: zh ? '审计日志' : 'Audit log' }).click();
      await page.locator('[data-test=audit-log] input').nth(2).fill(username);
      await page.locator('[data-test=audit-search]').click();
      const actions = await waitUntil('the user\'s entries', async () => {
        const text = await page.locator('[data-test=audit-table]').innerText();
        return text.includes('user.create') ? text : undefined;
      }, 5000);
      for (const a of ['user.create', 'user.update', 'login.failure', 'account.locked']) expect(actions).to.include(a);
      expect(actions).to.include(zh ? '创建用户' : 'User created').and.include(zh ? '账号被锁定' : 'Account locked');
      // By action too: the list names actions in the page's language.
      await page.locator('[data-test=audit-action]').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: zh ? '账号被锁定' : 'Account locked' }).click();
      await page.locator('[data-test=audit-search]').click();
      const lockRow = await waitUntil('only the lock', async () => {
        const rows = await page.locator('[data-test=audit-table] tbody tr').allInnerTexts();
        return rows.length === 1 && rows[0]!.includes('account.locked') ? rows[0] : undefined;
      }, 5000);
      // Nobody was signed in when the account locked: the actor is named in the page's language.
      expect(lockRow).to.include(zh ? '未登录用户' : 'Not signed in').and.not.include('anonymous');
      expect(new URL(page.url()).searchParams.get('tab')).to.equal('audit');
      await screenshot(page, `admin-audit-${locale}`);
      expect(await appText(page)).to.not.equal('');
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`creates a queue with skills, recording and a callback; an edit keeps what the form does not show; a queue in use is not deleted (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const name = `sales-${locale.toLowerCase()}`;
      const spill = `spill-${locale.toLowerCase()}`;
      const c = await lab.open(locale);
      const { page, errors } = c;
      await signIn(page, lab.base, 'admin', ADMIN_PASSWORD, '/admin?tab=queues');
      await page.locator('[data-test=queues-admin]').waitFor();
      const form = page.locator('[data-test=queue-form]');
      const queues = async () => ((await api(lab.base, 'GET', '/api/acd/queues')).body.items as Array<{ name: string }>).map((q) => q.name);
      const before = await queues();

      // Bad input: named in the page's language, nothing stored.
      await page.locator('[data-test=new-queue]').click();
      await form.locator('input[name=queue-name]').fill('bad name!');
      await form.locator('[data-test=add-skill]').click();
      await form.locator('[data-test=queue-skills] input').first().fill('Bad Skill');
      await form.locator('[data-test=save-queue]').click();
      await waitUntil('the problems named', async () => {
        const said = (await form.locator('.el-form-item__error').allInnerTexts()).join(' | ');
        return (said.includes(zh ? '只能使用字母、数字、_ 和 -' : 'Use letters, digits, _ and -') && said.includes(zh ? '技能名称：小写字母' : 'Skill names: lower-case')) || undefined;
      }, 5000);
      expect(await queues(), 'nothing stored').to.deep.equal(before);

      // Fixed: longest idle, billing ≥ 3, every call recorded, callback on key 2.
      await form.locator('input[name=queue-name]').fill(name);
      await form.locator('[data-test=queue-skills] input').first().fill('billing');
      await form.locator('[data-test=queue-skills] .el-input-number input').first().fill('3');
      await form.locator('[data-test=queue-strategy]').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: zh ? '最久空闲优先' : 'Longest idle' }).click();
      await form.locator('[data-test=queue-recording]').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: zh ? '全部录音' : 'Every call' }).click();
      await form.locator('[data-test=queue-callback]').click();
      await form.getByLabel(zh ? '按键' : 'Key', { exact: true }).fill('2');
      await screenshot(page, `admin-queue-form-${locale}`);
      await form.locator('[data-test=save-queue]').click();
      await page.locator(`[data-test=queues-table] [data-queue="${name}"]`).waitFor();
      const made = (await api(lab.base, 'GET', `/api/acd/queues/${name}`)).body.settings;
      expect(made).to.deep.include({ strategy: 'leastrecent', skills: { billing: 3 } });
      expect(made.recording.mode).to.equal('all');
      expect(made.callback.key).to.equal('2');

      // Wrap-up codes set through the API survive an edit of the wrap-up time.
      const dispositions = { required: true, codes: [{ code: 'done', labels: { en: 'Done', 'zh-CN': '已解决' } }] };
      expect((await api(lab.base, 'PUT', `/api/acd/queues/${name}`, { ...made, dispositions })).status).to.equal(200);
      const row = page.locator('[data-test=queues-table] tr').filter({ has: page.locator(`[data-queue="${name}"]`) });
      await page.reload();
      await row.locator('[data-test=edit-queue]').click();
      await form.locator('input[name=wrapupSeconds]').fill('30');
      await form.locator('[data-test=save-queue]').click();
      await waitUntil('the new wrap-up time', async () => (await row.innerText()).includes(zh ? '30 秒' : '30 s'), 5000);
      const edited = (await api(lab.base, 'GET', `/api/acd/queues/${name}`)).body.settings;
      expect(edited.wrapupSeconds).to.equal(30);
      expect(edited.dispositions).to.deep.equal(dispositions);
      expect(edited.callback.key, 'the callback kept').to.equal('2');

      // The form shows the wrap-up codes and adds one; a code given twice is refused in the page's language.
      await row.locator('[data-test=edit-queue]').click();
      const codes = form.locator('[data-test=queue-dispositions] [data-test=code-row]');
      expect(await codes.first().locator('input[name=code]').inputValue()).to.equal('done');
      await form.locator('[data-test=queue-dispositions] [data-test=add-code]').click();
      await codes.nth(1).locator('input[name=code]').fill('done');
      await codes.nth(1).locator('input[name=label-zh]').fill('待回电');
      await codes.nth(1).locator('input[name=label-en]').fill('Call back');
      await form.locator('[data-test=save-queue]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '小结代码：' : 'Wrap-up codes:' }).waitFor();
      expect((await api(lab.base, 'GET', `/api/acd/queues/${name}`)).body.settings.dispositions).to.deep.equal(dispositions);
      await codes.nth(1).locator('input[name=code]').fill('callback');
      await screenshot(page, `admin-queue-codes-${locale}`);
      await form.locator('[data-test=save-queue]').click();
      await waitUntil('two wrap-up codes', async () => ((await api(lab.base, 'GET', `/api/acd/queues/${name}`)).body.settings.dispositions.codes.length === 2) || undefined, 5000);
      expect((await api(lab.base, 'GET', `/api/acd/queues/${name}`)).body.settings.dispositions.codes[1]).to.deep.equal({ code: 'callback', labels: { 'zh-CN': '待回电', en: 'Call back' } });

      // A queue another one overflows into stays; the reason is shown in the page's language.
      expect((await api(lab.base, 'POST', '/api/acd/queues', { name: spill })).status).to.equal(201);
      expect((await api(lab.base, 'PUT', `/api/acd/queues/${name}`, { ...edited, overflow: { queue: spill, afterSeconds: 60 } })).status).to.equal(200);
      await page.reload();
      const spillRow = page.locator('[data-test=queues-table] tr').filter({ has: page.locator(`[data-queue="${spill}"]`) });
      await spillRow.locator('[data-test=delete-queue]').click();
      await page.locator('.el-message-box').getByRole('button', { name: zh ? '删除' : 'Delete' }).click();
      await waitUntil('"still in use"', async () => (await page.getByRole('alert').allInnerTexts()).join(' ').includes(zh ? `队列 ${spill} 仍在使用中` : `Queue ${spill} is still in use`), 5000);
      expect(await queues()).to.include(spill);
      // Deleted: the queue that used it first, then it.
      for (const q of [name, spill]) {
        await page.locator('[data-test=queues-table] tr').filter({ has: page.locator(`[data-queue="${q}"]`) }).locator('[data-test=delete-queue]').click();
        await page.locator('.el-message-box').getByRole('button', { name: zh ? '删除' : 'Delete' }).click();
        await page.locator(`[data-test=queues-table] [data-queue="${q}"]`).waitFor({ state: 'detached' });
      }
      expect(await queues()).to.deep.equal(before);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`creates an agent on the browser phone with skills and a sign-in user; the queues served follow the skills; edit and delete (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = locale.toLowerCase();
      const queue = `care-${tag}`;
      const endpoint = `wf-${tag}`;
      const password = 'Agent-desk-pass-word-6';
      expect((await api(lab.base, 'POST', '/api/acd/queues', { name: queue, settings: { skills: { care: 2 } } })).status).to.equal(201);
      const user = await api(lab.base, 'POST', '/api/users', { username: `wang.fang-${tag}`, password, role: 'agent', displayName: zh ? '王芳' : 'Wang Fang' });
      expect(user.status).to.equal(201);
      const c = await lab.open(locale);
      const { page, errors } = c;
      await signIn(page, lab.base, 'admin', ADMIN_PASSWORD, '/admin?tab=agents');
      await page.locator('[data-test=agents-admin]').waitFor();
      const form = page.locator('[data-test=agent-form]');
      const agents = async () => (await api(lab.base, 'GET', '/api/acd/agents')).body.items as Array<{ endpoint: string; phone: string; skills: Record<string, number>; userId: string | null }>;
      const before = (await agents()).length;

      // Break reasons (below the agents): a reason added; a code given twice is refused, nothing stored.
      const reasonsBox = page.locator('[data-test=break-reasons]');
      const reasonRows = reasonsBox.locator('[data-test=code-row]');
      const stored = async () => (await api(lab.base, 'GET', '/api/acd/break-reasons')).body.reasons as Array<{ code: string }>;
      const reasonsBefore = await stored();
      const n = reasonsBefore.length;
      await reasonsBox.locator('[data-test=add-code]').click();
      await reasonRows.nth(n).locator('input[name=code]').fill(`lunch-${tag}`);
      await reasonRows.nth(n).locator('input[name=label-zh]').fill('午餐');
      await reasonRows.nth(n).locator('input[name=label-en]').fill('Lunch');
      await reasonsBox.locator('[data-test=add-code]').click();
      await reasonRows.nth(n + 1).locator('input[name=code]').fill(`lunch-${tag}`);
      await reasonRows.nth(n + 1).locator('input[name=label-zh]').fill('午休');
      await reasonRows.nth(n + 1).locator('input[name=label-en]').fill('Nap');
      await reasonsBox.locator('[data-test=save-break-reasons]').click();
      await reasonsBox.locator('[data-test=break-reasons-error]', { hasText: zh ? '有重复的代码' : 'A code appears twice' }).waitFor();
      expect(await stored()).to.deep.equal(reasonsBefore);
      await reasonRows.nth(n + 1).locator('input[name=code]').fill(`nap-${tag}`);
      await reasonsBox.locator('[data-test=save-break-reasons]').click();
      await waitUntil('the break reasons saved', async () => (await stored()).length === n + 2 || undefined, 5000);
      await screenshot(page, `admin-agents-${locale}`);
      expect((await stored()).slice(n)).to.deep.equal([
        { code: `lunch-${tag}`, labels: { 'zh-CN': '午餐', en: 'Lunch' } },
        { code: `nap-${tag}`, labels: { 'zh-CN': '午休', en: 'Nap' } },
      ]);

      // Bad input: a desk phone with no way to register, a bad endpoint, no name; nothing stored.
      await page.locator('[data-test=new-agent]').click();
      await form.locator('input[name=endpoint]').fill('bad endpoint!');
      await form.locator('[data-test=agent-phone]').getByText(zh ? '桌面 SIP 话机' : 'Desk SIP phone').click();
      await form.locator('[data-test=save-agent]').click();
      const named = zh ? ['请输入姓名', '只能使用字母、数字、_ 和 -（1 到 40', '需要固定地址或 SIP 密码'] : ['Enter a name', 'Use letters, digits, _ and - (1 to 40)', 'needs a fixed address or a SIP password'];
      await waitUntil('the problems named', async () => {
        const said = (await form.locator('.el-form-item__error').allInnerTexts()).join(' | ');
        return named.every((n) => said.includes(n)) || undefined;
      }, 5000);
      expect((await agents()).length, 'nothing stored').to.equal(before);

      // Fixed: the browser phone, care at level 3, signs in as the user.
      await form.locator('input[name=agent-name]').fill(zh ? '王芳' : 'Wang Fang');
      await form.locator('input[name=endpoint]').fill(endpoint);
      await form.locator('[data-test=agent-phone]').getByText(zh ? '浏览器（WebRTC）' : 'Browser (WebRTC)').click();
      await form.locator('[data-test=add-skill]').click();
      await form.locator('[data-test=agent-skills] input').first().fill('care');
      await form.locator('[data-test=agent-skills] .el-input-number input').first().fill('3');
      await form.locator('[data-test=agent-user]').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: `wang.fang-${tag}` }).click();
      // The list fades out after the choice: the screenshot shows the form, not the list half gone over its buttons.
      await waitUntil('the user list closed', async () => (await page.locator('.el-select__popper:visible').count()) === 0, 5000);
      await screenshot(page, `admin-agent-form-${locale}`);
      await form.locator('[data-test=save-agent]').click();
      const row = page.locator('[data-test=agents-table] tr').filter({ has: page.locator(`[data-agent="${endpoint}"]`) });
      await row.waitFor();
      expect(await row.innerText()).to.include(queue).and.include(`wang.fang-${tag}`).and.include(zh ? '浏览器（WebRTC）' : 'Browser (WebRTC)');
      const made = (await agents()).find((a) => a.endpoint === endpoint)!;
      expect(made).to.deep.include({ phone: 'webrtc', skills: { care: 3 }, userId: user.body.id });
      // The user works the desktop as this agent.
      const token = (await api(lab.base, 'POST', '/api/auth/login', { username: `wang.fang-${tag}`, password }, null)).body.token as string;
      expect((await api(lab.base, 'GET', '/api/agent-desk/me', undefined, token)).body.agent).to.include({ endpoint });

      // The same endpoint again: named.
      await page.locator('[data-test=new-agent]').click();
      await form.locator('input[name=agent-name]').fill('Twin');
      await form.locator('input[name=endpoint]').fill(endpoint);
      await form.locator('[data-test=save-agent]').click();
      await waitUntil('"taken"', async () => (await form.locator('.el-form-item__error').allInnerTexts()).join(' ').includes(zh ? '该端点已属于其他坐席' : 'belongs to another agent'), 5000);
      await page.keyboard.press('Escape');

      // Edit: care down to 1 — below the queue's 2: the queue is no longer served.
      await row.locator('[data-test=edit-agent]').click();
      await form.locator('[data-test=agent-skills] .el-input-number input').first().fill('1');
      await form.locator('[data-test=save-agent]').click();
      await waitUntil('the queue gone from the row', async () => !(await row.innerText()).includes(queue), 5000);
      expect((await agents()).find((a) => a.endpoint === endpoint)!.skills).to.deep.equal({ care: 1 });

      // Delete (confirmed).
      await row.locator('[data-test=delete-agent]').click();
      await page.locator('.el-message-box').getByRole('button', { name: zh ? '删除' : 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await agents()).length).to.equal(before);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`routing: a region table, a VIP rule tried on a caller, switched off and deleted; a rule that does nothing is refused (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = locale.toLowerCase();
      const general = `general-${tag}`;
      const vip = `vip-${tag}`;
      const phone = zh ? '01062345678' : '01062345679';
      for (const q of [general, vip]) expect((await api(lab.base, 'POST', '/api/acd/queues', { name: q })).status).to.equal(201);
      expect((await api(lab.base, 'POST', '/api/customers', { name: zh ? '王总' : 'Mr Wang', phones: [phone], vipLevel: 5 })).status).to.equal(201);
      const c = await lab.open(locale);
      const { page, errors } = c;
      await signIn(page, lab.base, 'admin', ADMIN_PASSWORD, '/admin?tab=routing');
      await page.locator('[data-test=routing-admin]').waitFor();
      const rules = async () => (await api(lab.base, 'GET', '/api/acd/routing/rules')).body.rules as Array<{ name: string; enabled: boolean }>;

      // Regions: a bad prefix is named by its line; nothing stored.
      const regions = page.locator('[data-test=regions]');
      const regionRows = regions.locator('[data-test=region-row]');
      const before = ((await api(lab.base, 'GET', '/api/acd/routing/regions')).body.regions as unknown[]).length;
      await regions.locator('[data-test=add-region]').click();
      await regionRows.nth(before).locator('input[name=prefix]').fill('01-0');
      await regionRows.nth(before).locator('input[name=region]').fill(zh ? '北京' : 'Beijing');
      await regions.locator('[data-test=save-regions]').click();
      await regions.locator('[data-test=regions-error]', { hasText: zh ? `第 ${before + 1} 行` : `Line ${before + 1}` }).waitFor();
      expect(((await api(lab.base, 'GET', '/api/acd/routing/regions')).body.regions as unknown[]).length).to.equal(before);
      await regionRows.nth(before).locator('input[name=prefix]').fill('010');
      await regions.locator('[data-test=save-regions]').click();
      await waitUntil('the region saved', async () => ((await api(lab.base, 'GET', '/api/acd/routing/regions')).body.regions as Array<{ prefix: string }>).some((r) => r.prefix === '010') || undefined, 5000);

      // A rule that does nothing is refused; then VIP callers of the general queue go to the VIP queue.
      const name = zh ? `VIP 优先 ${tag}` : `VIP first ${tag}`;
      const form = page.locator('[data-test=rule-form]');
      await page.locator('[data-test=new-rule]').click();
      await form.locator('input[name=rule-name]').fill(name);
      await form.locator('[data-test=save-rule]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '至少选一项' : 'give at least one' }).waitFor();
      await form.locator('[data-test=rule-queues]').click();
      await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: general }).click();
      await page.keyboard.press('Escape');
      await page.locator('.el-select__popper[aria-hidden=false]').waitFor({ state: 'detached' }).catch(() => undefined);
      await form.locator('[data-test=rule-vip-on]').click();
      await form.locator('input[name=vipMin]').fill('3');
      await form.locator('[data-test=rule-queue]').click();
      await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: vip }).click();
      await form.locator('input[name=priorityAdd]').fill('20');
      await form.locator('[data-test=save-rule]').click();
      const row = page.locator('[data-test=rules-table] tr').filter({ has: page.locator(`[data-rule="${name}"]`) });
      await row.waitFor();
      expect(await row.innerText()).to.contain(zh ? `转到队列 ${vip}` : `To queue ${vip}`);
      expect(await row.innerText()).to.contain(zh ? 'VIP 等级 ≥ 3' : 'VIP level ≥ 3');
      expect((await rules()).map((r) => r.name)).to.include(name);

      // Tried on the VIP caller: the VIP queue at +20, from Beijing, by this rule; switched off: the general queue.
      const tryBox = page.locator('[data-test=routing-try]');
      await tryBox.locator('[data-test=try-queue]').click();
      await page.locator('.el-select__popper[aria-hidden=false] .el-select-dropdown__item', { hasText: general }).click();
      await tryBox.locator('input[name=caller]').fill(phone);
      await tryBox.locator('[data-test=try-run]').click();
      const result = tryBox.locator('[data-test=try-result]');
      await result.filter({ hasText: zh ? `进入 ${vip}` : `Goes to ${vip}` }).waitFor();
      expect(await result.innerText()).to.contain(zh ? '地区：北京' : 'Region: Beijing');
      expect(await result.innerText()).to.contain(name);
      await screenshot(page, `admin-routing-${locale}`);
      await row.locator('[data-test=rule-enabled]').click();
      await waitUntil('the rule off', async () => (await rules()).find((r) => r.name === name)?.enabled === false || undefined, 5000);
      await tryBox.locator('[data-test=try-run]').click();
      await result.filter({ hasText: zh ? `进入 ${general}` : `Goes to ${general}` }).waitFor();

      // Deleted.
      await row.locator('[data-test=delete-rule]').click();
      await page.getByRole('dialog', { name: zh ? '删除' : 'Delete' }).getByRole('button', { name: zh ? '删除' : 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await rules()).map((r) => r.name)).to.not.include(name);
      expect(await missingKeys(page), 'translation keys missing').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the users tab', async () => {
    const c = await lab.open('en');
    await signIn(c.page, lab.base, 'admin', ADMIN_PASSWORD, '/admin');
    await c.page.locator('[data-test=users-table] [data-user=admin]').waitFor();
    const found = (await axeViolations(c.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(found, JSON.stringify(found, null, 1)).to.deep.equal([]);
  });
});
