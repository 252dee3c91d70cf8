// The IVR funnel (IVR 漏斗): for one flow, how many callers reached each node and where the
// calls that ended inside the IVR ended — hung up by the caller, passed on to a queue or a
// transfer, finished by the flow, failed. Read from the call records (their IVR path and
// outcome) of the calls that entered the flow in the range; the node order, names and types come
// from the flow's published definition. `funnelOf` is pure (unit-tested); `IvrFunnel` reads.
import type { DataSource } from 'typeorm';
import type { Window } from './report-windows.js';
import { windowsWhere } from './window-sql.js';
import { NotFoundError } from '../errors.js';
import { CallRecord } from '../calls/calls.entities.js';
import { IvrFlow, IvrFlowVersion } from '../ivr/ivr.entities.js';
import { edgesOf } from '../ivr/flow-graph.js';
import type { FlowDefinition } from '../ivr/ivr.schemas.js';

type Locale = 'zh-CN' | 'en';

/** How a call that ended at a node ended (call record outcomes grouped as a reader needs them). */
export const FUNNEL_ENDINGS = ['hungUp', 'handedOff', 'completed', 'failed', 'inProgress'] as const;
export type FunnelEnding = (typeof FUNNEL_ENDINGS)[number];

export interface FunnelCall {
  /** The nodes the call went through, in order (`step` of the record's IVR path). */
  steps: string[];
  /** The record's outcome; null while the call is still up. */
  outcome: string | null;
}

export interface FunnelNode {
  node: string;
  /** The node's type and name in the published flow (null for a node no longer in it, or `fallback`). */
  type: string | null;
  name: string | null;
  /** Calls that went through the node at least once (a caller who loops through a menu counts once). */
  reached: number;
  /** Calls whose last node this was, by how they ended. */
  ended: Record<FunnelEnding, number>;
  /** Calls that went on to another node. */
  continued: number;
  /** Callers who hung up here ÷ reached. */
  dropRate: number | null;
}

export function endingOf(outcome: string | null): FunnelEnding {
  if (outcome === null) return 'inProgress';
  if (outcome === 'caller_hangup' || outcome === 'abandoned') return 'hungUp';
  if (outcome === 'handed_off' || outcome === 'answered') return 'handedOff';
  if (outcome === 'completed') return 'completed';
  return 'failed'; // failed, handed_back (the dialplan's fallback), unanswered
}

const emptyEndings = (): Record<FunnelEnding, number> => ({ hungUp: 0, handedOff: 0, completed: 0, failed: 0, inProgress: 0 });

/** The nodes of a definition from its entry, breadth first along the edges in their declared order; unreachable ones after. */
export function nodeOrder(def: FlowDefinition | null): string[] {
  if (!def) return [];
  const seen = new Set<string>();
  const queue = [def.entry];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || !def.nodes[id]) continue;
    seen.add(id);
    for (const e of edgesOf(def.nodes[id]!)) queue.push(e.target);
  }
  for (const id of Object.keys(def.nodes)) seen.add(id);
  return [...seen];
}

/** The funnel of a set of calls: nodes in the flow's order, then nodes only the calls know (in order of first use). */
export function funnelOf(calls: FunnelCall[], def: FlowDefinition | null): { calls: number; ended: Record<FunnelEnding, number>; nodes: FunnelNode[] } {
  const reached = new Map<string, number>();
  const endedAt = new Map<string, Record<FunnelEnding, number>>();
  const firstUse = new Map<string, number>();
  const total = emptyEndings();
  let n = 0;
  for (const c of calls) {
    const ending = endingOf(c.outcome);
    total[ending]++;
    n++;
    c.steps.forEach((s, i) => {
      if (!firstUse.has(s)) firstUse.set(s, firstUse.size + i / 1000);
    });
    for (const s of new Set(c.steps)) reached.set(s, (reached.get(s) ?? 0) + 1);
    const last = c.steps.at(-1);
    if (last !== undefined) {
      const e = endedAt.get(last) ?? emptyEndings();
      e[ending]++;
      endedAt.set(last, e);
    }
  }
  const order = nodeOrder(def);
  const known = new Set(order);
  const extra = [...reached.keys()].filter((s) => !known.has(s)).sort((a, b) => firstUse.get(a)! - firstUse.get(b)!);
  const nodes = [...order, ...extra].map((node): FunnelNode => {
    const r = reached.get(node) ?? 0;
    const ended = endedAt.get(node) ?? emptyEndings();
    const endedHere = FUNNEL_ENDINGS.reduce((s, k) => s + ended[k], 0);
    const spec = def?.nodes[node];
    return { node, type: spec?.type ?? null, name: spec?.name ?? null, reached: r, ended, continued: r - endedHere, dropRate: r ? Math.round((ended.hungUp / r) * 10_000) / 10_000 : null };
  });
  return { calls: n, ended: total, nodes };
}

