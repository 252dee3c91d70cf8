// The knowledge base page (/kb) as its writers and reviewers use it (Chromium against the real
// Hotline, no Asterisk), in both languages: a supervisor makes a category; an agent writes an
// article (a missing title is named, nothing stored) and submits it; the supervisor sends it back
// with a note (without one it is refused), the agent edits and submits again, the supervisor
// publishes it and compares the versions; an edit made on a version someone has since replaced is
// refused and overwrites nothing; a supervisor cannot approve their own version (four eyes); a
// category that still holds an article is not deleted. Authors and reviewers are named by their
// display names (the drawer, the versions, the list). Every step is checked against the API.
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { answerQuestion, appText, axeViolations, missingKeys, screenshot, signIn } from '../support/browser.js';

interface Art { id: string; title: string; body: string; status: string; latestVersion?: number; publishedVersion: number | null }

describe('knowledge base page: write, review, publish, versions (Chromium, no Asterisk)', function () {
  this.timeout(180_000);
  const lab = adminLab();
  const PASSWORD = 'Kb-page-test-2026!';

  const login = async (username: string) => (await api(lab.base, 'POST', '/api/auth/login', { username, password: PASSWORD }, null)).body.token as string;
  const user = async (username: string, role: string, displayName: string) => {
    const r = await api(lab.base, 'POST', '/api/users', { username, password: PASSWORD, role, displayName, passwordChangeRequired: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  };
  const answer = answerQuestion;

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`an agent writes, a supervisor reviews and publishes, versions compare, conflicts and four eyes hold (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const tag = zh ? 'zh' : 'en';
      await user(`kb.agent-${tag}`, 'agent', zh ? '李雷' : 'Li Lei');
      await user(`kb.sup-${tag}`, 'supervisor', zh ? '韩梅' : 'Han Mei');
      const supToken = await login(`kb.sup-${tag}`);
      const category = zh ? `账户-${tag}` : `Accounts-${tag}`;
      const title = zh ? '如何重置密码' : 'How to reset a password';

      // The supervisor makes a category.
      const sup = await lab.open(locale);
      await signIn(sup.page, lab.base, `kb.sup-${tag}`, PASSWORD, '/kb');
      await sup.page.locator('[data-test=kb-new-category]').click();
      const prompt = sup.page.getByRole('dialog', { name: zh ? '新建分类' : 'New category' });
      await prompt.locator('input').fill(category);
      await prompt.getByRole('button', { name: zh ? '确定' : 'OK' }).click();
      await sup.page.locator(`[data-test=kb-tree] [data-category="${category}"]`).waitFor();
      const categories = (await api(lab.base, 'GET', '/api/kb/categories')).body.items as Array<{ id: string; name: string }>;
      const categoryId = categories.find((c) => c.name === category)!.id;

      // The agent writes: a missing title is named in the page's language, nothing stored.
      const agent = await lab.open(locale);
      await signIn(agent.page, lab.base, `kb.agent-${tag}`, PASSWORD, '/kb');
      const a = agent.page;
      await a.locator('[data-test=kb-new]').click();
      const form = a.locator('[data-test=kb-form]');
      await form.locator('textarea[name=body]').fill(zh ? '1. 打开登录页\n2. 点击“忘记密码”' : '1. Open the sign-in page\n2. Click "Forgot password"');
      await form.locator('[data-test=kb-save]').click();
      await form.locator('.el-form-item__error', { hasText: zh ? '请填写标题' : 'Give the article a title' }).waitFor();
      const titled = async () => ((await api(lab.base, 'GET', '/api/kb/articles?drafts=true&limit=100')).body.items as Art[]).filter((x) => x.title === title);
      expect(await titled(), 'nothing stored').to.deep.equal([]);
      await form.locator('input[name=title]').fill(title);
      await form.locator('[data-test=kb-category]').click();
      await a.locator('.el-select-dropdown__item:visible', { hasText: category }).click();
      await form.locator('[data-test=kb-save]').click();
      const drawer = a.locator('[data-test=kb-article]');
      await drawer.locator('[data-test=kb-status]', { hasText: zh ? '草稿' : 'Draft' }).waitFor();
      const id = (await titled())[0]!.id;
      const article = async () => (await api(lab.base, 'GET', `/api/kb/articles/${id}?drafts=true`)).body as Art & { categoryId: string };
      expect((await article()).categoryId).to.equal(categoryId);
      await drawer.locator('[data-test=kb-submit]').click();
      await drawer.locator('[data-test=kb-status]', { hasText: zh ? '审核中' : 'In review' }).waitFor();
      expect((await article()).status).to.equal('in_review');

      // The supervisor sends it back: a note is required.
      await sup.page.goto(`${lab.base}/kb?article=${id}`);
      const review = sup.page.locator('[data-test=kb-article]');
      await review.locator('[data-test=kb-reject]').click();
      await review.locator('[data-test=kb-error]', { hasText: zh ? '请写明退回的原因' : 'Say why the version is sent back' }).waitFor();
      await review.locator('input[name=note]').fill(zh ? '请补充第 3 步' : 'Add step 3');
      await review.locator('[data-test=kb-reject]').click();
      await review.locator('[data-test=kb-status]', { hasText: zh ? '草稿' : 'Draft' }).waitFor();
      expect((await article()).status).to.equal('draft');

      // The agent edits (version 2) and submits again; the supervisor publishes it.
      await a.reload();
      await drawer.locator('[data-test=kb-edit]').click();
      await form.locator('textarea[name=body]').fill(zh ? '1. 打开登录页\n2. 点击“忘记密码”\n3. 查收短信验证码' : '1. Open the sign-in page\n2. Click "Forgot password"\n3. Enter the code sent by SMS');
      await form.locator('[data-test=kb-save]').click();
      await drawer.locator('[data-test=kb-version]', { hasText: zh ? '第 2 版 · 李雷 ·' : 'Version 2 · Li Lei ·' }).waitFor();
      await drawer.locator('[data-test=kb-submit]').click();
      await drawer.locator('[data-test=kb-status]', { hasText: zh ? '审核中' : 'In review' }).waitFor();
      await sup.page.reload();
      await review.locator('[data-test=kb-approve]').click();
      await review.locator('[data-test=kb-status]', { hasText: zh ? '已发布' : 'Published' }).waitFor();
      expect((await article()).publishedVersion).to.equal(2);
      const found = (await api(lab.base, 'GET', `/api/kb/search?q=${encodeURIComponent(zh ? '验证码' : 'SMS')}`, undefined, await login(`kb.agent-${tag}`))).body.items as Array<{ id: string }>;
      expect(found.map((x) => x.id), 'agents find the published article').to.include(id);

      // Versions: v2 compared with v1 shows the added line.
      const versions = review.locator('[data-test=kb-versions]');
      await versions.locator('tr').filter({ has: sup.page.locator('[data-version="2"]') }).locator('[data-test=kb-compare]').click();
      await review.locator('[data-test=kb-diff] .hl-kb-added').first().waitFor(); // the diff is fetched after the click
      const added = (await review.locator('[data-test=kb-diff] .hl-kb-added').allInnerTexts()).map((x) => x.trim());
      expect(added).to.deep.equal([zh ? '+ 3. 查收短信验证码' : '+ 3. Enter the code sent by SMS']);
      // Authors and reviewers by name, not by username.
      expect((await versions.locator('[data-test=kb-version-author]').allInnerTexts()).map((x) => x.trim())).to.deep.equal(zh ? ['李雷', '李雷'] : ['Li Lei', 'Li Lei']);
      const reviews = await versions.innerText();
      expect(reviews).to.contain(zh ? '已退回 · 韩梅: 请补充第 3 步' : 'Sent back · Han Mei: Add step 3');
      expect(reviews).to.not.contain(`kb.sup-${tag}`);
      const listed = (await api(lab.base, 'GET', `/api/kb/articles/${id}/versions`)).body.items as Array<{ author: string; authorName: string; review: { by: string; byName: string } | null }>;
      expect(listed.map((v) => [v.author, v.authorName, v.review?.byName])).to.deep.equal([
        [`kb.agent-${tag}`, zh ? '李雷' : 'Li Lei', zh ? '韩梅' : 'Han Mei'],
        [`kb.agent-${tag}`, zh ? '李雷' : 'Li Lei', zh ? '韩梅' : 'Han Mei'],
      ]);
      await screenshot(sup.page, `kb-review-${locale}`);

      // A conflict: the agent edits v2 while the supervisor saves v3 through the API; the agent's save overwrites nothing.
      await a.reload();
      await drawer.locator('[data-test=kb-edit]').click();
      await form.locator('textarea[name=body]').fill('the agent\'s text');
      const v3 = await api(lab.base, 'PATCH', `/api/kb/articles/${id}`, { body: 'the supervisor\'s text', baseVersion: 2 }, supToken);
      expect(v3.status, JSON.stringify(v3.body)).to.equal(200);
      await form.locator('[data-test=kb-save]').click();
      await drawer.locator('[data-test=kb-error]', { hasText: zh ? '有人保存了更新的版本（第 3 版）' : 'Someone saved a newer version (v3)' }).waitFor();
      expect((await article()).body).to.equal('the supervisor\'s text');
      await screenshot(a, `kb-conflict-${locale}`);

      // Four eyes: the supervisor wrote v3 and cannot approve it.
      expect((await api(lab.base, 'POST', `/api/kb/articles/${id}/submit`, undefined, supToken)).status).to.equal(200);
      await sup.page.reload();
      await review.locator('[data-test=kb-approve]').click();
      await review.locator('[data-test=kb-error]', { hasText: zh ? '此版本由您撰写' : 'You wrote this version' }).waitFor();
      expect((await article()).publishedVersion).to.equal(2);

      // A category that holds an article is kept, and the page says why.
      await sup.page.goto(`${lab.base}/kb`);
      // The list names the latest version's author (v3, the supervisor).
      await sup.page.locator('[data-test=kb-table] tr', { hasText: title }).getByText(zh ? '韩梅' : 'Han Mei').waitFor();
      const node = sup.page.locator(`[data-test=kb-tree] [data-category="${category}"]`);
      await node.hover();
      await node.locator('[data-test=kb-delete-category]').click();
      await answer(sup.page, zh ? '删除分类' : 'Delete the category', zh ? '删除分类' : 'Delete the category');
      await sup.page.locator('[data-test=kb-page-error]', { hasText: zh ? '该分类下还有 0 个子分类和 1 篇文章' : 'The category still holds articles (1) or subcategories (0)' }).waitFor();
      expect(((await api(lab.base, 'GET', '/api/kb/categories')).body.items as Array<{ id: string }>).map((c) => c.id)).to.include(categoryId);
      await screenshot(sup.page, `kb-page-${locale}`);

      for (const c of [sup, agent]) {
        expect(await appText(c.page)).to.not.equal('');
        expect(await missingKeys(c.page), 'translation keys missing').to.deep.equal([]);
        expect(c.errors).to.deep.equal([]);
      }
    });
  }

  it('has no serious or critical accessibility violation (axe-core) on the page and an open article', async () => {
    const c = await lab.signedIn('en', '/kb');
    await c.page.locator('[data-test=kb-table]').waitFor();
    const serious = async () => (await axeViolations(c.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const onPage = await serious();
    expect(onPage, JSON.stringify(onPage, null, 1)).to.deep.equal([]);
    await c.page.locator('[data-test=kb-table] [data-article]').first().click();
    await c.page.locator('[data-test=kb-article] [data-test=kb-body]').waitFor();
    const inDrawer = await serious();
    expect(inDrawer, JSON.stringify(inDrawer, null, 1)).to.deep.equal([]);
  });
});
