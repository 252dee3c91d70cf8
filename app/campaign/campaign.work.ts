// An agent's work on a campaign (preview dialing): take the next contact (race-safe: a
// conditional UPDATE whose affected rows say who won), dial it, give a result, or give it back;
// and what the PBX's outbound events (HotlineOutbound start and end) mean for the attempt and
// the contact. Every state is a row; a hold ends by its `reservedUntil`, read at the time.
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { isDuplicateKey } from '../crm/crm.service.js';
import { ValidationError } from '../errors.js';
import { Campaign, CampaignAttempt, CampaignContact } from './campaign.entities.js';
import {
  AttemptsUsedError, CampaignNotRunningError, ContactDoneError, NotAnAgentError, NotInCampaignError, NotYoursError, NumberBlockedError, OutsideHoursError, UnknownResultError,
} from './campaign.errors.js';
import { afterNotFinal, CONNECTED, isOpen, nextOpening, systemResultOf } from './campaign.rules.js';
import type { CampaignAgent } from './campaign.ports.js';
import type { CampaignService, Definition } from './campaign.service.js';
import type { ContactStatus } from './campaign.schemas.js';

/** An outbound call's start or end, as the ACD's outbound log applied it. */
export interface OutboundChange {
  stage: 'start' | 'end';
  uniqueid: string;
  at: Date;
  /** end: when the PBX dialled (from DIALEDTIME when the start was not seen). */
  placedAt?: Date;
  dialStatus?: string;
  talkSeconds?: number;
}

const CALLBACK_MAX_DAYS = 30;
/** While a call is on, the hold lasts this much longer (a long call is not taken from its agent; an end never heard frees it then). */
const CALL_HOLD_MS = 4 * 3_600_000;

