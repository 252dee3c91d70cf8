// Flows, versions and numbers. Drafts may be incomplete; publishing validates the draft
// (schemas, graph, prompts that must exist), synthesizes its text prompts, and makes it
// the version new calls get. Published versions never change, so they are cached by id.
// Which flow a number gets is cached for RESOLVE_TTL_MS (three queries a call otherwise, the
// most of a short call's database work): a change made here is seen at once, one made through
// another node within that time.
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import { IvrFlow, IvrFlowVersion, IvrNumber } from './ivr.entities.js';
import { FlowExistsError, FlowInvalidError, FlowNotFoundError, FlowStateError, FlowVersionNotFoundError } from './ivr.errors.js';
import type { PromptLibrary, RunnableFlow, SoundCatalog } from './ivr.ports.js';
import type { FlowDefinition, PromptRef } from './ivr.schemas.js';
import { validateFlow, type FlowProblem } from './flow-validate.js';
import { promptsOf } from './flow-graph.js';
import { hasTemplate } from './template.js';
import { logFailure } from '../log-failure.js';

export interface FlowSummary {
  name: string;
  description: string;
  isDefault: boolean;
  publishedVersion: number | null;
  latestVersion: number;
  numbers: string[];
  updatedAt: Date;
}

/** How long a number's flow is reused before the database is asked again. */
export const RESOLVE_TTL_MS = 2000;

