// The agent's WebRTC phone: one class around SIP.js 0.21 (its SessionManager) that registers with
// Asterisk over WebSocket and exposes what the desktop needs — incoming calls, answer, reject,
// hang up, hold/unhold, mute, DTMF, blind transfer (REFER), attended transfer (consult, then
// complete or cancel) and outbound calls — as plain reactive state. Loaded lazily (SIP.js is the
// heaviest part of the desktop), after the page has its credentials from the server.
import { reactive } from 'vue';
import { Invitation, type Session, SessionState, UserAgent, Web } from 'sip.js';
import type { PhoneCredentials } from '../api/desk';
import { logFailure } from '../components/notify';

export type RegState = 'idle' | 'connecting' | 'registered' | 'unregistered' | 'failed';
export type CallState = 'ringing' | 'dialing' | 'connected' | 'ended';

export interface PhoneCall {
  id: string;
  direction: 'inbound' | 'outbound';
  state: CallState;
  /** The other party: the caller's number (inbound) or what was dialed. */
  remoteNumber: string;
  remoteName: string;
  startedAt: number;
  answeredAt: number | null;
  held: boolean;
  muted: boolean;
  /** The consultation call of an attended transfer. */
  consult: boolean;
}

export interface MediaStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Energy of the audio received so far (WebRTC totalAudioEnergy): rises only while someone is heard. */
  audioEnergy: number;
  /** The microphone's audio energy as sent (media-source totalAudioEnergy): stands still while muted. */
  audioEnergySent: number;
}

export interface SoftphoneEvents {
  incoming?(call: PhoneCall): void;
  answered?(call: PhoneCall): void;
  ended?(call: PhoneCall): void;
}

export class Softphone {
  readonly state = reactive({
    reg: 'idle' as RegState,
    error: '',
    calls: [] as PhoneCall[],
  });
  private manager: Web.SessionManager | null = null;
  private readonly sessions = new Map<string, Session>();
  private readonly audios = new Map<string, HTMLAudioElement>();
  private domain = '';
  /** A click-to-dial the agent asked for: Asterisk rings this phone first, showing the customer's number. */
  private expected: { digits: string; until: number } | null = null;

  constructor(private readonly events: SoftphoneEvents = {}) {}

