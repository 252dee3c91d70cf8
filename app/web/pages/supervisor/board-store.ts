// The wallboard's state, all of it from the server: the board (GET /api/wallboard, asked again
// after every reconnect), then the live feed — `wallboard.queue` replaces a queue's figures,
// `agent.state` an agent's state. The supervisor's browser phone (the device linked to the
// supervisor's user) answers by itself the call Asterisk places for a listen / whisper / barge
// the supervisor asked for.
import { reactive, shallowRef } from 'vue';
import { ApiError } from '../../api/client';
import { DEFAULT_BREAK_REASONS, loadDesk, type PhoneCredentials } from '../../api/desk';
import { wallboardApi, type BoardAgent, type MonitorMode, type QueueFigures } from '../../api/wallboard';
import { authApi } from '../../api/auth';
import { LiveFeed, type LiveMessage } from '../../live/feed';
import type { Softphone } from '../../phone/softphone';
import { session, type SessionUser } from '../../session/session';
import { logFailure, reportError } from '../../components/notify';

export interface Monitoring {
  agentId: string;
  mode: MonitorMode;
  /** Asked and not yet answered by the phone. */
  pendingSince: number | null;
  /** The phone's call of this monitoring, once answered. */
  callId: string | null;
}

export function createBoard(user: SessionUser) {
  const s = reactive({
    loading: true,
    loadError: null as unknown,
    queues: [] as QueueFigures[],
    agents: [] as BoardAgent[],
    breakReasons: DEFAULT_BREAK_REASONS,
    /** Per action key ("<agentId>:<action>") in flight. */
    busy: {} as Record<string, boolean>,
    monitoring: null as Monitoring | null,
    /** Why the supervisor has no phone to listen with ('' : it has one). */
    phoneProblem: '' as '' | 'no_phone' | 'desk_phone' | 'failed',
    /** When each queue's figures were last replaced by a pushed event (tests measure latency with it). */
    pushedAt: {} as Record<string, number>,
  });
  const phone = shallowRef<Softphone | null>(null);

  const applyQueue = (f: QueueFigures) => {
    const i = s.queues.findIndex((q) => q.queue === f.queue);
    if (i >= 0) s.queues[i] = f;
    else s.queues.push(f);
    s.pushedAt[f.queue] = Date.now();
  };

  const onEvent = (e: LiveMessage) => {
    if (e.type === 'wallboard.queue') applyQueue(e.figures as QueueFigures);
    else if (e.type === 'agent.state') {
      const a = s.agents.find((x) => x.id === e.agentId);
      if (a) Object.assign(a, { state: e.state, reason: e.reason ?? '', since: e.since, wrapupUntil: e.wrapupUntil ?? null });
      else if (Date.now() - lastRefresh > 2000) void refresh(); // an agent the board does not know yet
    } else if (e.type === 'wallboard.monitor' && e.status === 'ended') s.monitoring = null;
  };

  let lastRefresh = 0;
  async function refresh() {
    lastRefresh = Date.now();
    try {
      const b = await wallboardApi.board();
      s.queues = b.queues;
      s.agents = b.agents;
      s.breakReasons = b.breakReasons.length ? b.breakReasons : DEFAULT_BREAK_REASONS;
      s.loadError = null;
    } catch (err) {
      if (s.loading) s.loadError = err;
      else reportError(err);
    }
  }

  const feed = new LiveFeed({
    token: () => session.token.value,
    onEvent,
    // Signed in (first time or again): the board is asked afresh, so nothing that happened
    // before the feed was live is missed.
    onReady: () => void refresh(),
    onRefused: () => void authApi.me().then(() => feed.start(), reportError),
  });

  async function startPhone() {
    let creds: PhoneCredentials | null = null;
    try {
      const me = await loadDesk(user.id);
      if (me.phone?.kind === 'webrtc') creds = me.phone;
      else s.phoneProblem = me.phone?.kind === 'desk' ? 'desk_phone' : 'no_phone';
    } catch (err) {
      if (err instanceof ApiError && err.code === 'no_agent') s.phoneProblem = 'no_phone';
      else s.phoneProblem = 'failed';
      return;
    }
    if (!creds) return;
    const { Softphone } = await import('../../phone/softphone');
    const p = new Softphone({
      // The call Asterisk places for the monitoring the supervisor just asked for: answered at once.
      incoming: (call) => {
        const m = s.monitoring;
        if (m?.pendingSince && call.remoteNumber === 'monitor' && Date.now() - m.pendingSince < 30_000) {
          m.pendingSince = null;
          m.callId = call.id;
          void p.answer(call.id).catch(reportError);
        }
      },
      // The monitoring's own call ended (the agent's call ended, or Stop); the end of the call of
      // a previous mode, replaced by the new one, changes nothing.
      ended: (call) => {
        if (s.monitoring?.callId === call.id) s.monitoring = null;
      },
    });
    phone.value = p;
    window.__hotlinePhone = p;
    await p.start(creds).catch((err) => {
      s.phoneProblem = 'failed';
      reportError(err);
    });
  }

  async function load() {
    s.loading = true;
    s.loadError = null;
    await refresh();
    s.loading = false;
    if (!s.loadError) {
      feed.start();
      void startPhone();
    }
  }

  async function act(agentId: string, action: string, f: () => Promise<unknown>) {
    const key = `${agentId}:${action}`;
    s.busy[key] = true;
    try {
      await f();
    } catch (err) {
      reportError(err);
    } finally {
      s.busy[key] = false;
    }
  }

  async function monitor(agentId: string, mode: MonitorMode) {
    const before = s.monitoring;
    s.monitoring = { agentId, mode, pendingSince: Date.now(), callId: null };
    await act(agentId, 'monitor', async () => {
      try {
        await wallboardApi.monitor(agentId, mode);
      } catch (err) {
        s.monitoring = before && before.agentId === agentId ? null : before;
        throw err;
      }
    });
  }

  async function stopMonitor() {
    const m = s.monitoring;
    await act(m?.agentId ?? '', 'monitor', () => wallboardApi.stopMonitor());
    s.monitoring = null;
  }

  return {
    s,
    phone,
    feed,
    load,
    refresh,
    stop() {
      feed.stop();
      void phone.value?.stop().catch(logFailure('phone stop'));
      phone.value = null;
    },
    takeBreak: (agentId: string, reason: string) => act(agentId, 'break', () => wallboardApi.break(agentId, reason)),
    ready: (agentId: string) => act(agentId, 'ready', () => wallboardApi.ready(agentId)),
    logout: (agentId: string) => act(agentId, 'logout', () => wallboardApi.logout(agentId)),
    monitor,
    stopMonitor,
  };
}

export type BoardStore = ReturnType<typeof createBoard>;
