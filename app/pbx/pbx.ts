// The PBX boundary as one object: ARI + AMI clients behind typed ports. Domain code
// gets `calls` (CallControl) and hands in a CallEventSink; it never sees a client.
import type { Config } from '../config.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { AmiClient } from './ami/index.js';
import type { AmiMessage } from './ami/types.js';
import { fieldOf } from './ami/parser.js';
import { AriClient } from './ari/client.js';
import { AriCallControl, AriSoundCatalog, CALL_EVENT_TYPES, callInfo, toCallEvent } from './ari/call-control.js';
import { AmiEventClock } from './ami/event-clock.js';
import { AmiQueueControl, toQueueEvent } from './ami/queue-control.js';
import { AriCallbackControl } from './callback-control.js';
import { AmiMonitorControl } from './monitor-control.js';
import { AmiAgentLines } from './agent-lines.js';
import { AmiRecordingControl } from './recording-control.js';
import { ADMISSION_CHECK_MS, ADMISSION_VARIABLE, BLOCKED_EVENT, RATE_VARIABLE, REFUSED_EVENT } from './admission.js';
import { LagBaseline, RateGovernor } from './rate-governor.js';
import { FrontAdmission, SipFront } from './sip-front.js';
import type { AgentLines, CallbackControl, CallControl, CallEventSink, FaxControl, LinkState, MonitorControl, PbxLinks, RecordingControl, QueueControl, QueueEventSink, SoundCatalog, StoredRecordings } from './ports.js';
import { AmiFaxControl } from './fax-control.js';
import { AriStoredRecordings } from './stored-recordings.js';
import { AmiAstDb, type AstDb } from './astdb.js';
import { AmiDialplanControl, toDialplanCallEvent, type DialplanControl, type DialplanEventSink } from './dialplan-control.js';

export interface Pbx {
  calls: CallControl;
  sounds: SoundCatalog;
  /** Asterisk's queues over AMI (commands only while active). */
  queues: QueueControl;
  /** Callback placeholders (commands only while active). */
  callbacks: CallbackControl;
  /** Supervisor listen / whisper / barge (commands only while active). */
  monitor: MonitorControl;
  /** Call recording (MixMonitor): commands only while active. */
  recording: RecordingControl;
  /** Agents' lines as Asterisk has them (reads; hang-up only while active). */
  lines: AgentLines;
  /** Fax calls: results kept in AstDB (reads on any node), sending only while active. */
  fax: FaxControl;
  /** Hotline's part of the dialplan (flows compiled into it): writes only while active. */
  dialplan: DialplanControl;
  /** Stored recordings (voicemail messages): reads on any node, deletes only while active. */
  stored: StoredRecordings;
  /** Asterisk's own database (blocked numbers): reads on any node, writes only while active. */
  astdb: AstDb;
  /** Calls the dialplan refused for a blocked number (UserEvent HotlineBlocked; active node only). */
  onBlockedCall(listener: (caller: string, called: string, at: Date) => void): void;
  /** Where queue events go (the ACD); called before start(). */
  onQueueEvents(sink: QueueEventSink): void;
  /** Where the events of calls the dialplan runs for Hotline go, and who hears that AMI connected. */
  onDialplanEvents(sink: DialplanEventSink): void;
  links(): PbxLinks;
  /** The connected Asterisk's version (ARI /asterisk/info), or null when ARI is down or does not say. */
  version(): Promise<string | null>;
  /** Connects AMI (events only) and remembers where call events go; calls wait for activate(). */
  start(sink: CallEventSink): void;
  /** This node is the active one: open the Stasis app (ARI) and take the calls in it. */
  activate(): void;
  /** Fencing: from now on no command reaches Asterisk; the app's socket is closed, calls stay in Stasis. */
  deactivate(): Promise<void>;
  /** Another client opened the Stasis app (another node is active): called once it happened. */
  onAppReplaced(listener: () => void): void;
  stop(): Promise<void>;
}

