// Queues, agents and routing documents: CRUD with validation, and a cached view the router
// and the agent tracker read (refreshed after every write, and every few seconds so that a
// change made through the other node's API reaches this one).
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../errors.js';
import { AcdAgent, AcdQueue, AcdRouting } from './acd.entities.js';
import { EndpointTakenError, QueueExistsError, QueueInUseError, UnknownQueueError, UnknownSurveyError } from './acd.errors.js';
import { queueSettings, type LabelledCode, type PhoneKind, type QueueSettings, type RegionEntry, type RoutingRule } from './acd.schemas.js';

export interface QueueView {
  name: string;
  settings: QueueSettings;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentView {
  id: string;
  name: string;
  endpoint: string;
  /** PJSIP/<endpoint> */
  interface: string;
  phone: PhoneKind;
  contact: string | null;
  hasSipPassword: boolean;
  skills: Record<string, number>;
  team: string;
  userId: string | null;
  state: string;
  stateSince: Date;
  stateReason: string;
  wrapupUntil: Date | null;
}

export interface AcdSnapshot {
  queues: QueueView[];
  queueMap: Map<string, QueueSettings>;
  agents: AcdAgent[];
  byInterface: Map<string, AcdAgent>;
  rules: RoutingRule[];
  regions: RegionEntry[];
  /** The admin-set break reasons (empty: any reason code is accepted). */
  breakReasons: LabelledCode[];
  loadedAt: number;
}

const REFRESH_MS = 2000;

/** A SIP password Hotline makes for a WebRTC phone: 192 random bits, URL-safe (nothing Asterisk's config parser treats specially). */
export const generatedSipPassword = (): string => randomBytes(24).toString('base64url');

export function agentView(a: AcdAgent): AgentView {
  return {
    id: a.id,
    name: a.name,
    endpoint: a.endpoint,
    interface: `PJSIP/${a.endpoint}`,
    phone: a.phone as PhoneKind,
    contact: a.contact || null,
    hasSipPassword: a.sipPassword !== '',
    skills: JSON.parse(a.skills) as Record<string, number>,
    team: a.team,
    userId: a.userId,
    state: a.state,
    stateSince: a.stateSince,
    stateReason: a.stateReason,
    wrapupUntil: a.wrapupUntil,
  };
}

export class AcdConfig {
  private snap: AcdSnapshot | undefined;
  private loading: Promise<AcdSnapshot> | undefined;

  /** Whether a satisfaction survey of this name exists (set by the survey module; none: any name is refused). */
  surveyExists: (name: string) => Promise<boolean> = async () => false;

  constructor(private readonly db: DataSource) {}

  /** The queues whose callers are asked this survey. */
  async queuesWithSurvey(survey: string): Promise<string[]> {
    return (await this.snapshot(true)).queues.filter((q) => q.settings.survey === survey).map((q) => q.name);
  }