  /** Connects to Asterisk's WebSocket and registers; resolves once registered. */
  async start(creds: PhoneCredentials): Promise<void> {
    await this.stop();
    this.state.reg = 'connecting';
    this.state.error = '';
    const uri = UserAgent.makeURI(creds.uri);
    if (!uri) throw new Error(`not a SIP URI: ${creds.uri}`);
    this.domain = uri.host;
    const manager = new Web.SessionManager(creds.wsServer, {
      aor: creds.uri,
      maxSimultaneousSessions: 2,
      // A reload must not hang up the call (SIP.js would send BYE on beforeunload): the call goes
      // on in Asterisk, and the reloaded page shows it from the server and can hang it up there.
      autoStop: false,
      reconnectionAttempts: 1_000_000,
      reconnectionDelay: 2,
      registrationRetry: true,
      registrationRetryInterval: 3,
      registererOptions: { expires: 300 },
      sendDTMFUsingSessionDescriptionHandler: true,
      media: { constraints: { audio: true, video: false }, remote: (s: Session) => ({ audio: this.audioFor(s.id) }) },
      userAgentOptions: {
        authorizationUsername: creds.username,
        authorizationPassword: creds.password,
        displayName: creds.displayName,
        logBuiltinEnabled: false,
        sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] } },
      },
      delegate: {
        onRegistered: () => {
          this.state.reg = 'registered';
          this.state.error = '';
        },
        onUnregistered: () => {
          if (this.manager === manager) this.state.reg = 'unregistered';
        },
        onServerDisconnect: (err) => {
          if (this.manager !== manager) return;
          this.state.reg = 'connecting';
          if (err) this.state.error = err.message;
        },
        onCallReceived: (s) => this.onReceived(s),
        onCallAnswered: (s) => this.onAnswered(s),
        onCallHangup: (s) => this.onHangup(s),
        onCallHold: (s, held) => this.patch(s.id, { held }),
      },
    });
    this.manager = manager;
    try {
      await manager.connect();
      await manager.register();
    } catch (err) {
      this.state.reg = 'failed';
      this.state.error = (err as Error).message;
      throw err;
    }
  }

  async stop(): Promise<void> {
    const m = this.manager;
    this.manager = null;
    if (!m) return;
    for (const s of this.sessions.values()) await m.hangup(s).catch(logFailure('hang up on stop'));
    await m.unregister().catch(logFailure('unregister'));
    await m.disconnect().catch(logFailure('disconnect'));
    this.state.reg = 'idle';
  }

  /** The call the desktop shows (not the consultation leg). */
  get current(): PhoneCall | undefined {
    return this.state.calls.find((c) => !c.consult);
  }
  get consultCall(): PhoneCall | undefined {
    return this.state.calls.find((c) => c.consult);
  }

  answer = (id = this.current?.id) => this.withSession(id, (m, s) => m.answer(s));
  reject = (id = this.current?.id) => this.withSession(id, (m, s) => m.decline(s));
  hangup = (id = this.current?.id) => this.withSession(id, (m, s) => m.hangup(s));
  hold = (id = this.current?.id) => this.withSession(id, (m, s) => m.hold(s));
  unhold = (id = this.current?.id) => this.withSession(id, (m, s) => m.unhold(s));
  dtmf = (tone: string, id = this.current?.id) => this.withSession(id, (m, s) => m.sendDTMF(s, tone));

  setMuted(muted: boolean, id = this.current?.id): void {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s || !this.manager) return;
    if (muted) this.manager.mute(s);
    else this.manager.unmute(s);
    this.patch(s.id, { muted });
  }

  /** Blind transfer: REFER the caller to a number, an agent's extension or a queue's. */
  blindTransfer = (target: string, id = this.current?.id) =>
    this.withSession(id, (m, s) =>
      // Once Asterisk accepts the REFER (202) the caller is on the way: this phone leaves the call.
      m.transfer(s, this.targetUri(target), { requestDelegate: { onAccept: () => void m.hangup(s).catch(logFailure('hang up after a blind transfer')) } }),
    );

  /** Attended transfer, step 1: the caller is held, the target is called (the consultation). */
  async consult(target: string): Promise<void> {
    const cur = this.current;
    if (!cur || !this.manager) throw new Error('no call to transfer');
    if (!cur.held) await this.hold(cur.id);
    await this.place(target, true);
  }

  /** Attended transfer, step 2: the caller and the target are joined; this phone leaves. */
  async completeTransfer(): Promise<void> {
    const cur = this.current;
    const consult = this.consultCall;
    if (!cur || !consult || !this.manager) throw new Error('no consultation in progress');
    const m = this.manager;
    const original = this.sessions.get(cur.id)!;
    const consultation = this.sessions.get(consult.id)!;
    // Once Asterisk accepts the REFER (with Replaces) the caller and the target are joined: this
    // phone leaves both legs.
    await m.transfer(original, consultation, {
      requestDelegate: {
        onAccept: () => {
          for (const s of [original, consultation]) if (s.state !== SessionState.Terminated) void m.hangup(s).catch(logFailure('hang up after an attended transfer'));
        },
      },
    });
  }

  /** Attended transfer cancelled: the consultation ends, the caller is back. */
  async cancelTransfer(): Promise<void> {
    const consult = this.consultCall;
    if (consult) await this.hangup(consult.id);
    const cur = this.current;
    if (cur?.held) await this.unhold(cur.id);
  }

  /**
   * Click-to-dial through the server: Asterisk rings this phone first (showing the customer's
   * number), then dials the customer. That ring is the agent's own call: answered at once, shown as outgoing.
   */
  expectOutbound(number: string, withinMs = 40_000): void {
    this.expected = { digits: number.replace(/\D/g, ''), until: Date.now() + withinMs };
  }
  cancelExpected(): void {
    this.expected = null;
  }

  /** An outbound call from this phone. */
  dial = (number: string) => this.place(number, false);

  /** RTP counters of a call's peer connection (media flowing both ways). */
  async stats(id = this.current?.id): Promise<MediaStats> {
    const s = id ? this.sessions.get(id) : undefined;
    const pc = (s?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
    const out: MediaStats = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, audioEnergy: 0, audioEnergySent: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((r: any) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.packetsSent += r.packetsSent ?? 0;
        out.bytesSent += r.bytesSent ?? 0;
      }
      if (r.type === 'media-source' && r.kind === 'audio') out.audioEnergySent += r.totalAudioEnergy ?? 0;
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        out.packetsReceived += r.packetsReceived ?? 0;
        out.bytesReceived += r.bytesReceived ?? 0;
        out.audioEnergy += r.totalAudioEnergy ?? 0;
      }
    });
    return out;
  }

  private async place(target: string, consult: boolean): Promise<void> {
    if (!this.manager) throw new Error('the phone is not registered');
    const inviter = await this.manager.call(this.targetUri(target));
    this.track(inviter, { direction: 'outbound', state: 'dialing', remoteNumber: target, remoteName: '', consult });
  }

  private targetUri(target: string): string {
    return target.startsWith('sip:') ? target : `sip:${target}@${this.domain}`;
  }

  private audioFor(id: string): HTMLAudioElement {
    let a = this.audios.get(id);
    if (!a) {
      a = document.createElement('audio');
      a.autoplay = true;
      a.dataset.call = id;
      document.body.appendChild(a);
      this.audios.set(id, a);
    }
    return a;
  }

  private track(s: Session, c: Omit<PhoneCall, 'id' | 'startedAt' | 'answeredAt' | 'held' | 'muted'>): PhoneCall {
    this.sessions.set(s.id, s);
    const call: PhoneCall = reactive({ id: s.id, startedAt: Date.now(), answeredAt: null, held: false, muted: false, ...c });
    this.state.calls.push(call);
    s.stateChange.addListener((st) => {
      if (st === SessionState.Terminated) this.onHangup(s);
    });
    return call;
  }

  private onReceived(s: Session): void {
    if (!(s instanceof Invitation)) return;
    const from = s.remoteIdentity;
    const number = from.uri.user ?? '';
    const ours = this.expected && this.expected.until > Date.now() && number.replace(/\D/g, '') === this.expected.digits;
    if (ours) {
      this.expected = null;
      this.track(s, { direction: 'outbound', state: 'dialing', remoteNumber: number, remoteName: from.displayName ?? '', consult: false });
      void this.manager?.answer(s).catch(logFailure('answer the click-to-dial ring'));
      return;
    }
    const call = this.track(s, { direction: 'inbound', state: 'ringing', remoteNumber: number, remoteName: from.displayName ?? '', consult: false });
    this.events.incoming?.(call);
  }

  private onAnswered(s: Session): void {
    const call = this.patch(s.id, { state: 'connected', answeredAt: Date.now() });
    if (call) this.events.answered?.(call);
  }

  private onHangup(s: Session): void {
    const i = this.state.calls.findIndex((c) => c.id === s.id);
    if (i < 0) return;
    const [call] = this.state.calls.splice(i, 1);
    this.sessions.delete(s.id);
    const a = this.audios.get(s.id);
    if (a) {
      a.srcObject = null;
      a.remove();
      this.audios.delete(s.id);
    }
    call!.state = 'ended';
    this.events.ended?.(call!);
  }

  private patch(id: string, p: Partial<PhoneCall>): PhoneCall | undefined {
    const c = this.state.calls.find((x) => x.id === id);
    if (c) Object.assign(c, p);
    return c;
  }

  private async withSession(id: string | undefined, f: (m: Web.SessionManager, s: Session) => Promise<void>): Promise<void> {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s || !this.manager) throw new Error('no such call');
    await f(this.manager, s);
  }
}
