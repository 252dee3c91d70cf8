// The live feed on every node. Events happen on the active node (it alone acts on Asterisk and
// runs timed work), but consoles may be connected to either node, and reconnect to the other
// one after a failover. The active node appends each live event to `live_events` (batched,
// every poll period); every other node reads the new rows and publishes them into its own
// LiveHub, so its WebSocket clients see the same feed a poll period later. Rows older than
// `keepMs` are deleted by the active node.
import { MoreThan, LessThan, type DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { LiveEvent, LiveHub } from './acd.live.js';
import { LiveEventRow } from './live-relay.entities.js';

/** Events a relay published on this node (the active node's, read from the database). */
const relayedEvents = new WeakSet<LiveEvent>();

/** Whether `e` came from the active node through the relay (not from this node): it must not be acted on twice. */
export function wasRelayed(e: LiveEvent): boolean {
  return relayedEvents.has(e);
}

export interface LiveRelayOptions {
  pollMs?: number;
  keepMs?: number;
}

export function startLiveRelay(db: DataSource, hub: LiveHub, isActive: () => boolean, log: Logger, opts: LiveRelayOptions = {}): { stop(): Promise<void> } {
  const pollMs = opts.pollMs ?? 200;
  const keepMs = opts.keepMs ?? 10 * 60_000;
  const repo = db.getRepository(LiveEventRow);
  const relayed = relayedEvents;
  let pending: LiveEvent[] = [];
  let lastId: number | undefined;
  let lastCleanup = Date.now();
  let stopped = false;

  const onEvent = (e: LiveEvent) => {
    if (!relayed.has(e) && isActive()) pending.push(e);
  };
  hub.on('event', onEvent);

  const newest = async () => Number((await repo.createQueryBuilder('e').select('MAX(e.id)', 'max').getRawOne<{ max: number | string | null }>())?.max ?? 0);

  const pass = async () => {
    if (isActive()) {
      if (pending.length) {
        const batch = pending;
        pending = [];
        const at = new Date();
        await repo.insert(batch.map((e) => ({ at, payload: JSON.stringify(e) })));
      }
      lastId = undefined; // read afresh from the newest row once this node is a standby again
      if (Date.now() - lastCleanup > 60_000) {
        lastCleanup = Date.now();
        await repo.delete({ at: LessThan(new Date(Date.now() - keepMs)) });
      }
      return;
    }
    pending = [];
    if (lastId === undefined) {
      lastId = await newest(); // a standby relays what happens from now on
      return;
    }
    const rows = await repo.find({ where: { id: MoreThan(lastId) }, order: { id: 'ASC' }, take: 500 });
    for (const r of rows) {
      lastId = Number(r.id);
      const e = JSON.parse(r.payload) as LiveEvent;
      relayed.add(e);
      hub.publish(e);
    }
  };

  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(pass).catch((err: Error) => {
      if (!stopped) log.warn({ err: err.message }, 'live feed relay pass failed; next one tries again');
    });
  }, pollMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      hub.off('event', onEvent);
      await running;
    },
  };
}