  /** The current model (cached for REFRESH_MS). */
  async snapshot(force = false): Promise<AcdSnapshot> {
    if (!force && this.snap && Date.now() - this.snap.loadedAt < REFRESH_MS) return this.snap;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<AcdSnapshot> {
    const m = this.db.manager;
    const [queues, agents, routing] = await Promise.all([m.find(AcdQueue, { order: { name: 'ASC' } }), m.find(AcdAgent, { order: { name: 'ASC' } }), m.find(AcdRouting)]);
    const qv = queues.map((q) => ({ name: q.name, settings: queueSettings.parse(JSON.parse(q.settings)), createdAt: q.createdAt, updatedAt: q.updatedAt }));
    const doc = (kind: string) => routing.find((r) => r.kind === kind);
    this.snap = {
      queues: qv,
      queueMap: new Map(qv.map((q) => [q.name, q.settings])),
      agents,
      byInterface: new Map(agents.map((a) => [`PJSIP/${a.endpoint}`, a])),
      rules: doc('rules') ? (JSON.parse(doc('rules')!.body) as RoutingRule[]) : [],
      regions: doc('regions') ? (JSON.parse(doc('regions')!.body) as RegionEntry[]) : [],
      breakReasons: doc('break_reasons') ? (JSON.parse(doc('break_reasons')!.body) as LabelledCode[]) : [],
      loadedAt: Date.now(),
    };
    return this.snap;
  }

  invalidate(): void {
    this.snap = undefined;
  }

  // ---- queues ---------------------------------------------------------------------------
  private async checkQueueRefs(name: string, s: QueueSettings, creating: boolean): Promise<void> {
    const names = new Set((await this.db.manager.find(AcdQueue, { select: { name: true } })).map((q) => q.name));
    if (creating) names.add(name);
    if (s.overflow && !names.has(s.overflow.queue)) throw new UnknownQueueError(s.overflow.queue, 'settings.overflow.queue');
    if (s.overflow?.queue === name) throw new UnknownQueueError(name, 'settings.overflow.queue (a queue cannot overflow into itself)');
    if (s.noAgentsQueue && (!names.has(s.noAgentsQueue) || s.noAgentsQueue === name)) throw new UnknownQueueError(s.noAgentsQueue, 'settings.noAgentsQueue');
    if (s.survey && !(await this.surveyExists(s.survey))) throw new UnknownSurveyError(s.survey);
  }

  async createQueue(name: string, settings: QueueSettings): Promise<QueueView> {
    await this.checkQueueRefs(name, settings, true);
    const now = new Date();
    await this.db.transaction(async (m) => {
      if (await m.findOne(AcdQueue, { where: { name } })) throw new QueueExistsError(name);
      await m.insert(AcdQueue, { name, settings: JSON.stringify(settings), createdAt: now, updatedAt: now });
    });
    this.invalidate();
    return { name, settings, createdAt: now, updatedAt: now };
  }

  async updateQueue(name: string, settings: QueueSettings): Promise<QueueView> {
    const q = await this.db.manager.findOne(AcdQueue, { where: { name } });
    if (!q) throw new NotFoundError('queue', name);
    await this.checkQueueRefs(name, settings, false);
    q.settings = JSON.stringify(settings);
    q.updatedAt = new Date();
    await this.db.manager.save(q);
    this.invalidate();
    return { name, settings, createdAt: q.createdAt, updatedAt: q.updatedAt };
  }

  async getQueue(name: string): Promise<QueueView> {
    const q = (await this.snapshot(true)).queues.find((x) => x.name === name);
    if (!q) throw new NotFoundError('queue', name);
    return q;
  }

  async deleteQueue(name: string): Promise<void> {
    const snap = await this.snapshot(true);
    if (!snap.queueMap.has(name)) throw new NotFoundError('queue', name);
    const user = snap.queues.find((q) => q.settings.overflow?.queue === name || q.settings.noAgentsQueue === name);
    if (user) throw new QueueInUseError(name, `queue ${user.name}`);
    const rule = snap.rules.find((r) => r.then.queue === name);
    if (rule) throw new QueueInUseError(name, `routing rule ${rule.name}`);
    await this.db.manager.delete(AcdQueue, { name });
    this.invalidate();
  }

  // ---- agents ---------------------------------------------------------------------------
  async createAgent(input: { name: string; endpoint: string; phone: PhoneKind; contact?: string; sipPassword?: string; skills: Record<string, number>; team: string; userId: string | null }): Promise<AgentView> {
    const now = new Date();
    const agent = await this.db.transaction(async (m) => {
      if (await m.findOne(AcdAgent, { where: { endpoint: input.endpoint } })) throw new EndpointTakenError(input.endpoint);
      const a = m.create(AcdAgent, {
        id: randomUUID(),
        name: input.name,
        endpoint: input.endpoint,
        phone: input.phone,
        contact: input.phone === 'webrtc' ? '' : (input.contact ?? ''),
        sipPassword: input.phone === 'webrtc' ? generatedSipPassword() : (input.sipPassword ?? ''),
        skills: JSON.stringify(input.skills),
        team: input.team,
        userId: input.userId,
        state: 'logged_out',
        stateSince: now,
        stateReason: '',
        wrapupUntil: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(AcdAgent, a);
      return a;
    });
    this.invalidate();
    return agentView(agent);
  }

  async agent(id: string): Promise<AcdAgent> {
    const a = await this.db.manager.findOne(AcdAgent, { where: { id } });
    if (!a) throw new NotFoundError('agent', id);
    return a;
  }

  async updateAgent(id: string, patch: { name?: string; phone?: PhoneKind; rotateSipPassword?: true; contact?: string | null; sipPassword?: string; skills?: Record<string, number>; team?: string; userId?: string | null }): Promise<AcdAgent> {
    const a = await this.agent(id);
    const phone = patch.phone ?? (a.phone as PhoneKind);
    if (phone === 'webrtc' && (patch.contact || patch.sipPassword !== undefined)) {
      throw new ValidationError('a WebRTC phone registers from the browser with a password Hotline generates: give no contact or sipPassword', [{ field: 'phone', message: 'webrtc takes no contact or sipPassword' }]);
    }
    if (patch.rotateSipPassword && phone !== 'webrtc') throw new ValidationError('rotateSipPassword: only for WebRTC phones (set a desk phone\'s sipPassword)', [{ field: 'rotateSipPassword', message: 'only for phone webrtc' }]);
    if (patch.name !== undefined) a.name = patch.name;
    if (phone === 'webrtc') {
      if (a.phone !== 'webrtc' || patch.rotateSipPassword) a.sipPassword = generatedSipPassword();
      a.contact = '';
    } else if (a.phone === 'webrtc') {
      // From the browser to a desk phone: the generated password is not the desk phone's.
      a.sipPassword = '';
    }
    a.phone = phone;
    if (patch.contact !== undefined) a.contact = patch.contact ?? '';
    if (patch.sipPassword !== undefined) a.sipPassword = patch.sipPassword;
    if (patch.skills !== undefined) a.skills = JSON.stringify(patch.skills);
    if (patch.team !== undefined) a.team = patch.team;
    if (patch.userId !== undefined) a.userId = patch.userId;
    if (!a.contact && !a.sipPassword) throw new ValidationError('an agent device needs a static contact or a SIP password', [{ field: 'contact', message: 'required without sipPassword' }]);
    a.updatedAt = new Date();
    await this.db.manager.save(a);
    this.invalidate();
    return a;
  }

  async deleteAgent(id: string): Promise<AcdAgent> {
    const a = await this.agent(id);
    await this.db.manager.delete(AcdAgent, { id });
    this.invalidate();
    return a;
  }

  // ---- routing --------------------------------------------------------------------------
  async saveRules(rules: RoutingRule[]): Promise<void> {
    const names = new Set((await this.snapshot(true)).queueMap.keys());
    rules.forEach((r, i) => {
      if (r.then.queue && !names.has(r.then.queue)) throw new UnknownQueueError(r.then.queue, `rules.${i}.then.queue`);
      if (r.when.time) {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: r.when.time.timezone });
        } catch {
          throw new ValidationError(`rules.${i}.when.time.timezone: unknown timezone ${r.when.time.timezone}`, [{ field: `rules.${i}.when.time.timezone`, message: 'unknown timezone' }]);
        }
      }
    });
    await this.saveDoc('rules', rules);
  }

  async saveRegions(regions: RegionEntry[]): Promise<void> {
    await this.saveDoc('regions', regions);
  }

  async saveBreakReasons(reasons: LabelledCode[]): Promise<void> {
    await this.saveDoc('break_reasons', reasons);
  }

  private async saveDoc(kind: string, body: unknown): Promise<void> {
    await this.db.manager.save(AcdRouting, { kind, body: JSON.stringify(body), updatedAt: new Date() });
    this.invalidate();
  }
}
