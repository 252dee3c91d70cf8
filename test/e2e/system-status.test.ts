// The admin console's System tab (Chromium, a Hotline with no Asterisk reachable), in both
// languages: the node is degraded, active (a single node on SQLite), with no call in progress; the
// database is up and Asterisk's ARI and AMI are down with what went wrong — the same as GET /health.
import { expect } from 'chai';
import { adminLab } from '../support/admin-lab.js';
import { api } from '../support/api.js';
import { axeViolations, missingKeys, screenshot } from '../support/browser.js';

describe('administration console: system status (Chromium, no Asterisk)', function () {
  this.timeout(90_000);
  const lab = adminLab();

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`shows this node's role and each link as /health reports them (${locale})`, async () => {
      const zh = locale === 'zh-CN';
      const health = (await api(lab.base, 'GET', '/health')).body as { status: string; role: string; ari: { up: boolean; detail?: string } };
      expect([health.status, health.role, health.ari.up]).to.deep.equal(['degraded', 'active', false]);
      const { page, errors } = await lab.signedIn(locale, '/admin?tab=system');
      const tab = page.locator('[data-test=system-status]');
      await tab.locator('[data-test=system-overall][data-status=degraded]', { hasText: zh ? '降级：有连接中断' : 'Degraded: a link is down' }).waitFor();
      expect(await tab.locator('[data-test=system-role]').innerText()).to.contain(zh ? '主节点（处理通话）' : 'Active (drives calls)');
      expect(await tab.locator('[data-test=system-calls]').innerText()).to.equal(zh ? '进行中的通话：0' : 'Calls in progress: 0');
      const row = (key: string) => tab.locator(`[data-link=${key}]`);
      expect(await row('db').getAttribute('data-state')).to.equal('up');
      expect(await row('ari').getAttribute('data-state')).to.equal('down');
      expect(await row('ami').getAttribute('data-state')).to.equal('down');
      expect(await row('ari').innerText()).to.contain(zh ? 'Asterisk ARI（通话）' : 'Asterisk ARI (calls)');
      if (health.ari.detail) expect(await row('ari').innerText(), 'what went wrong, as the server says it').to.contain(health.ari.detail.slice(0, 40));
      const violations = await axeViolations(page); // also waits for the tags' fade-in
      await screenshot(page, `admin-system-${locale}`);
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations, null, 1)).to.deep.equal([]);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }
});
