// The live wallboard: per queue the callers waiting (and who they are), the longest wait,
// today's answered / abandoned / service level / ASA, and every agent with its state, since
// when and why. The page loads it once (and after every reconnect), then follows the live
// feed: agent states as the ACD publishes them, and each queue's figures, recomputed here on
// the active node after every caller event of that queue and pushed as `wallboard.queue`.
import type { AcdConfig } from '../acd/acd.config.js';
import type { QueueCallLog } from '../acd/acd.calls.js';
import type { LiveEvent, LiveHub } from '../acd/acd.live.js';
import { membershipsOf } from '../acd/asterisk-config.js';
import type { WallboardSettings } from '../acd/acd.schemas.js';
import { startOfDay } from '../acd/acd.http.js';
import type { Logger } from '../logger.js';
import { todayFigures, type QueueFiguresSource, type SatisfactionSource, type TodayFigures } from './today-figures.js';

/** The reports' figures (one set of definitions) and the rollup writer's progress. */
export interface TodaySource {
  figures: QueueFiguresSource;
  /** Today's survey answers of a queue (none: the board shows no satisfaction). */
  satisfaction?: SatisfactionSource;
  /** Resolves once the rollups hold every queue-call change seen so far. */
  flushed(): Promise<void>;
}

export interface WaitingCaller {
  uniqueid: string;
  callerNumber: string;
  joinedAt: string;
}

export interface QueueFigures {
  queue: string;
  waiting: number;
  /** When the longest-waiting caller joined (the page counts the wait from it); null: nobody waits. */
  oldestJoinedAt: string | null;
  longestWaitSeconds: number;
  callers: WaitingCaller[];
  today: TodayFigures;
  settings: WallboardSettings;
}

export interface BoardAgent {
  id: string;
  name: string;
  team: string;
  state: string;
  reason: string;
  since: string;
  wrapupUntil: string | null;
  queues: string[];
}

export interface Board {
  at: string;
  queues: QueueFigures[];
  agents: BoardAgent[];
  breakReasons: Array<{ code: string; labels?: Record<string, string> }>;
}

export class WallboardService {
  private readonly dirty = new Set<string>();
  private running: Promise<void> | null = null;
  private listener: ((e: LiveEvent) => void) | undefined;

  constructor(
    private readonly config: AcdConfig,
    private readonly calls: QueueCallLog,
    private readonly today: TodaySource,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async board(): Promise<Board> {
    const snap = await this.config.snapshot(true);
    const queues = await Promise.all(snap.queues.map((q) => this.figures(q.name)));
    return {
      at: this.now().toISOString(),
      queues: queues.filter((q): q is QueueFigures => q !== null),
      // Agents of the queues (a supervisor's own phone, with no queue skills, is not one).
      agents: snap.agents.map((a) => ({
        id: a.id,
        name: a.name,
        team: a.team,
        state: a.state,
        reason: a.stateReason,
        since: a.stateSince.toISOString(),
        wrapupUntil: a.wrapupUntil?.toISOString() ?? null,
        queues: [...membershipsOf(JSON.parse(a.skills) as Record<string, number>, snap.queues).keys()].sort(),
      })).filter((a) => a.queues.length > 0),
      breakReasons: snap.breakReasons,
    };
  }

  /** One queue's figures now; null for a queue that no longer exists. */
  async figures(queue: string): Promise<QueueFigures | null> {
    const settings = (await this.config.snapshot()).queueMap.get(queue);
    if (!settings) return null;
    const now = this.now();
    const since = startOfDay(now, settings.wallboard.timezone);
    const [callers, today] = await Promise.all([
      this.calls.waitingCallers(queue),
      todayFigures(this.today.figures, queue, since, now, this.today.satisfaction),
    ]);
    const oldest = callers[0]?.joinedAt ?? null;
    return {
      queue,
      waiting: callers.length,
      oldestJoinedAt: oldest ? oldest.toISOString() : null,
      longestWaitSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : 0,
      callers: callers.map((c) => ({ uniqueid: c.uniqueid, callerNumber: c.callerNumber, joinedAt: c.joinedAt.toISOString() })),
      today,
      settings: settings.wallboard,
    };
  }

  /** Pushes a queue's figures after each of its caller events (own queues; active node only). */
  start(hub: LiveHub, isActive: () => boolean): void {
    this.listener = (e) => {
      // A caller event changes a queue's figures; a survey answer changes its satisfaction.
      if (!((e.type === 'queue.caller' && e.pbx === undefined) || (e.type === 'survey.answered' && e.queue)) || !isActive()) return;
      this.dirty.add(e.queue);
      this.running ??= this.drain(hub).finally(() => (this.running = null));
    };
    hub.on('event', this.listener);
    this.hub = hub;
  }

  private hub: LiveHub | undefined;

  stop(): void {
    if (this.listener) this.hub?.off('event', this.listener);
    this.listener = undefined;
  }

  private async written(): Promise<void> {
    await this.calls.flushed();
    await this.today.flushed();
  }

  /** Recomputes dirty queues until none is left: a burst of events costs one computation per queue, not one per event. */
  private async drain(hub: LiveHub): Promise<void> {
    // Let the queue-call log and then the rollups write the event first (each in event order, in its own chain).
    await this.written();
    while (this.dirty.size) {
      const queue = this.dirty.values().next().value!;
      this.dirty.delete(queue);
      try {
        const figures = await this.figures(queue);
        if (figures) hub.publish({ type: 'wallboard.queue', queue, figures, at: this.now().toISOString() });
      } catch (err) {
        this.log.warn({ err: (err as Error).message, queue }, 'wallboard: computing a queue\'s figures failed (the next event tries again)');
      }
      if (this.dirty.size) await this.written();
    }
  }
}
