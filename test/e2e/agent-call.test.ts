// The agent desktop with real calls: a SIPp caller (who presses 1 in the IVR menu, then talks)
// waits in a queue; the agent's page — its WebRTC phone registered with the real Asterisk —
// sees the ring and the screen pop before answering, answers, media flows both ways and
// Asterisk bridges the WebRTC leg with the caller; then the ticket, the knowledge-base answer,
// the hang-up, the wrap-up countdown, the required disposition and Ready again. Screenshots of
// ringing, on call and wrap-up in zh-CN and en go to test-artifacts/screenshots/.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { api } from '../support/api.js';
import { answerQuestion, appText, missingKeys, screenshot, type ConsolePage } from '../support/browser.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pageMediaStats, publishArticle, SERVICE, setupDeskLab, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

describe('agent desktop with real calls (WebRTC phone in Chromium, real Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let base: string;
  let ami: AmiWatch;
  let agent: LabAgent;
  let desk: ConsolePage | undefined;
  let call: SippCall | undefined;
  let customerId: string;

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    hotline = await startHotline({ ...db.env });
    base = hotline.url;
    ami = await new AmiWatch().start();
    await setupDeskLab(base, 10);
    agent = await createDeskAgent(base, '李娜', 'e2e-lina');
    const customer = await api(base, 'POST', '/api/customers', { name: '王小明', phones: ['+86 138-0013-8123', '13800138124'], vipLevel: 2, tags: ['宽带'], company: '星河科技' });
    expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
    customerId = customer.body.id;
    const ticket = await api(base, 'POST', '/api/tickets', { title: '路由器频繁重启', customerId });
    expect(ticket.status).to.equal(201);
    await publishArticle(base, '路由器反复重启怎么办', '请先断电三十秒，再检查固件版本；如仍重启，登记工单并安排上门。');
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    await desk?.close();
    desk = undefined;
    hangupAll();
  });
  after(async () => {
    await ami?.stop();
    await stopAllHotlines();
    await db?.drop();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: ring and pop before answer, answer, media both ways, bridged in Asterisk; ticket + KB answer, hang up, wrap-up, disposition, Ready`, async () => {
      desk = await openDesk(base, agent, locale);
      const { page, errors } = desk;
      // One number of the customer per language: the AMI and call-record checks see only this call.
      const caller = locale === 'zh-CN' ? '13800138123' : '13800138124';
      call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 60), waitBeforeDigitsMs: 500, hangupAfterMs: 90_000 });

      // Ring + pop, before anyone answered.
      await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
      await page.locator('[data-test=customer-name-shown]').filter({ hasText: '王小明' }).waitFor();
      expect(ami.events.some((e) => fieldOf(e, 'Event') === 'AgentConnect' && fieldOf(e, 'CallerIDNum') === caller), 'answered before the pop').to.equal(false);
      const pop = await appText(page);
      expect(pop).to.include('路由器频繁重启').and.include('星河科技').and.include('VIP 2');
      expect(await page.locator('[data-test=ivr-path]').innerText()).to.match(/m → q/);
      expect(await page.locator('[data-test=ivr-digits]').innerText()).to.include('1');
      expect(await page.locator('[data-test=ring-queue]').innerText()).to.include('desk-q');
      await waitForState(page, 'ringing');
      await screenshot(page, `desk-ringing-${locale}`);

      await page.locator('[data-test=answer]').click();
      await waitForState(page, 'on_call');
      await ami.waitFor('AgentConnect', { CallerIDNum: caller }, 10_000);
      const bridged = await waitForBridged(agent.endpoint, caller);
      expect(bridged.agent.app).to.not.equal('');
      const stats = await waitUntil('RTP both ways on the page', async () => {
        const s = await pageMediaStats(page);
        return s.packetsReceived > 50 && s.packetsSent > 50 ? s : undefined;
      }, 15_000, 250);
      expect(stats.packetsReceived).to.be.above(50);
      expect(stats.packetsSent).to.be.above(50);
      await page.locator('[data-test=call-timer]').waitFor();
      await screenshot(page, `desk-on-call-${locale}`);

      // Ticket from the call, and a knowledge-base answer found in Chinese attached to it.
      await page.locator('[data-test=ticket-title]').fill(locale === 'zh-CN' ? '路由器又重启了' : 'Router rebooting again');
      await page.locator('[data-test=ticket-save]').click();
      await page.locator('[data-test=ticket-created]').waitFor();
      await page.getByRole('tab', { name: locale === 'zh-CN' ? '知识库' : 'Knowledge base' }).click();
      await page.locator('[data-test=kb-query]').fill('重启');
      await page.locator('[data-test=kb-go]').click();
      await page.locator('[data-test=kb-hit]').filter({ hasText: '路由器反复重启怎么办' }).waitFor();
      await page.locator('[data-test=kb-attach]').first().click();
      await page.locator('[data-test=kb-attach]', { hasText: locale === 'zh-CN' ? '已附加' : 'Attached' }).waitFor();

      // Leaving the desk mid-call would end the browser phone's call: the page asks first; staying keeps the call.
      await page.getByRole('link', { name: locale === 'zh-CN' ? '工单' : 'Tickets' }).click();
      await answerQuestion(page, locale === 'zh-CN' ? '离开工作台？' : 'Leave the desk?', locale === 'zh-CN' ? '取消' : 'Cancel');
      expect(new URL(page.url()).pathname, 'still on the desk').to.equal('/agent');
      await page.locator('[data-test=call-timer]').waitFor();
      // Closing the tab mid-call: the browser asks first; staying keeps the page and the call.
      const asked = page.waitForEvent('dialog');
      await page.close({ runBeforeUnload: true });
      const leave = await asked;
      expect(leave.type(), 'the browser asks before the tab closes').to.equal('beforeunload');
      await leave.dismiss();
      expect(page.isClosed(), 'the tab stayed open').to.equal(false);
      await page.locator('[data-test=call-timer]').waitFor();

      // Hang up from the page: wrap-up waits for the required disposition, then counts down.
      await page.locator('[data-test=hangup]').click();
      await waitForState(page, 'wrap_up');
      await page.locator('[data-test=wrapup-waiting]').waitFor().catch((err: Error) => {
        // say why: what Hotline warned about and how Asterisk holds the agent
        const warned = hotline.logLines().filter((l) => l.level >= 40).map((l) => l.msg).slice(-10);
        throw new Error(`${err.message}\nHotline warnings: ${JSON.stringify(warned)}\nqueue show: ${cli('queue show desk-q').replace(/\x1b\[[0-9;]*m/g, '')}`);
      });
      await page.locator('[data-test=disposition]').waitFor();
      await screenshot(page, `desk-wrap-up-${locale}`);
      // Ready is refused until the disposition is given: the page still shows wrap-up.
      await page.locator('[data-test=ready]').click();
      await page.locator('.hl-error-notice').waitFor();
      expect(await page.locator('[data-test=agent-state]').getAttribute('data-state')).to.equal('wrap_up');
      await page.locator('[data-test=disposition-code]').click();
      await page.getByRole('option', { name: locale === 'zh-CN' ? '已解决' : 'Solved' }).click();
      await page.locator('[data-test=disposition-save]').click();
      await page.locator('[data-test=disposition]').waitFor({ state: 'detached' });
      const first = await page.locator('[data-test=wrapup-countdown]').innerText();
      await waitUntil('the countdown to move', async () => (await page.locator('[data-test=wrapup-countdown]').innerText()) !== first, 3000);
      await screenshot(page, `desk-wrap-up-countdown-${locale}`);
      await page.locator('[data-test=ready]').click();
      await waitForState(page, 'available');

      // The call record has the agent, the disposition and the ticket; the customer's timeline both.
      const record = await waitUntil('the call record', async () => {
        const list = await api(base, 'GET', `/api/calls?caller=${caller}&limit=5`);
        return (list.body.items as Array<Record<string, any>>).find((c) => c.endedAt && c.agentName);
      });
      expect(record.agentName).to.equal('李娜');
      const full = await api(base, 'GET', `/api/calls/${record.id}`);
      expect(JSON.stringify(full.body)).to.include('solved');
      const tickets = await api(base, 'GET', `/api/customers/${customerId}/tickets`);
      const made = (tickets.body.items as Array<Record<string, any>>).find((t) => t.callId === record.id);
      expect(made, 'a ticket linked to the call').to.not.equal(undefined);
      const timeline = await api(base, 'GET', `/api/customers/${customerId}/timeline`);
      const kinds = (timeline.body.items as Array<Record<string, any>>).map((i) => `${i.kind}:${i.refId ?? ''}`).join(' ');
      expect(kinds).to.include(`ticket:${made!.id}`).and.include(`call:${record.id}`);
      expect(await missingKeys(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });
  }

  it('an unknown caller: the form is prefilled, saving creates the customer, the next call pops as known', async () => {
    desk = await openDesk(base, agent, 'zh-CN');
    const { page } = desk;
    const caller = '13900139456';
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 30), waitBeforeDigitsMs: 500, hangupAfterMs: 60_000 });
    await page.locator('[data-test=screen-pop][data-known=false]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-test=customer-phones]').inputValue()).to.equal(caller);
    // Bad input first: the server's schema refuses it before anything is sent.
    await page.locator('[data-test=customer-phones]').fill('not a phone');
    await page.locator('[data-test=customer-save]').click();
    await page.locator('[data-test=new-customer] .el-form-item__error').first().waitFor();
    await page.locator('[data-test=customer-phones]').fill(caller);
    await page.locator('[data-test=customer-name]').fill('陈静');
    await page.locator('[data-test=customer-company]').fill('云帆物流');
    await page.locator('[data-test=customer-save]').click();
    await page.locator('[data-test=customer-name-shown]').filter({ hasText: '陈静' }).waitFor();
    const found = await api(base, 'GET', `/api/customers/screen-pop?phone=${caller}`);
    expect(found.body.known).to.equal(true);
    expect(found.body.customer.company).to.equal('云帆物流');
    await call.hangup();
    await call.done;
    call = undefined;
    await waitForState(page, 'available', 20_000);
    // The same number again: a known caller now.
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 30), waitBeforeDigitsMs: 500, hangupAfterMs: 60_000 });
    await page.locator('[data-test=screen-pop][data-known=true] [data-test=customer-name-shown]').filter({ hasText: '陈静' }).waitFor({ timeout: 20_000 });
    await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor();
  });
});
