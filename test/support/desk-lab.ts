// The agent desktop's lab for e2e tests: a queue with wrap-up and required dispositions, an IVR
// menu in front of it, agents with WebRTC phones linked to users, a published knowledge-base
// article, and a desk page signed in, registered and logged in to its queues.
import type { Page } from 'playwright-core';
import { api, publishFlow } from './api.js';
import { openConsole, signIn, type ConsolePage } from './browser.js';
import { callerPcap } from './caller-audio.js';
import { cli, waitUntil } from './pbx.js';
import { startCall, type SippCall } from './sipp.js';

export const QUEUE = 'desk-q';
export const SERVICE = '7401';
export const DISPOSITIONS = [
  { code: 'solved', labels: { 'zh-CN': '已解决', en: 'Solved' } },
  { code: 'follow_up', labels: { 'zh-CN': '需跟进', en: 'Follow-up needed' } },
];

export interface LabAgent {
  id: string;
  endpoint: string;
  username: string;
  password: string;
  userId: string;
}

const ok = (what: string, res: { status: number; body: any }, status = 201) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** The queue (wrap-up `wrapupSeconds`, dispositions required or not) and the menu flow (1 → queue) on SERVICE. */
export async function setupDeskLab(base: string, wrapupSeconds = 10, dispositionRequired = true): Promise<void> {
  ok('queue', await api(base, 'POST', '/api/acd/queues', { name: QUEUE, settings: { skills: { desk: 1 }, wrapupSeconds, ringSeconds: 30, dispositions: { required: dispositionRequired, codes: DISPOSITIONS } } }));
  await publishFlow(base, 'desk-flow', {
    entry: 'm',
    nodes: {
      m: { type: 'menu', prompt: { sound: 'beep' }, options: { '1': 'q' }, timeoutMs: 5000, retries: 0, onExhausted: 'q', bargeIn: true },
      q: { type: 'queue', queue: QUEUE },
    },
  }, [SERVICE]);
}

/** A user with role agent and its agent, whose phone is the desktop's WebRTC phone. */
export async function createDeskAgent(base: string, name: string, endpoint: string, skills: Record<string, number> = { desk: 5 }): Promise<LabAgent> {
  const username = `${endpoint}.user`;
  const password = `Desk-${endpoint}-secret-9`;
  const user = ok('user', await api(base, 'POST', '/api/users', { username, password, role: 'agent', displayName: name }));
  const agent = ok('agent', await api(base, 'POST', '/api/acd/agents', { name, endpoint, phone: 'webrtc', skills, userId: user.id }));
  if (agent.appliedToAsterisk !== true) throw new Error(`agent ${endpoint} was not applied to Asterisk`);
  return { id: agent.id, endpoint, username, password, userId: user.id };
}

/** A published article (an admin writes it, a supervisor approves it: four eyes). */
export async function publishArticle(base: string, title: string, body: string): Promise<string> {
  const sup = { username: `kb.reviewer${Date.now()}`, password: 'Kb-reviewer-secret-42' };
  ok('reviewer', await api(base, 'POST', '/api/users', { ...sup, role: 'supervisor' }));
  const token = ok('login', await api(base, 'POST', '/api/auth/login', sup, null), 200).token as string;
  const created = ok('article', await api(base, 'POST', '/api/kb/articles', { title, body }));
  ok('submit', await api(base, 'POST', `/api/kb/articles/${created.id}/submit`), 200);
  ok('approve', await api(base, 'POST', `/api/kb/articles/${created.id}/approve`, {}, token), 200);
  return created.id as string;
}

/** The desk page of `agent`: signed in, its browser phone registered, logged in to its queues. */
export async function openDesk(base: string, agent: LabAgent, locale: 'zh-CN' | 'en', opts: { queues?: boolean } = {}): Promise<ConsolePage> {
  const p = await openConsole(locale);
  await signIn(p.page, base, agent.username, agent.password);
  await p.page.locator('[data-test=phone-status][data-status=registered]').waitFor({ timeout: 20_000 });
  if (opts.queues === false) return p;
  // Logged in to the queues already (an earlier test's page): the server says so, nothing to click.
  const state = await p.page.locator('[data-test=agent-state]').getAttribute('data-state');
  if (state === 'logged_out') await p.page.locator('[data-test=login-queues]').click();
  await waitForState(p.page, 'available');
  return p;
}

export async function waitForState(page: Page, state: string, timeout = 15_000): Promise<void> {
  try {
    await page.locator(`[data-test=agent-state][data-state=${state}]`).waitFor({ timeout });
  } catch (err) {
    // Say what the page showed instead, and what Asterisk has for the member.
    const shown = await page.locator('[data-test=agent-state]').getAttribute('data-state').catch(() => '?');
    throw new Error(`the page did not show state ${state} within ${timeout} ms (it shows ${shown}); Asterisk: ${cli(`queue show ${QUEUE}`).split('\n').filter((l) => l.includes('PJSIP/')).join(' | ')}`, { cause: err });
  }
}

/**
 * A real call from `caller` (menu key 1 into the lab's queue) rung on the desk's browser phone,
 * answered and hung up by the agent: the desk is in wrap-up with the call's work open. The caller
 * (a SIPp call the test stops) is returned.
 */
export async function takeCallToWrapUp(page: Page, caller: string): Promise<SippCall> {
  const call = await startCall({ scenario: 'uac-dtmf', service: SERVICE, caller, dtmfFile: callerPcap('1', 60), waitBeforeDigitsMs: 500, hangupAfterMs: 90_000 });
  await page.locator('[data-test=softphone] [data-call-state=ringing]').waitFor({ timeout: 20_000 });
  await page.locator('[data-test=answer]').click();
  await waitForState(page, 'on_call');
  await page.locator('[data-test=hangup]').click();
  await waitForState(page, 'wrap_up');
  return call;
}

/** RTP counters of the page's current call (the WebRTC peer connection's getStats). */
export interface PageMediaStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** The microphone's energy as fed to the sender: stands still while muted. */
  audioEnergySent: number;
}
export function pageMediaStats(page: Page): Promise<PageMediaStats> {
  return page.evaluate(() => (window as unknown as { __hotlinePhone: { stats(): Promise<PageMediaStats> } }).__hotlinePhone.stats());
}

/** Asterisk's channels (core show channels concise): name, state, application and bridge. */
export function pbxChannels(): Array<{ name: string; state: string; app: string; bridge: string; callerId: string }> {
  return cli('core show channels concise')
    .split('\n')
    .filter((l) => l.includes('!'))
    .map((l) => {
      const f = l.split('!');
      return { name: f[0]!, state: f[4]!, app: f[5]!, callerId: f[7]!, bridge: f[12] ?? '' };
    });
}

/** Waits until the agent's WebRTC channel and the caller's channel share one Asterisk bridge. */
export function waitForBridged(endpoint: string, callerNumber: string, timeoutMs = 10_000) {
  return waitUntil(`PJSIP/${endpoint} bridged with the caller ${callerNumber}`, () => {
    const chans = pbxChannels();
    const agent = chans.find((c) => c.name.startsWith(`PJSIP/${endpoint}-`) && c.bridge);
    const caller = chans.find((c) => c.callerId === callerNumber && !c.name.startsWith(`PJSIP/${endpoint}-`) && c.bridge);
    return agent && caller && agent.bridge === caller.bridge ? { agent, caller } : undefined;
  }, timeoutMs);
}
