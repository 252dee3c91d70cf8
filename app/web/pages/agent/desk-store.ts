// The agent desktop's state, all of it from the server: who the agent is and its state (GET
// /api/agent-desk/me, re-asked after every reconnect), the live feed's events (state changes,
// ringing, screen pop, reminders), and the phone. The page renders this; it never guesses.
import { computed, inject, reactive, shallowRef, type InjectionKey } from 'vue';
import { ElNotification } from 'element-plus';
import { agentState, deskApi, loadDesk, type AgentServerState, type DeskMe, type ServerCall } from '../../api/desk';
import { workApi, type ScreenPopData, type Ticket } from '../../api/work';
import type { AttemptEvent } from '../../api/campaign-types';
import { authApi } from '../../api/auth';
import { LiveFeed, type LiveMessage } from '../../live/feed';
import type { Softphone } from '../../phone/softphone';
import { session, type SessionUser } from '../../session/session';
import { i18n } from '../../i18n';
import { logFailure, reportError } from '../../components/notify';

export interface ScreenPopEvent {
  /** `lookup`: a customer opened on the desk without a call (from a fax, for instance). */
  direction: 'inbound' | 'outbound' | 'lookup';
  queue: string;
  callerUniqueid: string;
  callerNumber: string;
  ringingAt: string;
  pop: ScreenPopData;
  ivr: { callId: string; calledNumber: string; digits: string; path: string[]; variables: Record<string, string> } | null;
  openTickets: Ticket[];
  receivedAt: number;
}

/** The call the agent is working on: from the pop, kept through wrap-up for the ticket and the disposition. */
export interface CallContext {
  callerNumber: string;
  queue: string;
  callerUniqueid: string;
  callId: string | null;
  customerId: string | null;
  customerName: string;
}

export interface DueReminder {
  reminderId: string;
  customerId: string;
  customerName: string;
  text: string;
  dueAt: string;
}

/** A fax filed in one of the agent's queues' inboxes (the live feed's fax.received). */
export interface FaxNotice {
  faxId: string;
  queue: string;
  status: string;
  pages: number;
  remoteNumber: string;
  at: string;
}

export type Desk = ReturnType<typeof createDesk>;
export const DESK: InjectionKey<Desk> = Symbol('desk');
export const useDesk = (): Desk => inject(DESK)!;

