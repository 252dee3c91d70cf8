// The wallboard's lab for e2e tests: a queue reached straight from a service number (no menu),
// with tight wallboard thresholds, an agent with a WebRTC phone, and a supervisor whose user is
// linked to a WebRTC phone of its own (no queue skills) to listen with.
import { api, publishFlow } from './api.js';
import { openConsole, signIn, type ConsolePage } from './browser.js';
import { createDeskAgent, type LabAgent } from './desk-lab.js';

export const WB_QUEUE = 'wb-q';
export const WB_SERVICE = '7411';

const ok = (what: string, res: { status: number; body: any }, status = 201) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

export interface LabSupervisor {
  username: string;
  password: string;
  userId: string;
  endpoint: string;
}

export async function setupWallboardLab(base: string): Promise<void> {
  ok('queue', await api(base, 'POST', '/api/acd/queues', {
    name: WB_QUEUE,
    settings: { skills: { wb: 1 }, wrapupSeconds: 0, ringSeconds: 30, serviceLevelSeconds: 20, shortAbandonSeconds: 0, wallboard: { timezone: 'Asia/Shanghai', waitingWarn: 2, waitingAlarm: 4, longestWaitWarnSeconds: 1, longestWaitAlarmSeconds: 2, serviceLevelWarn: 0.8, serviceLevelAlarm: 0.6 } },
  }));
  await publishFlow(base, 'wb-flow', { entry: 'q', nodes: { q: { type: 'queue', queue: WB_QUEUE } } }, [WB_SERVICE]);
}

export const createWallboardAgent = (base: string, name: string, endpoint: string): Promise<LabAgent> => createDeskAgent(base, name, endpoint, { wb: 5 });

export async function createSupervisor(base: string, endpoint: string, name = '王主管'): Promise<LabSupervisor> {
  const username = `${endpoint}.sup`;
  const password = `Sup-${endpoint}-secret-9`;
  const user = ok('user', await api(base, 'POST', '/api/users', { username, password, role: 'supervisor', displayName: name }));
  const phone = ok('phone', await api(base, 'POST', '/api/acd/agents', { name, endpoint, phone: 'webrtc', skills: {}, userId: user.id }));
  if (phone.appliedToAsterisk !== true) throw new Error(`supervisor phone ${endpoint} was not applied to Asterisk`);
  return { username, password, userId: user.id, endpoint };
}

/** The supervisor's wallboard, signed in, with its browser phone registered. */
export async function openBoard(base: string, sup: LabSupervisor, locale: 'zh-CN' | 'en'): Promise<ConsolePage> {
  const p = await openConsole(locale);
  await signIn(p.page, base, sup.username, sup.password, '/supervisor');
  await p.page.locator('[data-test=wallboard]').waitFor({ timeout: 15_000 });
  await p.page.locator('[data-test=feed-status][data-status=live]').waitFor({ timeout: 15_000 });
  await p.page.locator('[data-test=phone-status][data-status=registered]').waitFor({ timeout: 20_000 });
  return p;
}

export const agentRow = (page: ConsolePage['page'], agentId: string) => page.locator(`[data-test=agent-row][data-agent="${agentId}"]`);

/** p-th percentile (nearest rank). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