export class IvrService {
  private readonly cache = new Map<string, RunnableFlow>();
  private readonly resolved = new Map<string, { flow: RunnableFlow | null; until: number }>();
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly db: DataSource,
    private readonly prompts: PromptLibrary,
    private readonly sounds: SoundCatalog,
    private readonly log: Logger,
  ) {}

  private async flowByName(name: string, m: EntityManager = this.db.manager): Promise<IvrFlow> {
    const flow = await m.findOne(IvrFlow, { where: { name } });
    if (!flow) throw new FlowNotFoundError(name);
    return flow;
  }

  async list(): Promise<FlowSummary[]> {
    const [flows, numbers] = await Promise.all([this.db.manager.find(IvrFlow, { order: { name: 'ASC' } }), this.db.manager.find(IvrNumber)]);
    return flows.map((f) => this.summary(f, numbers));
  }

  private summary(f: IvrFlow, numbers: IvrNumber[]): FlowSummary {
    return {
      name: f.name,
      description: f.description,
      isDefault: f.isDefault,
      publishedVersion: f.publishedVersion,
      latestVersion: f.latestVersion,
      numbers: numbers.filter((n) => n.flowId === f.id).map((n) => n.number).sort(),
      updatedAt: f.updatedAt,
    };
  }

  async get(name: string): Promise<FlowSummary & { versions: Array<{ version: number; status: string; createdAt: Date; publishedAt: Date | null }> }> {
    const flow = await this.flowByName(name);
    const [numbers, versions] = await Promise.all([
      this.db.manager.find(IvrNumber, { where: { flowId: flow.id } }),
      this.db.manager.find(IvrFlowVersion, { where: { flowId: flow.id }, order: { version: 'ASC' } }),
    ]);
    return {
      ...this.summary(flow, numbers),
      versions: versions.map((v) => ({ version: v.version, status: v.status, createdAt: v.createdAt, publishedAt: v.publishedAt })),
    };
  }

  async create(name: string, description: string, definition: unknown): Promise<FlowSummary> {
    return this.db.transaction(async (m) => {
      if (await m.findOne(IvrFlow, { where: { name } })) throw new FlowExistsError(name);
      const now = new Date();
      const flow = m.create(IvrFlow, { id: randomUUID(), name, description, isDefault: false, publishedVersion: null, latestVersion: 1, createdAt: now, updatedAt: now });
      await m.insert(IvrFlow, flow);
      await m.insert(IvrFlowVersion, { id: randomUUID(), flowId: flow.id, version: 1, status: 'draft', definition: JSON.stringify(definition), createdAt: now, publishedAt: null });
      return this.summary(flow, []);
    });
  }

  /** Saves the draft: replaces the current draft, or starts a new one after a publish. */
  async saveDraft(name: string, definition: unknown, description?: string): Promise<{ version: number }> {
    return this.db.transaction(async (m) => {
      const flow = await this.flowByName(name, m);
      const latest = await m.findOneOrFail(IvrFlowVersion, { where: { flowId: flow.id, version: flow.latestVersion } });
      const now = new Date();
      let version = latest.version;
      if (latest.status === 'draft') {
        await m.update(IvrFlowVersion, { id: latest.id }, { definition: JSON.stringify(definition), createdAt: now });
      } else {
        version = flow.latestVersion + 1;
        await m.insert(IvrFlowVersion, { id: randomUUID(), flowId: flow.id, version, status: 'draft', definition: JSON.stringify(definition), createdAt: now, publishedAt: null });
      }
      await m.update(IvrFlow, { id: flow.id }, { latestVersion: version, updatedAt: now, ...(description !== undefined ? { description } : {}) });
      return { version };
    });
  }

  async version(name: string, version: number): Promise<{ version: number; status: string; definition: unknown; createdAt: Date; publishedAt: Date | null }> {
    const flow = await this.flowByName(name);
    const v = await this.db.manager.findOne(IvrFlowVersion, { where: { flowId: flow.id, version } });
    if (!v) throw new FlowVersionNotFoundError(name, version);
    return { version: v.version, status: v.status, definition: JSON.parse(v.definition), createdAt: v.createdAt, publishedAt: v.publishedAt };
  }

  /** Validates a definition against the schemas, the graph and what exists (prompts, sounds, flows). */
  async check(name: string, definition: unknown): Promise<{ ok: true; flow: FlowDefinition } | { ok: false; problems: FlowProblem[] }> {
    const refs = collectRefs(definition);
    const [soundOk, promptOk, flowNames] = await Promise.all([
      lookupAll(refs.sounds, (s) => this.sounds.exists(s), this.log),
      lookupAll(refs.prompts, (p) => this.prompts.exists(p), this.log),
      this.db.manager.find(IvrFlow, { select: { name: true } }).then((fs) => new Set(fs.map((f) => f.name))),
    ]);
    return validateFlow(definition, {
      promptExists: (ref: PromptRef) => ('sound' in ref ? soundOk.get(ref.sound) === true : 'prompt' in ref ? promptOk.get(ref.prompt) === true : true),
      flowExists: (n) => flowNames.has(n),
      selfName: name,
    });
  }

  async validateDraft(name: string): Promise<{ version: number; ok: boolean; problems: FlowProblem[] }> {
    const flow = await this.flowByName(name);
    const latest = await this.db.manager.findOneOrFail(IvrFlowVersion, { where: { flowId: flow.id, version: flow.latestVersion } });
    const result = await this.check(name, JSON.parse(latest.definition));
    return { version: latest.version, ok: result.ok, problems: result.ok ? [] : result.problems };
  }

  /** Publishes the latest draft: validate, synthesize text prompts, switch new calls to it. */
  async publish(name: string): Promise<{ version: number }> {
    const flow = await this.flowByName(name);
    const draft = await this.db.manager.findOneOrFail(IvrFlowVersion, { where: { flowId: flow.id, version: flow.latestVersion } });
    if (draft.status !== 'draft') throw new FlowStateError(`flow "${name}" has no draft to publish (version ${draft.version} is ${draft.status})`);
    const result = await this.check(name, JSON.parse(draft.definition));
    if (!result.ok) throw new FlowInvalidError(name, result.problems);
    const texts = collectRefs(result.flow).texts.filter((t) => !hasTemplate(t));
    for (const text of texts) await this.prompts.synthesize(text, result.flow.language);
    await this.db.transaction(async (m) => {
      const now = new Date();
      await m.update(IvrFlowVersion, { flowId: flow.id, status: 'published' }, { status: 'superseded' });
      await m.update(IvrFlowVersion, { id: draft.id }, { status: 'published', publishedAt: now, definition: JSON.stringify(result.flow) });
      await m.update(IvrFlow, { id: flow.id }, { publishedVersion: draft.version, updatedAt: now });
    });
    this.changed();
    this.log.info({ flow: name, version: draft.version }, 'flow published');
    return { version: draft.version };
  }

  /** New calls get an earlier published version again. Calls in progress are untouched. */
  async rollback(name: string, version: number): Promise<{ version: number }> {
    const flow = await this.flowByName(name);
    const target = await this.db.manager.findOne(IvrFlowVersion, { where: { flowId: flow.id, version } });
    if (!target) throw new FlowVersionNotFoundError(name, version);
    if (!target.publishedAt) throw new FlowStateError(`version ${version} of flow "${name}" was never published`);
    await this.db.transaction(async (m) => {
      await m.update(IvrFlowVersion, { flowId: flow.id, status: 'published' }, { status: 'superseded' });
      await m.update(IvrFlowVersion, { id: target.id }, { status: 'published' });
      await m.update(IvrFlow, { id: flow.id }, { publishedVersion: version, updatedAt: new Date() });
    });
    this.changed();
    this.log.info({ flow: name, version }, 'flow rolled back');
    return { version };
  }

  async setDefault(name: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const flow = await this.flowByName(name, m);
      if (flow.publishedVersion === null) throw new FlowStateError(`flow "${name}" is not published`);
      await m.update(IvrFlow, { isDefault: true }, { isDefault: false });
      await m.update(IvrFlow, { id: flow.id }, { isDefault: true });
    });
    this.changed();
  }

  async mapNumber(number: string, name: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const flow = await this.flowByName(name, m);
      await m.delete(IvrNumber, { number });
      await m.insert(IvrNumber, { number, flowId: flow.id, createdAt: new Date() });
    });
    this.changed();
  }

  async unmapNumber(number: string): Promise<boolean> {
    const res = await this.db.manager.delete(IvrNumber, { number });
    this.changed();
    return (res.affected ?? 0) > 0;
  }

  async numbers(): Promise<Array<{ number: string; flow: string }>> {
    const [numbers, flows] = await Promise.all([this.db.manager.find(IvrNumber, { order: { number: 'ASC' } }), this.db.manager.find(IvrFlow)]);
    const names = new Map(flows.map((f) => [f.id, f.name]));
    return numbers.map((n) => ({ number: n.number, flow: names.get(n.flowId) ?? '?' }));
  }

  /** The flows whose draft or published version plays the library prompt `name` (sorted, once each). */
  async flowsUsingPrompt(name: string): Promise<string[]> {
    const versions = await this.db.manager.find(IvrFlowVersion, { where: { status: In(['draft', 'published']) }, select: { flowId: true, definition: true } });
    const ids = new Set(versions.filter((v) => v.definition.includes(JSON.stringify(name)) && collectRefs(JSON.parse(v.definition)).prompts.includes(name)).map((v) => v.flowId));
    if (!ids.size) return [];
    const flows = await this.db.manager.find(IvrFlow, { where: { id: In([...ids]) }, select: { name: true } });
    return flows.map((f) => f.name).sort();
  }

  /** The published flow for a called number: its mapping, else the default flow. */
  async resolve(calledNumber: string): Promise<RunnableFlow | null> {
    const hit = this.resolved.get(calledNumber);
    if (hit && hit.until > Date.now()) return hit.flow;
    const flow = await this.resolveNow(calledNumber);
    if (this.resolved.size > 10_000) this.resolved.clear();
    this.resolved.set(calledNumber, { flow, until: Date.now() + RESOLVE_TTL_MS });
    return flow;
  }

  /** Called after every change of a flow's published version, a number or the default flow. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Numbers and the default flow changed: new calls look them up again. */
  private changed(): void {
    this.resolved.clear();
    for (const l of this.listeners) l();
  }

  private async resolveNow(calledNumber: string): Promise<RunnableFlow | null> {
    const mapped = await this.db.manager.findOne(IvrNumber, { where: { number: calledNumber } });
    const flow = mapped
      ? await this.db.manager.findOne(IvrFlow, { where: { id: mapped.flowId } })
      : await this.db.manager.findOne(IvrFlow, { where: { isDefault: true } });
    if (!flow || flow.publishedVersion === null) return null;
    return this.publishedOf(flow);
  }

  /** The published version of a flow by name (sub-flows), or null. */
  async publishedByName(name: string): Promise<RunnableFlow | null> {
    const flow = await this.db.manager.findOne(IvrFlow, { where: { name } });
    return flow && flow.publishedVersion !== null ? this.publishedOf(flow) : null;
  }

  private async publishedOf(flow: IvrFlow): Promise<RunnableFlow> {
    const v = await this.db.manager.findOneOrFail(IvrFlowVersion, { where: { flowId: flow.id, version: flow.publishedVersion! } });
    return this.loadVersion(v.id, flow.name, v);
  }

  /** A version by id (resuming a call): immutable once published, so cached. */
  async loadVersion(versionId: string, flowName?: string, row?: IvrFlowVersion): Promise<RunnableFlow> {
    const cached = this.cache.get(versionId);
    if (cached) return cached;
    const v = row ?? (await this.db.manager.findOneOrFail(IvrFlowVersion, { where: { id: versionId } }));
    const name = flowName ?? (await this.db.manager.findOneOrFail(IvrFlow, { where: { id: v.flowId } })).name;
    const runnable: RunnableFlow = { flowName: name, versionId: v.id, version: v.version, definition: JSON.parse(v.definition) as FlowDefinition };
    if (v.publishedAt) this.cache.set(v.id, runnable);
    return runnable;
  }
}