export function createPbx(config: Config, logger: Logger, metrics: Metrics): Pbx {
  // HOTLINE_OWN_PBX=false: no Asterisk of Hotline's own; nothing connects, the links say so.
  const own = config.ownPbx;
  const ari = new AriClient({ ...config.ari, eventTypes: CALL_EVENT_TYPES, logger: logger.child({ link: 'ari' }) });
  const ami = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.user,
    secret: config.ami.password,
    events: 'system,call,agent,user',
    logger: logger.child({ link: 'ami' }),
  });
  const calls = new AriCallControl(ari);
  const queues = new AmiQueueControl(ami, () => calls.active);
  let queueSink: QueueEventSink | undefined;
  const blockedListeners: Array<(caller: string, called: string, at: Date) => void> = [];
  let dialplanSink: DialplanEventSink | undefined;
  const eventClock = new AmiEventClock();
  ami.on('event', (e) => {
    const msg = e as unknown as AmiMessage;
    const at = eventClock.stamp(msg); // when it happened in Asterisk, not when it was read (event-clock.ts)
    // A reload of the dialplan sets its [globals] back to the file's values, the admission limits among them.
    const name = fieldOf(msg, 'Event');
    if (name === 'Reload') applyAdmission();
    else if (name === 'UserEvent' && calls.active && fieldOf(msg, 'UserEvent') === REFUSED_EVENT) metrics.callsRefused.inc({ where: 'dialplan' });
    else if (name === 'UserEvent' && calls.active && fieldOf(msg, 'UserEvent') === BLOCKED_EVENT) {
      metrics.callsBlocked.inc();
      for (const l of blockedListeners) l(fieldOf(msg, 'Caller') ?? '', fieldOf(msg, 'Called') ?? '', at);
    }
    const ev = queueSink && toQueueEvent(msg, at);
    if (ev) queueSink!.onQueueEvent(ev);
    const dp = dialplanSink && toDialplanCallEvent(msg, at);
    if (!dp) return;
    // Calls the dialplan runs by itself pace admission as calls in the app do (rate-governor.ts).
    if (dp.kind === 'started') {
      entered++;
      if (dp.admissionDelayMs !== undefined) governor.observe(admissionLag.lag(dp.admissionDelayMs, performance.now()));
    } else if (dp.kind === 'hangup') {
      left++;
    }
    dialplanSink!.onDialplanCallEvent(dp);
  });
  // Admission: the dialplan sends a call to the fallback instead of into the app while
  // HOTLINE_MAX_IN_APP calls are inside it, or once HOTLINE_MAX_RATE calls entered it in the
  // current second (dialplan/extensions.conf, admission.ts). Set by the active node.
  const setGlobal = (variable: string, value: number): void => {
    ami.action('Setvar', { Variable: variable, Value: String(value) }).catch((err: Error) =>
      logger.warn({ err: err.message, variable }, 'could not set an admission limit in Asterisk; the dialplan default applies'),
    );
  };
  // The SIP front, if there is one, refuses past the same rate before Asterisk makes a channel (sip-front.ts).
  const front = config.calls.sipFrontUrl ? new FrontAdmission(new SipFront(config.calls.sipFrontUrl), logger, (n) => metrics.callsRefused.inc({ where: 'sip_front' }, n)) : undefined;
  // The rate limit follows how fast Asterisk answers ARI commands (rate-governor.ts), up to HOTLINE_MAX_CALLS_PER_SECOND.
  const governor = new RateGovernor({ max: config.calls.maxPerSecond, tickMs: 500 });
  const admissionLag = new LagBaseline();
  let [entered, left] = [0, 0]; // calls that entered / left the app since the governor's last tick
  ari.http.onRoundTrip = (ms) => governor.observe(ms);
  let governed: NodeJS.Timeout | undefined;
  let applied = config.calls.maxPerSecond;
  let lastTick = performance.now();
  const govern = (): void => {
    const now = performance.now();
    const limit = governor.tick(ari.http.pendingAges(), entered, left, now - lastTick);
    lastTick = now;
    metrics.ariRoundTripMedianSeconds.set((governor.last?.p50 ?? 0) / 1000);
    [entered, left] = [0, 0];
    if (limit === applied || !calls.active || ami.state !== 'connected') return;
    if (limit < applied && applied === config.calls.maxPerSecond) logger.warn({ callsPerSecond: limit, max: applied }, 'Asterisk is slow to answer: admitting fewer new calls per second (the others are refused)');
    if (limit === config.calls.maxPerSecond) logger.info({ callsPerSecond: limit }, 'admission back at the configured calls per second');
    applied = limit;
    metrics.admissionCallsPerSecond.set(limit);
    setGlobal(RATE_VARIABLE, limit);
    front?.set(limit);
  };
  const applyAdmission = (): void => {
    if (!own || !calls.active || ami.state !== 'connected') return;
    setGlobal(ADMISSION_VARIABLE, config.calls.maxInApp);
    applied = governor.limit;
    metrics.admissionCallsPerSecond.set(applied);
    setGlobal(RATE_VARIABLE, applied);
    front?.activate(applied);
    governed ??= setInterval(govern, 500);
    governed.unref();
    checked ??= setInterval(() => void checkAdmission(), ADMISSION_CHECK_MS);
    checked.unref();
  };
  // `dialplan reload` typed by an operator raises no AMI event, yet resets the limits too: every
  // ADMISSION_CHECK_MS the active node reads them back and sets them again if they differ.
  let checked: NodeJS.Timeout | undefined;
  const checkAdmission = async (): Promise<void> => {
    if (!own || !calls.active || ami.state !== 'connected') return;
    const read = async (variable: string): Promise<string | undefined> =>
      fieldOf(await ami.action('Getvar', { Variable: variable }) as unknown as AmiMessage, 'Value');
    const expected = applied;
    const [inApp, rate] = await Promise.all([read(ADMISSION_VARIABLE), read(RATE_VARIABLE)])
      .catch(logFailure(logger, 'reading the admission limits back from Asterisk', { level: 'warn', fallback: [undefined, undefined] as const }));
    // The governor set another rate while the reads were under way: what was read says nothing.
    if (applied !== expected) return;
    await front?.check(applied);
    if (inApp === undefined && rate === undefined) return;
    if (inApp === String(config.calls.maxInApp) && rate === String(applied)) return;
    logger.warn({ inApp, rate, expected: { inApp: config.calls.maxInApp, rate: applied } }, 'Asterisk\'s admission limits were not Hotline\'s (a dialplan reload Hotline did not make?): set again');
    applyAdmission();
  };
  ami.on('connected', () => {
    queueSink?.onQueueLinkUp();
    dialplanSink?.onDialplanLinkUp();
    applyAdmission();
  });
  let sink: CallEventSink | undefined;
  const replacedListeners: Array<() => void> = [];

  const amiState = (): LinkState => ({ up: ami.state === 'connected', since: ami.since, detail: ami.state });
  const unused = new Date();
  const notUsed = (): LinkState => ({ up: false, since: unused, detail: 'not used (HOTLINE_OWN_PBX=false)', disabled: true });

  return {
    calls,
    sounds: new AriSoundCatalog(ari),
    queues,
    callbacks: new AriCallbackControl(ari.http, ami, () => calls.active),
    monitor: new AmiMonitorControl(ami, ari.http, () => calls.active),
    lines: new AmiAgentLines(ami, () => calls.active),
    recording: new AmiRecordingControl(ami, () => calls.active),
    fax: new AmiFaxControl(ami, () => calls.active),
    dialplan: new AmiDialplanControl(ami, () => calls.active),
    stored: new AriStoredRecordings(ari.http, () => calls.active),
    astdb: new AmiAstDb(ami, () => calls.active),
    onBlockedCall(listener) {
      blockedListeners.push(listener);
    },
    onQueueEvents(s) {
      queueSink = s;
    },
    onDialplanEvents(s) {
      dialplanSink = s;
    },
    links: () => (own ? { ari: ari.state, ami: amiState(), ...(front ? { sipFront: front.link } : {}) } : { ari: notUsed(), ami: notUsed() }),
    async version() {
      if (!own || !ari.state.up) return null;
      const info = await ari.http
        .request<{ system?: { version?: string } }>('GET', '/asterisk/info', { only: 'system' })
        .catch(logFailure(logger, 'reading the Asterisk version (ARI /asterisk/info)', { level: 'debug', fallback: null }));
      const v = info?.system?.version;
      return v ? (/^\d+(\.\d+)*/.exec(v)?.[0] ?? v) : null; // 22.10.1, not Debian's 22.10.1+dfsg+~cs6…
    },
    start(s) {
      sink = s;
      if (!own) return;
      ari.on('event', (event) => {
        if (!sink || !calls.active) return;
        if (event.type === 'ApplicationReplaced') {
          // Another node opened the app: stop commanding at once, and do not reconnect (that
          // would take the app back); leadership decides what happens next.
          calls.active = false;
          front?.deactivate();
          void ari.stop();
          for (const l of replacedListeners) l();
          return;
        }
        const started = process.hrtime.bigint();
        const normalized = toCallEvent(event);
        if (!normalized) return;
        if (normalized.kind === 'entered') entered++;
        else if (normalized.kind === 'left') left++;
        try {
          void Promise.resolve(sink.onCallEvent(normalized)).catch((err: Error) =>
            logger.error({ err: err.message, type: event.type }, 'ARI event handler failed'),
          );
        } catch (err) {
          logger.error({ err: (err as Error).message, type: event.type }, 'ARI event handler failed');
        }
        metrics.ariEventSeconds.observe({ type: event.type }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      ari.on('connected', ({ channels, reconnect }) => {
        if (!sink || !calls.active) return;
        applyAdmission();
        void Promise.resolve(sink.onCallsRecovered(channels.map(callInfo), reconnect)).catch((err: Error) =>
          logger.error({ err: err.message }, 'recovering calls after connect failed'),
        );
      });
      ami.start();
    },
    activate() {
      if (!own) return;
      calls.active = true;
      ari.start();
    },
    onAppReplaced(listener) {
      replacedListeners.push(listener);
    },
    async deactivate() {
      calls.active = false;
      front?.deactivate();
      await ari.stop();
    },
    async stop() {
      calls.active = false;
      clearInterval(governed);
      clearInterval(checked);
      await Promise.allSettled([ari.stop(), ami.stop()]);
    },
  };
}