export class CampaignWork {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly db: DataSource = campaigns.db,
  ) {}

  private get now() {
    return this.campaigns.now();
  }
  private get ports() {
    return this.campaigns.ports;
  }

  async agentOf(userId: string): Promise<CampaignAgent> {
    const a = await this.ports.agentOfUser(userId);
    if (!a) throw new NotAnAgentError('this user is not an agent');
    return a;
  }

  /** The campaign, running, of one of the agent's queues. */
  private async working(name: string, agent: CampaignAgent): Promise<{ c: Campaign; def: Definition }> {
    const c = await this.campaigns.row(name);
    const def = this.campaigns.definitionOf(c);
    if (!(await this.ports.queuesOfAgent(agent.id)).includes(def.queue)) throw new NotInCampaignError(`campaign ${name} is worked by queue ${def.queue}, and you are not one of its agents`, { queue: def.queue });
    if (c.status !== 'running') throw new CampaignNotRunningError(`campaign ${name} is ${c.status}`, { status: c.status });
    return { c, def };
  }

  private closed(def: Definition, now: Date): InstanceType<typeof OutsideHoursError> {
    const opensAt = nextOpening(def.callingHours, now);
    return new OutsideHoursError(`outside the calling hours (${def.callingHours.from}–${def.callingHours.to}, ${def.callingHours.timezone}); they open at ${opensAt.toISOString()}`, { opensAt });
  }

  private async held(c: Campaign, agentId: string): Promise<CampaignContact | null> {
    return this.db.manager.createQueryBuilder(CampaignContact, 'c').where("c.campaign_id = :id AND c.status = 'reserved' AND c.agent_id = :agentId AND c.reserved_until > :now", { id: c.id, agentId, now: this.now }).getOne();
  }

  private async withCard(c: Campaign, def: Definition, r: CampaignContact) {
    const contact = { ...this.campaigns.contactView(def, r, await this.ports.agentNames()), attemptsList: await this.campaigns.attemptsOf(r.id, def) };
    const customer = await this.ports.customerOf(r.phone);
    if (customer && customer.id !== r.customerId) {
      await this.db.manager.update(CampaignContact, { id: r.id }, { customerId: customer.id });
      contact.customerId = customer.id;
    }
    return { contact, customer };
  }

  /** The agents' campaigns: the running ones of their queues, whether they are open now, how many are due, and the contact held. */
  async mine(userId: string) {
    const agent = await this.agentOf(userId);
    const queues = new Set(await this.ports.queuesOfAgent(agent.id));
    const now = this.now;
    const running = (await this.db.manager.find(Campaign, { where: { status: 'running' }, order: { createdAt: 'ASC' } })).filter((c) => queues.has(this.campaigns.definitionOf(c).queue));
    const items = [];
    for (const c of running) {
      const def = this.campaigns.definitionOf(c);
      const due = await this.dueQuery(c, def, agent.id).getCount();
      const h = await this.held(c, agent.id);
      items.push({ name: c.name, title: def.title, queue: def.queue, script: def.script, results: def.results, callingHours: def.callingHours, open: isOpen(def.callingHours, now), due, holding: h ? (await this.withCard(c, def, h)).contact : null });
    }
    return { items };
  }

  /** Pending contacts due now for this agent: a callback kept for another agent only once it is `holdMinutes` overdue. */
  private dueQuery(c: Campaign, def: Definition, agentId: string) {
    const now = this.now;
    return this.db.manager
      .createQueryBuilder(CampaignContact, 'c')
      .where("c.campaign_id = :id AND c.status = 'pending' AND c.next_attempt_at <= :now", { id: c.id, now })
      .andWhere('(c.callback_agent_id IS NULL OR c.callback_agent_id = :agentId OR c.next_attempt_at <= :overdue)', { agentId, overdue: new Date(now.getTime() - def.holdMinutes * 60_000) });
  }

  /**
   * Holds that ran out become pending rows again (conditionally: a node doing it at the same time
   * changes nothing). A held contact whose call connected without a result gets `no_result`.
   */
  async settleExpired(c: Campaign, def: Definition): Promise<void> {
    const now = this.now;
    const expired = await this.db.manager.createQueryBuilder(CampaignContact, 'c').where("c.campaign_id = :id AND c.status = 'reserved' AND c.reserved_until <= :now", { id: c.id, now }).take(100).getMany();
    for (const r of expired) {
      const last = await this.db.manager.findOne(CampaignAttempt, { where: { contactId: r.id }, order: { requestedAt: 'DESC' } });
      const noResult = last?.dialStatus === CONNECTED && !last.result;
      const after = noResult && r.attempts >= def.maxAttempts ? { status: 'unreached' as const } : { status: 'pending' as const };
      const res = await this.db.manager
        .createQueryBuilder()
        .update(CampaignContact)
        .set({ ...after, agentId: null, reservedUntil: null, heldBy: null, updatedAt: now, ...(noResult ? { result: 'no_result' } : {}) })
        .where("id = :id AND status = 'reserved' AND reserved_until <= :now", { id: r.id, now })
        .execute();
      if (!res.affected) continue;
      if (noResult) await this.db.manager.update(CampaignAttempt, { id: last.id, result: IsNull() }, { result: 'no_result' });
      if (after.status === 'unreached') this.contactDone(c, { ...r, ...after, result: 'no_result' }, r.agentId);
    }
  }

  async next(name: string, userId: string) {
    const agent = await this.agentOf(userId);
    const { c, def } = await this.working(name, agent);
    const mine = await this.held(c, agent.id);
    if (mine) return this.withCard(c, def, mine);
    const now = this.now;
    if (!isOpen(def.callingHours, now)) throw this.closed(def, now);
    await this.settleExpired(c, def);
    for (let round = 0; round < 5; round++) {
      const candidates = await this.dueQuery(c, def, agent.id)
        .orderBy('CASE WHEN c.callback_agent_id = :agentId THEN 0 ELSE 1 END', 'ASC')
        .addOrderBy('c.next_attempt_at', 'ASC')
        .addOrderBy('c.seq', 'ASC')
        .take(10)
        .getMany();
      if (!candidates.length) break;
      for (const cand of candidates) {
        if (await this.ports.isBlocked(cand.phone)) {
          await this.db.manager.update(CampaignContact, { id: cand.id, status: 'pending' }, { status: 'blocked', updatedAt: this.now });
          continue;
        }
        const until = new Date(this.now.getTime() + def.holdMinutes * 60_000);
        let won: boolean;
        try {
          const res = await this.db.manager
            .createQueryBuilder()
            .update(CampaignContact)
            .set({ status: 'reserved', agentId: agent.id, heldBy: agent.id, reservedUntil: until, callbackAgentId: null, updatedAt: this.now })
            .where("id = :id AND status = 'pending'", { id: cand.id })
            .execute();
          won = Boolean(res.affected);
        } catch (err) {
          // The same agent's other request took one meanwhile (held_by is unique per campaign): that one is theirs.
          if (!isDuplicateKey(err)) throw err;
          const other = await this.held(c, agent.id);
          if (other) return this.withCard(c, def, other);
          throw err;
        }
        if (won) return this.withCard(c, def, (await this.db.manager.findOneBy(CampaignContact, { id: cand.id }))!);
      }
    }
    const soonest = await this.db.manager.createQueryBuilder(CampaignContact, 'c').where("c.campaign_id = :id AND c.status = 'pending'", { id: c.id }).orderBy('c.next_attempt_at', 'ASC').getOne();
    const at = soonest ? soonest.nextAttemptAt : null;
    return { contact: null, nextDueAt: at && at.getTime() < now.getTime() ? now : at };
  }

  /** The contact reserved by this agent (a hold that ran out is still theirs until another takes it). */
  private async heldBy(c: Campaign, id: string, agentId: string): Promise<CampaignContact> {
    const r = await this.campaigns.contactRow(c, id);
    if (r.status !== 'reserved' || r.agentId !== agentId) throw new NotYoursError(`contact ${id} is not held by you`, { id });
    return r;
  }

  async dial(name: string, id: string, userId: string): Promise<{ attemptId: string; channelId: string }> {
    const agent = await this.agentOf(userId);
    const { c, def } = await this.working(name, agent);
    const r = await this.heldBy(c, id, agent.id);
    if (r.attempts >= def.maxAttempts) throw new AttemptsUsedError(`contact ${id} was called ${r.attempts} times, the campaign's most`, { attempts: r.attempts });
    const now = this.now;
    if (!isOpen(def.callingHours, now)) throw this.closed(def, now);
    if (await this.ports.isBlocked(r.phone)) {
      await this.db.manager.update(CampaignContact, { id: r.id }, { status: 'blocked', agentId: null, reservedUntil: null, heldBy: null, updatedAt: now });
      throw new NumberBlockedError(`${r.phone} is blocked: the contact is taken off the list`, { phone: r.phone });
    }
    // The hold runs again from the dial (and the row says the contact is still this agent's).
    const kept = await this.db.manager.update(CampaignContact, { id: r.id, status: 'reserved', agentId: agent.id }, { reservedUntil: new Date(now.getTime() + def.holdMinutes * 60_000), updatedAt: now });
    if (!kept.affected) throw new NotYoursError(`contact ${id} is not held by you`, { id });
    const attempt = Object.assign(new CampaignAttempt(), { id: randomUUID(), campaignId: c.id, contactId: r.id, agentId: agent.id, agentName: agent.name.slice(0, 128), channelId: `hotline-out-${randomUUID()}`, requestedAt: now, placedAt: null, endedAt: null, dialStatus: null, talkSeconds: null, result: null, note: '' });
    // Written before the PBX is asked: the outbound events find it.
    await this.db.manager.insert(CampaignAttempt, attempt);
    try {
      await this.ports.dial(agent.id, r.phone, r.name || r.phone, attempt.channelId);
    } catch (err) {
      await this.db.manager.delete(CampaignAttempt, { id: attempt.id });
      throw err;
    }
    return { attemptId: attempt.id, channelId: attempt.channelId };
  }

  async release(name: string, id: string, userId: string) {
    const agent = await this.agentOf(userId);
    const c = await this.campaigns.row(name);
    const r = await this.heldBy(c, id, agent.id);
    const now = this.now;
    const res = await this.db.manager.update(CampaignContact, { id: r.id, status: 'reserved', agentId: agent.id }, { status: 'pending', agentId: null, reservedUntil: null, heldBy: null, nextAttemptAt: now, updatedAt: now });
    if (!res.affected) throw new NotYoursError(`contact ${id} is not held by you`, { id });
    return this.campaigns.contact(name, id);
  }

  /** A result for a contact: by its holder, or by a supervisor or admin (`agentId` null) for any contact not ended. */
  async result(name: string, id: string, who: { agentId: string | null }, body: { result: string; note: string; callbackAt?: Date }) {
    const c = await this.campaigns.row(name);
    const def = this.campaigns.definitionOf(c);
    const chosen = def.results.find((x) => x.code === body.result);
    if (!chosen && body.result !== 'callback') throw new UnknownResultError(`campaign ${name} has no result ${body.result}`, { result: body.result, results: def.results.map((x) => x.code) });
    const now = this.now;
    if (body.callbackAt && (body.callbackAt.getTime() <= now.getTime() || body.callbackAt.getTime() > now.getTime() + CALLBACK_MAX_DAYS * 86_400_000)) {
      throw new ValidationError(`invalid body: callbackAt: a time in the next ${CALLBACK_MAX_DAYS} days`, [{ field: 'callbackAt', message: `a time in the next ${CALLBACK_MAX_DAYS} days` }]);
    }
    const r = who.agentId ? await this.heldBy(c, id, who.agentId) : await this.campaigns.contactRow(c, id);
    if (r.status === 'done') throw new ContactDoneError(`contact ${id} is done already`, { id });
    if (r.status === 'cancelled' || r.status === 'blocked') throw new NotYoursError(`contact ${id} is ${r.status}`, { id, status: r.status });
    const agentId = who.agentId ?? r.agentId;
    let change: Partial<CampaignContact>;
    if (body.result === 'callback') {
      if (r.attempts >= def.maxAttempts) throw new AttemptsUsedError(`contact ${id} was called ${r.attempts} times, the campaign's most: no callback`, { attempts: r.attempts });
      change = { status: 'pending', nextAttemptAt: body.callbackAt!, callbackAt: body.callbackAt!, callbackAgentId: agentId, agentId: null };
    } else if (chosen!.final) change = { status: 'done', agentId, callbackAgentId: null };
    else change = { ...afterNotFinal(r.attempts, def.maxAttempts, def.retryMinutes, now), agentId: null, callbackAgentId: null };
    const res = await this.db.manager.update(CampaignContact, { id: r.id, status: r.status, updatedAt: r.updatedAt }, { ...change, result: body.result, note: body.note, reservedUntil: null, heldBy: null, updatedAt: now });
    if (!res.affected) throw new NotYoursError(`contact ${id} changed meanwhile: reload it`, { id });
    const last = await this.db.manager.findOne(CampaignAttempt, { where: { contactId: r.id, result: IsNull() }, order: { requestedAt: 'DESC' } });
    if (last?.placedAt) await this.db.manager.update(CampaignAttempt, { id: last.id }, { result: body.result, note: body.note });
    if (change.status === 'done' || change.status === 'unreached') this.contactDone(c, { ...r, ...change, result: body.result }, agentId);
    return this.campaigns.contact(name, id);
  }

  private contactDone(c: Campaign, r: Pick<CampaignContact, 'id' | 'phone' | 'name' | 'attempts' | 'customerId'> & { status?: ContactStatus; result: string | null }, agentId: string | null): void {
    this.ports.publish({ type: 'campaign.contact.done', campaign: c.name, contact: { id: r.id, phone: r.phone, name: r.name, status: r.status ?? 'done', result: r.result, attempts: r.attempts, customerId: r.customerId }, agentId, at: this.now.toISOString() });
  }

  /** The PBX dialled a campaign's contact (start: the attempt counts) or the call ended (the result when it did not connect). */
  async onOutbound(e: OutboundChange): Promise<void> {
    const a = await this.db.manager.findOne(CampaignAttempt, { where: { channelId: e.uniqueid } });
    if (!a) return;
    const c = await this.db.manager.findOneBy(Campaign, { id: a.campaignId });
    if (!c) return;
    const def = this.campaigns.definitionOf(c);
    const now = this.now;
    const count = async (placedAt: Date) => {
      const placed = await this.db.manager.update(CampaignAttempt, { id: a.id, placedAt: IsNull() }, { placedAt });
      if (placed.affected) await this.db.manager.createQueryBuilder().update(CampaignContact).set({ attempts: () => 'attempts + 1' }).where('id = :id', { id: a.contactId }).execute();
    };
    const hold = (extraMs = 0) => this.db.manager.update(CampaignContact, { id: a.contactId, status: 'reserved', agentId: a.agentId }, { reservedUntil: new Date(now.getTime() + def.holdMinutes * 60_000 + extraMs) });
    if (e.stage === 'start') {
      await count(e.at);
      await hold(CALL_HOLD_MS);
      return;
    }
    if (a.endedAt) return;
    const status = (e.dialStatus || 'HANGUP').toUpperCase().slice(0, 16);
    // The agent hung up before the PBX dialled: nothing was placed, nothing counts.
    const placed = a.placedAt !== null || (status !== 'HANGUP' && status !== '');
    if (placed && !a.placedAt) await count(e.placedAt ?? e.at);
    const sys = placed ? systemResultOf(status) : null;
    const ended = await this.db.manager.update(CampaignAttempt, { id: a.id, endedAt: IsNull() }, { endedAt: e.at, dialStatus: status, talkSeconds: status === CONNECTED ? Math.max(0, e.talkSeconds ?? 0) : 0, ...(sys ? { result: sys } : {}) });
    if (!ended.affected) return;
    const r = (await this.db.manager.findOneBy(CampaignContact, { id: a.contactId }))!;
    let contactStatus: ContactStatus = r.status;
    let nextAttemptAt: Date | null = null;
    if (sys && r.status === 'reserved' && r.agentId === a.agentId) {
      const after = afterNotFinal(r.attempts, def.maxAttempts, def.retryMinutes, now);
      const res = await this.db.manager.update(CampaignContact, { id: r.id, status: 'reserved', agentId: a.agentId }, { ...after, result: sys, agentId: null, reservedUntil: null, heldBy: null, updatedAt: now });
      if (res.affected) {
        contactStatus = after.status;
        if (after.status === 'pending') nextAttemptAt = after.nextAttemptAt;
        if (after.status === 'unreached') this.contactDone(c, { ...r, status: 'unreached', result: sys }, a.agentId);
      }
    } else if (placed && status === CONNECTED) await hold();
    this.ports.publish({ type: 'campaign.attempt', agentId: a.agentId, campaign: c.name, contactId: a.contactId, attemptId: a.id, dialStatus: status, result: sys, contactStatus, nextAttemptAt: nextAttemptAt?.toISOString() ?? null, at: now.toISOString() });
  }
}
