// ACD helpers for integration tests: agents whose devices are lab SIPp UAS instances
// (test/support/agents.ts, 127.0.0.1:5090+N), queues, and flows that send callers to a queue.
import { api, publishFlow } from './api.js';
import { dtmfPcap } from './dtmf-pcap.js';
import { waitUntil } from './pbx.js';

export interface TestAgent {
  id: string;
  endpoint: string;
  interface: string;
}

/** An agent whose device is the lab UAS number `slot` (1-6). */
export async function createAgent(base: string, name: string, slot: number, skills: Record<string, number>, extra: Record<string, unknown> = {}): Promise<TestAgent> {
  const endpoint = `acd-${name}`;
  const res = await api(base, 'POST', '/api/acd/agents', { name, endpoint, contact: `sip:${endpoint}@127.0.0.1:${5090 + slot}`, skills, ...extra });
  if (res.status !== 201) throw new Error(`creating agent ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.appliedToAsterisk !== true) throw new Error(`agent ${name} was saved but not applied to Asterisk`);
  return { id: res.body.id, endpoint, interface: `PJSIP/${endpoint}` };
}

export async function createQueue(base: string, name: string, settings: Record<string, unknown>): Promise<void> {
  const res = await api(base, 'POST', '/api/acd/queues', { name, settings });
  if (res.status !== 201) throw new Error(`creating queue ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.appliedToAsterisk !== true) throw new Error(`queue ${name} was saved but not applied to Asterisk`);
}

export async function agentAction(base: string, agent: TestAgent, action: 'login' | 'logout' | 'ready' | 'break', reason?: string): Promise<any> {
  const res = await api(base, 'POST', `/api/acd/agents/${agent.id}/${action}`, action === 'break' ? { reason } : undefined);
  if (res.status !== 200) throw new Error(`${action} ${agent.endpoint}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function agentState(base: string, agent: TestAgent): Promise<string> {
  return (await api(base, 'GET', `/api/acd/agents/${agent.id}`)).body.state;
}

export async function waitForAgentState(base: string, agent: TestAgent, state: string, timeoutMs = 15_000): Promise<true> {
  let seen: unknown;
  return waitUntil(`agent ${agent.endpoint} to be ${state}`, async () => {
    const a = (await api(base, 'GET', `/api/acd/agents/${agent.id}`)).body;
    seen = { state: a?.state, reason: a?.stateReason, since: a?.stateSince };
    return a?.state === state || undefined;
  }, timeoutMs).catch((err: Error) => {
    // Which state it stayed in, since when: the cause of a wait that timed out.
    throw new Error(`${err.message}; it was ${JSON.stringify(seen)}`);
  });
}

/** A flow that sends every caller of `number` to `queue` (and to a "nobody is here" leaf when nobody is logged in). */
/**
 * uac-dtmf's dtmfFile for a caller asking for a callback: the key pressed 4 times, 4 s apart. A
 * press that comes before the caller is in the queue (a busy box answers slowly) goes nowhere and
 * the next one takes; once the caller has left the queue for the callback, presses go nowhere.
 */
export function callbackPresses(key = '1'): string {
  return dtmfPcap(key.repeat(4), { gapMs: 4000 });
}

export async function queueFlow(base: string, name: string, queue: string, number: string, node: Record<string, unknown> = {}): Promise<void> {
  await publishFlow(base, name, {
    entry: 'q',
    nodes: {
      q: { type: 'queue', queue, noAgents: 'nobody', ...node },
      nobody: { type: 'hangup', prompt: { sound: 'vm-nobodyavail' } },
    },
  }, [number]);
}

/** A user of `role` and a session token for it (the agent desktop's tests act as that user). */
export async function userToken(base: string, username: string, role: string): Promise<{ id: string; token: string }> {
  const password = 'Kiwi-Orange-Secret-9';
  const created = await api(base, 'POST', '/api/users', { username, password, role });
  if (created.status !== 201) throw new Error(`creating user ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await api(base, 'POST', '/api/auth/login', { username, password }, null);
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: created.body.id as string, token: login.body.token as string };
}
