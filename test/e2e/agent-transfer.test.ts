// Hold and transfers from the browser phone, asserted on Asterisk and on both agents' pages:
// hold plays music to the caller and resume stops it; a blind transfer (REFER) to a second
// browser agent picked from the list of agents (with their state), to a queue picked from the list
// and to a typed number; an attended transfer completed (REFER with Replaces) and one cancelled.
import { expect } from 'chai';
import { fieldOf } from '../../app/pbx/ami/index.js';
import { AmiWatch } from '../support/ami-watch.js';
import { startPhone, type Agents } from '../support/agents.js';
import { screenshot, type ConsolePage } from '../support/browser.js';
import { callerPcap } from '../support/caller-audio.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createDeskAgent, openDesk, pbxChannels, QUEUE, SERVICE, setupDeskLab, waitForBridged, waitForState, type LabAgent } from '../support/desk-lab.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { startCall, type SippCall } from '../support/sipp.js';

/** A customer's outside phone (SIPp UAS), reached through HOTLINE_OUTBOUND_DIAL. */
const OUTSIDE_PORT = 5098;

describe('hold and transfers from the browser phone (real Asterisk)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let ami: AmiWatch;
  let first: LabAgent;
  let second: LabAgent;
  let a: ConsolePage;
  let b: ConsolePage;
  let call: SippCall | undefined;
  let outside: Agents | undefined;
  let n = 0;

  /** A caller through the menu into the queue, answered by the first agent's page. */
  async function answeredCall(): Promise<string> {
    const caller = `1370013${String(7000 + ++n)}`;
    call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 60), waitBeforeDigitsMs: 500, hangupAfterMs: 90_000 });
    await a.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    await a.page.locator('[data-test=answer]').click();
    await waitForBridged(first.endpoint, caller);
    return caller;
  }
  const callerChannel = (caller: string) => pbxChannels().find((c) => c.name.startsWith('PJSIP/callers-') && c.callerId === caller)?.name;
  /** The transfer dialog: an agent picked from the list (with its state), a queue from the list, or a number typed. */
  const openTransfer = async (mode: 'blind' | 'attended', to: { agent: string } | { queue: string } | { number: string } = { agent: second.endpoint }) => {
    await a.page.locator('[data-test=transfer]').click();
    const dialog = a.page.getByRole('dialog');
    await dialog.getByText(mode === 'blind' ? 'Blind' : 'Attended', { exact: true }).click();
    if ('agent' in to) {
      await dialog.getByText('Agent', { exact: true }).click();
      await a.page.locator('[data-test=transfer-agent]').click();
      const option = a.page.locator(`.el-select-dropdown__item[data-endpoint="${to.agent}"]`);
      await option.waitFor();
      // The picker lists the other agents with their state (the second agent is in no queue), never the agent itself.
      expect(await option.innerText()).to.include('周杰').and.include('Logged out');
      expect(await a.page.locator(`.el-select-dropdown__item[data-endpoint="${first.endpoint}"]`).count()).to.equal(0);
      if (mode === 'blind') await screenshot(a.page, 'desk-transfer-picker-en');
      await option.click();
    } else if ('queue' in to) {
      await dialog.getByText('Queue', { exact: true }).click();
      await a.page.locator('[data-test=transfer-queue]').click();
      await a.page.locator(`.el-select-dropdown__item[data-queue="${to.queue}"]`).click();
    } else {
      await dialog.getByText('Number', { exact: true }).click();
      await a.page.locator('input[data-test=transfer-target], [data-test=transfer-target] input').fill(to.number);
    }
    await a.page.locator('[data-test=transfer-go]').click();
  };

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('sqlite');
    outside = await startPhone(OUTSIDE_PORT, 'answer');
    hotline = await startHotline({ ...db.env, HOTLINE_OUTBOUND_DIAL: `PJSIP/callers/sip:{number}@127.0.0.1:${OUTSIDE_PORT}` });
    ami = await new AmiWatch().start();
    await setupDeskLab(hotline.url, 0, false);
    first = await createDeskAgent(hotline.url, '李娜', 'e2e-xfer-a');
    // The second agent is in no queue: calls reach it only by transfer.
    second = await createDeskAgent(hotline.url, '周杰', 'e2e-xfer-b', { other: 5 });
    a = await openDesk(hotline.url, first, 'en');
    b = await openDesk(hotline.url, second, 'en', { queues: false });
  });
  afterEach(async () => {
    if (call) await call.stop();
    call = undefined;
    hangupAll();
    await waitUntil('the pages to have no call', async () => (await a.page.locator('[data-call-state]').count()) + (await b.page.locator('[data-call-state]').count()) === 0, 10_000);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await ami?.stop();
    await stopAllHotlines();
    outside?.stop();
    await db?.drop();
  });

  it('hold plays music on hold to the caller; resume stops it', async () => {
    const caller = await answeredCall();
    const chan = callerChannel(caller)!;
    await a.page.locator('[data-test=hold]').click();
    await ami.waitFor('MusicOnHoldStart', { Channel: chan }, 10_000);
    await a.page.locator('[data-test=unhold]').waitFor();
    expect(await a.page.locator('[data-test=softphone]').innerText()).to.include('on hold');
    await a.page.locator('[data-test=unhold]').click();
    await ami.waitFor('MusicOnHoldStop', { Channel: chan }, 10_000);
    await a.page.locator('[data-test=hold]').waitFor();
  });

  it('a blind transfer hands the caller to the second agent: their page rings, answers, the caller is bridged with them', async () => {
    const caller = await answeredCall();
    await openTransfer('blind');
    await b.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 15_000 });
    await waitUntil('the first page to be free', async () => (await a.page.locator('[data-call-state]').count()) === 0, 10_000);
    await b.page.locator('[data-test=answer]').click();
    await waitForBridged(second.endpoint, caller);
    expect(pbxChannels().some((c) => c.name.startsWith(`PJSIP/${first.endpoint}-`)), 'the first agent left').to.equal(false);
  });

  it('a blind transfer to a queue picked from the list: the caller waits in it again and is offered to its agent', async () => {
    const caller = await answeredCall();
    const chan = callerChannel(caller)!;
    const mark = ami.events.length;
    await openTransfer('blind', { queue: QUEUE });
    await ami.waitFor('UserEvent', { UserEvent: 'HotlineAgentTarget', Kind: 'queue', Target: QUEUE }, 10_000);
    await ami.waitFor('QueueCallerJoin', { Queue: QUEUE, Channel: chan }, 10_000);
    // The first agent, free again, is the queue's member: the caller rings their page anew.
    await a.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
    expect(ami.events.slice(mark).some((e) => fieldOf(e, 'Event') === 'AgentCalled' && fieldOf(e, 'Channel') === chan)).to.equal(true);
  });

  it('a blind transfer to a typed number: dialled through HOTLINE_OUTBOUND_DIAL, the caller bridged with the outside phone', async () => {
    const caller = await answeredCall();
    await openTransfer('blind', { number: '13900139077' });
    await ami.waitFor('UserEvent', { UserEvent: 'HotlineAgentTarget', Kind: 'outside', Target: '13900139077' }, 10_000);
    await waitUntil('the caller bridged with the outside phone', () => {
      const chans = pbxChannels();
      const c = chans.find((x) => x.name === callerChannel(caller) && x.bridge);
      return c && chans.some((x) => x.name !== c.name && x.name.startsWith('PJSIP/callers-') && x.bridge === c.bridge);
    }, 15_000);
    await waitUntil('the first page to be free', async () => (await a.page.locator('[data-call-state]').count()) === 0, 10_000);
  });

  it('an attended transfer: the caller waits on hold while the agents talk, then is joined to the second agent', async () => {
    const caller = await answeredCall();
    const chan = callerChannel(caller)!;
    const mark = ami.events.length;
    await openTransfer('attended');
    await b.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 15_000 });
    expect(ami.events.slice(mark).some((e) => fieldOf(e, 'Event') === 'MusicOnHoldStart' && fieldOf(e, 'Channel') === chan), 'caller on hold during the consultation').to.equal(true);
    await b.page.locator('[data-test=answer]').click();
    await a.page.locator('[data-test=consult] ').filter({ hasText: 'Connected' }).waitFor();
    await a.page.locator('[data-test=transfer-complete]').click();
    await waitForBridged(second.endpoint, caller);
    await waitUntil('the first agent to leave', () => !pbxChannels().some((c) => c.name.startsWith(`PJSIP/${first.endpoint}-`)), 10_000);
    await b.page.locator('[data-test=softphone] [data-call-state=connected]').waitFor();
    await waitUntil('the first page to be free', async () => (await a.page.locator('[data-call-state]').count()) === 0, 10_000);
  });

  it('an attended transfer cancelled: the consultation ends and the caller is back with the first agent', async () => {
    const caller = await answeredCall();
    await openTransfer('attended');
    await b.page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 15_000 });
    await b.page.locator('[data-test=answer]').click();
    await a.page.locator('[data-test=consult]').filter({ hasText: 'Connected' }).waitFor();
    await a.page.locator('[data-test=transfer-cancel]').click();
    await waitUntil('the second agent to be free', async () => (await b.page.locator('[data-call-state]').count()) === 0, 10_000);
    await waitForBridged(first.endpoint, caller);
    await a.page.locator('[data-test=hold]').waitFor();
    await waitForState(a.page, 'on_call');
  });
});
