// The agents' outbound calls (click-to-dial and outside numbers dialled from their devices), as
// the dialplan reports them: UserEvent HotlineOutbound when the PBX starts dialling the number,
// HotlineOutboundEnd (the `h` extension) when the agent's channel hangs up, with Dial()'s
// DIALSTATUS, ANSWEREDTIME and DIALEDTIME. One row per agent channel (acd_outbound_calls); an
// end seen without its start (Hotline took over mid-call) dates the dial from DIALEDTIME.
// Written by the active node only; an event applied twice changes nothing. Once a call has
// started or ended, its listeners hear it (`listen`: the reports' outbound rollups at the end, the
// campaigns for the calls they placed).
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import type { QueueEvent } from '../pbx/ports.js';
import { AcdOutboundCall } from './outbound.entities.js';

export type OutboundEvent = Extract<QueueEvent, { kind: 'outbound' }>;

/** An ended outbound call as the reports read it. */
export interface OutboundCall {
  id: string;
  source: string;
  uniqueid: string;
  agentId: string | null;
  placedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  talkSeconds: number | null;
  dialStatus: string;
}

/** A call of this log started (the PBX dialled the number) or ended, as applied. */
export interface OutboundCallChange {
  stage: 'start' | 'end';
  uniqueid: string;
  at: Date;
  /** end: when the number was dialled. */
  placedAt?: Date;
  dialStatus?: string;
  talkSeconds?: number;
}
export type OutboundCallListener = (c: OutboundCallChange) => Promise<void> | void;

const KINDS: Record<string, string> = { click: 'click_to_dial', device: 'device' };

export class OutboundCallLog {
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners: OutboundCallListener[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly agentOfEndpoint: (endpoint: string) => Promise<string | null>,
    private readonly log: Logger,
    readonly source = 'hotline',
  ) {}

  /** Follows each call's start and end once applied (a listener's failure is logged, the others still hear). */
  listen(l: OutboundCallListener): void {
    this.listeners.push(l);
  }

  private async tell(c: OutboundCallChange): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(c);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, uniqueid: c.uniqueid, stage: c.stage }, 'outbound call: a listener failed');
      }
    }
  }

  /** Events are applied one after the other (a short call's start and end arrive together). */
  onEvent(e: OutboundEvent): void {
    if (!e.uniqueid) return;
    this.chain = this.chain.then(() => this.apply(e)).catch((err: Error) => this.log.warn({ err: err.message, uniqueid: e.uniqueid }, 'outbound call: event not recorded'));
  }

  /** Resolves when every event so far is applied (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }

  async apply(e: OutboundEvent): Promise<void> {
    // No transaction: this log's events are applied one at a time (the chain), and the unique
    // (source, uniqueid) index keeps a second row out.
    const m = this.db.manager;
    const change = await (async (): Promise<OutboundCallChange | null> => {
      const row = await m.findOne(AcdOutboundCall, { where: { source: this.source, uniqueid: e.uniqueid } });
      if (e.stage === 'start') {
        if (row) return null;
        await m.insert(AcdOutboundCall, await this.fresh(e, e.at));
        return { stage: 'start', uniqueid: e.uniqueid, at: e.at };
      }
      if (row?.endedAt) return null;
      const status = e.status || 'HANGUP';
      const talk = status === 'ANSWER' ? Math.max(0, e.answeredSeconds) : 0;
      const end = { endedAt: e.at, dialStatus: status.slice(0, 16), talkSeconds: talk, answeredAt: status === 'ANSWER' ? new Date(e.at.getTime() - talk * 1000) : null };
      let placedAt = row?.placedAt;
      if (row) await m.update(AcdOutboundCall, { id: row.id }, end);
      else placedAt = await this.insertEnded(m, e, end);
      return { stage: 'end', uniqueid: e.uniqueid, at: e.at, placedAt, dialStatus: end.dialStatus, talkSeconds: talk };
    })();
    if (change) await this.tell(change);
  }

  private async insertEnded(m: EntityManager, e: OutboundEvent, end: Partial<AcdOutboundCall>): Promise<Date> {
    const placedAt = new Date(e.at.getTime() - Math.max(0, e.dialedSeconds) * 1000);
    await m.insert(AcdOutboundCall, { ...(await this.fresh(e, placedAt)), ...end });
    return placedAt;
  }

  private async fresh(e: OutboundEvent, placedAt: Date): Promise<AcdOutboundCall> {
    return Object.assign(new AcdOutboundCall(), {
      id: randomUUID(),
      source: this.source,
      uniqueid: e.uniqueid.slice(0, 64),
      kind: KINDS[e.via] ?? (e.uniqueid.startsWith('hotline-out-') ? 'click_to_dial' : 'device'),
      agentId: e.endpoint ? await this.agentOfEndpoint(e.endpoint) : null,
      number: e.number.slice(0, 64),
      placedAt,
      answeredAt: null,
      endedAt: null,
      talkSeconds: null,
      dialStatus: '',
    });
  }
}

const view = (r: AcdOutboundCall): OutboundCall => ({ id: r.id, source: r.source, uniqueid: r.uniqueid, agentId: r.agentId, placedAt: r.placedAt, answeredAt: r.answeredAt, endedAt: r.endedAt, talkSeconds: r.talkSeconds, dialStatus: r.dialStatus });

/** One outbound call by its agent channel (null: none). */
export async function outboundCall(db: DataSource, source: string, uniqueid: string): Promise<OutboundCall | null> {
  const r = await db.manager.findOne(AcdOutboundCall, { where: { source, uniqueid } });
  return r ? view(r) : null;
}

/** The outbound calls dialled in [from, to). */
export async function outboundCallsPlaced(db: DataSource, from: Date, to: Date): Promise<OutboundCall[]> {
  const rows = await db.manager.createQueryBuilder(AcdOutboundCall, 'o').where('o.placed_at >= :from AND o.placed_at < :to', { from, to }).getMany();
  return rows.map(view);
}

/** All outbound calls, a page at a time in id order. */
export async function outboundCallsPage(db: DataSource, afterId: string, limit: number): Promise<OutboundCall[]> {
  const rows = await db.manager.createQueryBuilder(AcdOutboundCall, 'o').where('o.id > :after', { after: afterId }).orderBy('o.id', 'ASC').take(limit).getMany();
  return rows.map(view);
}