export function createDesk(user: SessionUser) {
  const s = reactive({
    loading: true,
    loadError: null as unknown,
    me: null as DeskMe | null,
    agent: { state: 'logged_out', reason: '', since: null, wrapupUntil: null } as AgentServerState,
    pop: null as ScreenPopEvent | null,
    call: null as CallContext | null,
    joinedAt: {} as Record<string, number>,
    dueReminders: [] as DueReminder[],
    /** Bumped when callbacks or reminders change (the lists refetch). */
    listsVersion: 0,
    lastTicket: null as Ticket | null,
    dispositionDone: false,
    /** The call Asterisk has on the agent's device while this page's phone has none (after a reload, a failover). */
    serverCall: null as ServerCall | null,
    /** Every agent's state as the feed last sent it (the transfer picker shows it). */
    agentStates: {} as Record<string, { state: string; reason: string }>,
    /** Faxes that arrived in the agent's inboxes since the page opened (newest first, until dismissed). */
    faxNotices: [] as FaxNotice[],
    /** Bumped when a voicemail message is ready to hear (the inbox refetches). */
    voicemailVersion: 0,
    /** The last campaign dial of this agent that ended (the feed's campaign.attempt; the Campaigns tab reads it). */
    campaignAttempt: null as (AttemptEvent & { seq: number }) | null,
  });
  const phone = shallowRef<Softphone | null>(null);

  /** Live agent.state events for this agent so far (a GET answered meanwhile is older than they are). */
  let stateEvents = 0;
  const applyState = (st: AgentServerState) => {
    const was = s.agent.state;
    s.agent = st;
    if (st.state === 'ringing' && was !== 'ringing') s.dispositionDone = false;
    if (st.state !== was) void askCall();
  };

  /** The pop of a call: from the feed's screen.pop, or from the server's call after a reload. */
  const showPop = (e: Omit<ScreenPopEvent, 'receivedAt'>) => {
    s.pop = { ...e, receivedAt: Date.now() };
    s.call = {
      callerNumber: e.callerNumber,
      queue: e.queue,
      callerUniqueid: e.callerUniqueid,
      callId: e.ivr?.callId ?? null,
      customerId: e.pop?.known ? e.pop.customer!.id : null,
      customerName: e.pop?.known ? e.pop.customer!.name : '',
    };
  };

  /**
   * Asks the server for the agent's call when this page's phone has none: a reload or a failover
   * lost the browser's SIP session, the call goes on in Asterisk. Shown from the server's answer only.
   */
  let asking = 0;
  async function askCall() {
    if (!s.me) return;
    if (phone.value?.current) {
      s.serverCall = null;
      return;
    }
    const mine = ++asking;
    try {
      const c = await deskApi.call(s.me.agent.id);
      if (mine !== asking || phone.value?.current) return;
      s.serverCall = c;
      if (c?.pop && s.pop?.callerUniqueid !== c.callerUniqueid) showPop(c.pop as unknown as ScreenPopEvent);
    } catch (err) {
      logFailure('asking the server for the agent\'s call')(err);
    }
  }

  /**
   * Click-to-dial: the server pops the customer (outbound) and has Asterisk ring this agent's
   * phone, then dial the customer. A browser phone answers that ring itself (it is the agent's own call).
   */
  async function dialOut(number: string, name = '') {
    if (!s.me) return;
    const p = phone.value;
    p?.expectOutbound(number);
    try {
      await deskApi.dial(s.me.agent.id, number, name);
    } catch (err) {
      p?.cancelExpected();
      throw err;
    }
  }

  /** Hangs up the server's call (through Asterisk: this page has no SIP session for it). */
  async function hangupServerCall() {
    if (!s.me || !s.serverCall) return;
    await deskApi.hangupCall(s.me.agent.id);
    s.serverCall = null;
    await resync();
  }

  const onEvent = (e: LiveMessage) => {
    const agentId = s.me?.agent.id;
    switch (e.type) {
      case 'agent.state':
        s.agentStates[e.agentId] = { state: e.state, reason: e.reason ?? '' };
        if (e.agentId === agentId) {
          stateEvents++;
          applyState({ state: e.state, reason: e.reason ?? '', since: e.since ?? null, wrapupUntil: e.wrapupUntil ?? null });
        }
        break;
      case 'queue.caller':
        if (e.event === 'joined') s.joinedAt[e.uniqueid] = Date.parse(e.at);
        if (Object.keys(s.joinedAt).length > 500) s.joinedAt = {};
        break;
      case 'screen.pop':
        if (e.agentId !== agentId) break;
        showPop(e as unknown as ScreenPopEvent);
        s.lastTicket = null;
        s.dispositionDone = false;
        break;
      case 'reminder.due':
        if (!s.dueReminders.some((r) => r.reminderId === e.reminderId)) {
          s.dueReminders.unshift({ reminderId: e.reminderId, customerId: e.customerId, customerName: e.customerName, text: e.text, dueAt: e.dueAt });
          ElNotification({ type: 'warning', title: i18n.global.t('reminders.due'), message: `${e.customerName}: ${e.text}`, duration: 8000 });
        }
        s.listsVersion++;
        break;
      case 'ticket.sla_due': {
        // An SLA deadline of one of my tickets approaching: a notice that opens the ticket (new tab: a call stays here).
        const t = i18n.global.t;
        const number = String(e.ticketNumber);
        const when = i18n.global.d(new Date(String(e.dueAt)), 'short');
        ElNotification({
          type: 'warning', title: t(`tickets.slaDue.${e.target === 'resolution' ? 'resolution' : 'firstResponse'}`, { number, when }), message: String(e.title), duration: 0,
          customClass: 'hl-sla-notice', onClick: () => window.open(`/tickets?ticket=${encodeURIComponent(number)}`, '_blank'), // with its opener: the new tab gets this tab's session
        });
        break;
      }
      case 'queue.callback':
        s.listsVersion++;
        break;
      case 'survey.answered':
        // The server sends an agent only the answers about their own calls.
        ElNotification({ type: e.satisfied ? 'success' : 'warning', title: i18n.global.t('myday.rated', { label: String(e.label), score: Number(e.score) }), message: String(e.callerNumber ?? ''), duration: 6000, position: 'bottom-left', customClass: 'hl-survey-notice' });
        s.listsVersion++;
        break;
      case 'voicemail.new': {
        const t = i18n.global.t;
        const from = e.customerName ? `${e.customerName} (${e.callerNumber})` : String(e.callerNumber);
        ElNotification({ type: 'info', title: t('voicemail.notice', { mailbox: e.mailbox }), message: t('voicemail.noticeText', { from }), duration: 8000, position: 'bottom-left', customClass: 'hl-vm-notice' });
        s.voicemailVersion++;
        break;
      }
      case 'campaign.attempt':
        // The server sends the agent only their own dials.
        s.campaignAttempt = { ...(e as unknown as AttemptEvent), seq: (s.campaignAttempt?.seq ?? 0) + 1 };
        break;
      case 'fax.received':
        // The server sends an agent only its own queues' faxes.
        if (!s.faxNotices.some((f) => f.faxId === e.faxId)) {
          s.faxNotices.unshift({ faxId: e.faxId, queue: e.queue, status: e.status, pages: e.pages, remoteNumber: e.remoteNumber, at: e.at });
          s.faxNotices.splice(5);
          ElNotification({ type: 'info', title: i18n.global.t('fax.notice.title', { queue: e.queue }), message: i18n.global.t('fax.notice.text', { from: e.remoteNumber || '—', pages: e.pages }), duration: 8000, position: 'bottom-left', customClass: 'hl-fax-notice' });
        }
        break;
    }
  };

  const resync = async () => {
    if (!s.me) return;
    try {
      // A live state event that came while the GET was under way is newer than its answer (seen:
      // the phone's end asked for the state, the caller's abandon turned it to available meanwhile,
      // and the late answer put "ringing" back for good).
      const seen = stateEvents;
      const st = await agentState(s.me.agent.id);
      if (stateEvents === seen) applyState(st);
      await askCall();
    } catch (err) {
      reportError(err);
    }
  };

  const feed = new LiveFeed({
    token: () => session.token.value,
    onEvent,
    onReady: (reconnected) => {
      if (reconnected) {
        void resync();
        s.listsVersion++;
      }
    },
    // The feed refused the token: ask the API, whose 401 sends the user to login.
    onRefused: () => void authApi.me().then(() => feed.start(), reportError),
  });

  let phoneModule: Promise<typeof import('../../phone/softphone')> | null = null;

  async function startPhone() {
    const creds = s.me?.phone;
    if (creds?.kind !== 'webrtc') return;
    const { Softphone } = await (phoneModule ??= import('../../phone/softphone'));
    const p = new Softphone({ ended: () => void resync() });
    phone.value = p;
    window.__hotlinePhone = p;
    await p.start(creds).catch(reportError);
  }

  async function load() {
    s.loading = true;
    s.loadError = null;
    // SIP.js downloads while the desk's data loads (most agents have a browser phone).
    phoneModule ??= import('../../phone/softphone');
    try {
      s.me = await loadDesk(user.id);
      applyState(s.me.state);
      feed.start();
      void startPhone();
      void askCall();
    } catch (err) {
      s.loadError = err;
    } finally {
      s.loading = false;
    }
  }

  /** Runs an action that answers with the agent's state (login, ready, break). */
  async function act(f: (agentId: string) => Promise<AgentServerState>) {
    if (!s.me) return;
    try {
      applyState(await f(s.me.agent.id));
    } catch (err) {
      reportError(err);
      await resync();
    }
  }

  /** Shows a customer's card without a call (the desk's `?customer=` link). Never over a call's pop. */
  async function openCustomer(customerId: string) {
    if (s.pop && s.pop.direction !== 'lookup') return;
    const c = await workApi.customer(customerId);
    const pop: ScreenPopData = c.phones[0] ? await workApi.screenPop(c.phones[0]) : { known: true, phone: null, customer: c, lastInteractions: [] };
    if (s.pop && s.pop.direction !== 'lookup') return;
    s.pop = { direction: 'lookup', queue: '', callerUniqueid: `lookup-${c.id}`, callerNumber: c.phones[0] ?? '', ringingAt: new Date().toISOString(), pop: pop.known ? pop : { known: true, phone: null, customer: c, lastInteractions: [] }, ivr: null, openTickets: [], receivedAt: Date.now() };
  }

  /** The phone is free to call someone (no call on it, none on the server). */
  const canDial = computed(() => {
    const free = !s.serverCall && s.agent.state !== 'on_call' && s.agent.state !== 'ringing';
    if (s.me?.phone?.kind === 'desk') return free;
    const p = phone.value;
    return free && !!p && p.state.reg === 'registered' && !p.current;
  });

  return {
    s,
    phone,
    canDial,
    openCustomer,
    feed,
    load,
    resync,
    askCall,
    hangupServerCall,
    dialOut,
    stop() {
      feed.stop();
      void phone.value?.stop().catch(logFailure('phone stop'));
      phone.value = null;
    },
    login: () => act(deskApi.login),
    logout: () => act(deskApi.logout),
    ready: () => act(deskApi.ready),
    takeBreak: (reason: string) => act((id) => deskApi.break(id, reason)),
    dispositionsFor(queue: string) {
      return s.me?.dispositions?.[queue] ?? null;
    },
  };
}