/** What each figure means, in the reader's language (printed with the funnel). */
export function funnelStatements(locale: Locale): Array<{ key: string; name: string; text: string }> {
  if (locale === 'zh-CN') {
    return [
      { key: 'ivr_calls', name: '进入流程', text: '统计范围内开始、进入该 IVR 流程的通话（本系统的 Asterisk）。' },
      { key: 'ivr_reached', name: '到达', text: '经过该节点至少一次的通话数；在菜单中重复多次的来电只计一次。' },
      { key: 'ivr_ended', name: '在此结束', text: '最后一个节点为该节点的通话，按结束方式分：来电挂机、转出（进入队列或转接）、流程结束、失败（含转交拨号方案兜底）、进行中。' },
      { key: 'ivr_drop', name: '流失率', text: '在该节点来电挂机的通话 ÷ 到达该节点的通话。' },
    ];
  }
  return [
    { key: 'ivr_calls', name: 'Calls', text: 'Calls that started in the range and entered the IVR flow (Hotline\'s own Asterisk).' },
    { key: 'ivr_reached', name: 'Reached', text: 'Calls that went through the node at least once; a caller who loops through a menu counts once.' },
    { key: 'ivr_ended', name: 'Ended here', text: 'Calls whose last node this was, by how they ended: the caller hung up, passed on (to a queue or a transfer), the flow finished, failed (including handed back to the dialplan\'s fallback), still in progress.' },
    { key: 'ivr_drop', name: 'Drop rate', text: 'Calls whose caller hung up at the node ÷ calls that reached it.' },
  ];
}

const PAGE = 5000;

export class IvrFunnel {
  constructor(private readonly db: DataSource) {}

  /**
   * The funnel of the flow named `flow` over the windows (the range, or its chosen weekdays and times of day): of the calls that ran `version` of it
   * (its definition gives the nodes), or of every call of the flow (the published version's
   * definition). 404 for an unknown flow or version.
   */
  async funnel(flow: string, windows: Window[], locale: Locale, onlyVersion?: number) {
    const f = await this.db.getRepository(IvrFlow).findOne({ where: { name: flow } });
    if (!f) throw new NotFoundError('IVR flow', flow);
    const version = onlyVersion ?? f.publishedVersion ?? f.latestVersion;
    const v = await this.db.getRepository(IvrFlowVersion).findOne({ where: { flowId: f.id, version } });
    if (onlyVersion !== undefined && !v) throw new NotFoundError(`version of IVR flow ${flow}`, String(onlyVersion));
    let def: FlowDefinition | null = null;
    try {
      def = v ? (JSON.parse(v.definition) as FlowDefinition) : null;
    } catch {
      def = null; // a definition that does not parse: the nodes are listed as the calls know them
    }
    const calls: FunnelCall[] = [];
    // A page at a time, in start order; the last page's start time and id continue the walk.
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const qb = this.db.getRepository(CallRecord).createQueryBuilder('c')
        .select(['c.id', 'c.startedAt', 'c.ivrPath', 'c.outcome', 'c.endedAt'])
        .where({ flow, source: 'hotline', ...(onlyVersion !== undefined ? { flowVersionId: v!.id } : {}) })
        .andWhere(windowsWhere('c.started_at', windows));
      if (after) qb.andWhere('(c.started_at > :at OR (c.started_at = :at AND c.id > :id))', { at: after.at, id: after.id });
      const rows = await qb.orderBy('c.started_at', 'ASC').addOrderBy('c.id', 'ASC').take(PAGE).getMany();
      for (const r of rows) calls.push({ steps: stepsOf(r.ivrPath), outcome: r.endedAt ? (r.outcome ?? 'failed') : null });
      if (rows.length < PAGE) break;
      after = { at: rows.at(-1)!.startedAt, id: rows.at(-1)!.id };
    }
    return { flow, version: onlyVersion ?? null, nodesOfVersion: v?.version ?? null, ...funnelOf(calls, def), statements: funnelStatements(locale) };
  }
}

function stepsOf(path: string): string[] {
  try {
    const p = JSON.parse(path) as Array<{ step?: unknown }>;
    return Array.isArray(p) ? p.map((e) => String(e?.step ?? '')).filter(Boolean) : [];
  } catch {
    return [];
  }
}
