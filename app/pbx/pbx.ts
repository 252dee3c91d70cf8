// The PBX boundary as one object: ARI + AMI clients behind typed ports. Domain code
// gets `calls` (CallControl) and hands in a CallEventSink; it never sees a client.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { AmiClient } from './ami/index.js';
import { AriClient } from './ari/client.js';
import { AriCallControl, AriSoundCatalog, CALL_EVENT_TYPES, callInfo, toCallEvent } from './ari/call-control.js';
import { AmiQueueControl, toQueueEvent } from './ami/queue-control.js';
import { AriCallbackControl } from './callback-control.js';
import type { CallbackControl, CallControl, CallEventSink, LinkState, PbxLinks, QueueControl, QueueEventSink, SoundCatalog } from './ports.js';

export interface Pbx {
  calls: CallControl;
  sounds: SoundCatalog;
  /** Asterisk's queues over AMI (commands only while active). */
  queues: QueueControl;
  /** Callback placeholders (commands only while active). */
  callbacks: CallbackControl;
  /** Where queue events go (the ACD); called before start(). */
  onQueueEvents(sink: QueueEventSink): void;
  links(): PbxLinks;
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
  ami.on('event', (e) => {
    if (!queueSink) return;
    const ev = toQueueEvent(e as unknown as Record<string, string>);
    if (ev) queueSink.onQueueEvent(ev);
  });
  ami.on('connected', () => queueSink?.onQueueLinkUp());
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
    onQueueEvents(s) {
      queueSink = s;
    },
    links: () => (own ? { ari: ari.state, ami: amiState() } : { ari: notUsed(), ami: notUsed() }),
    start(s) {
      sink = s;
      if (!own) return;
      ari.on('event', (event) => {
        if (!sink || !calls.active) return;
        if (event.type === 'ApplicationReplaced') {
          // Another node opened the app: stop commanding at once, and do not reconnect (that
          // would take the app back); leadership decides what happens next.
          calls.active = false;
          void ari.stop();
          for (const l of replacedListeners) l();
          return;
        }
        const started = process.hrtime.bigint();
        const normalized = toCallEvent(event);
        if (!normalized) return;
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
      await ari.stop();
    },
    async stop() {
      calls.active = false;
      await Promise.allSettled([ari.stop(), ami.stop()]);
    },
  };
}