function collectRefs(definition: unknown): { sounds: string[]; prompts: string[]; texts: string[] } {
  const sounds = new Set<string>();
  const prompts = new Set<string>();
  const texts = new Set<string>();
  const nodes = (definition as { nodes?: Record<string, unknown> } | null)?.nodes;
  const fallback = (definition as { fallback?: { prompt?: PromptRef } } | null)?.fallback;
  const refs: PromptRef[] = [];
  if (fallback?.prompt) refs.push(fallback.prompt);
  if (nodes && typeof nodes === 'object') {
    for (const node of Object.values(nodes)) {
      try {
        refs.push(...promptsOf(node as never));
      } catch {
        /* a malformed node: the schema check reports it */
      }
    }
  }
  for (const ref of refs) {
    if (!ref || typeof ref !== 'object') continue;
    if ('sound' in ref && typeof ref.sound === 'string') sounds.add(ref.sound);
    if ('prompt' in ref && typeof ref.prompt === 'string') prompts.add(ref.prompt);
    if ('text' in ref && typeof ref.text === 'string') texts.add(ref.text);
  }
  return { sounds: [...sounds], prompts: [...prompts], texts: [...texts] };
}

/** Whether each exists; one that cannot be checked (Asterisk down) counts as missing, and is logged. */
async function lookupAll(keys: string[], probe: (k: string) => Promise<boolean>, log: Logger): Promise<Map<string, boolean>> {
  const results = await Promise.all(keys.map(async (k) => [k, await probe(k).catch(logFailure(log, 'checking that a prompt or sound exists (reported as missing)', { context: { ref: k }, fallback: false }))] as const));
  return new Map(results);
}
