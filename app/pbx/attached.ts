// An existing PBX Hotline does not own, attached read-only: one AMI connection whose client
// refuses every action outside READ_ONLY_ACTIONS before it reaches the socket (the PBX's own
// manager.conf should say the same: `write = reporting`). Events are normalized into queue and
// channel events; nothing here can change the PBX.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { AmiClient } from './ami/index.js';
import { CLOCK_VARIABLES, parseChannels, parseStatusClocks, toChannelEvent } from './ami/channel-events.js';
import { AmiEventClock } from './ami/event-clock.js';
import { parseQueueStatus, toQueueEvent } from './ami/queue-control.js';
import type { AmiMessage } from './ami/types.js';
import type { AttachedPbx, AttachedPbxSink, LinkState } from './ports.js';

/** The only actions Hotline ever sends to an attached PBX (after its Login, which asks for events). */
export const READ_ONLY_ACTIONS = ['Ping', 'QueueStatus', 'CoreShowChannels', 'Status', 'CoreStatus'] as const;

/** AMI event classes read: call (channels, dials), agent (queues, members), system (FullyBooted). */
const EVENT_CLASSES = 'system,call,agent';

export function createAttachedPbx(config: NonNullable<Config['attach']>, logger: Logger): AttachedPbx {
  const log = logger.child({ link: 'attach', pbx: config.name });
  const ami = new AmiClient({
    host: config.host,
    port: config.port,
    username: config.user,
    secret: config.password,
    events: EVENT_CLASSES,
    allowedActions: READ_ONLY_ACTIONS,
    logger: log,
  });
  let sink: AttachedPbxSink | undefined;
  const clock = new AmiEventClock();
  ami.on('event', (e) => {
    if (!sink) return;
    const msg = e as unknown as AmiMessage;
    const at = clock.stamp(msg);
    const q = toQueueEvent(msg, at);
    if (q) sink.onQueueEvent(q);
    const c = toChannelEvent(msg, at);
    if (c) sink.onChannelEvent(c);
  });
  ami.on('connected', () => sink?.onLinkUp());
  return {
    name: config.name,
    link: (): LinkState => ({ up: ami.state === 'connected', since: ami.since, detail: ami.lastError?.message ?? ami.state }),
    onEvents(s) {
      sink = s;
    },
    start: () => ami.start(),
    stop: () => ami.stop(),
    async queueStatus(queue) {
      const r = await ami.actionList('QueueStatus', queue ? { Queue: queue } : {}, { timeoutMs: 15_000 });
      return parseQueueStatus(r.events);
    },
    async channels() {
      const r = await ami.actionList('CoreShowChannels', {}, { timeoutMs: 15_000 });
      return parseChannels(r.events);
    },
    async channelClocks() {
      // Status reads: its Variables are evaluated as reads of the CDR functions, nothing is set.
      const sentAt = Date.now();
      const r = await ami.actionList('Status', { Variables: CLOCK_VARIABLES }, { timeoutMs: 15_000 });
      return { sentAt, receivedAt: Date.now(), channels: parseStatusClocks(r.events) };
    },
  };
}
