// Routing decisions, pure: which queue, which priority, how long before overflow, and what
// happens when nobody is logged in. Inputs come from the IVR (queue, priority, variables),
// the CRM (VIP level), the region table (number prefix) and the rules, in order.
import type { QueueSettings, RegionEntry, RoutingRule } from './acd.schemas.js';

export interface RouteInput {
  queue: string;
  priority: number;
  callerNumber: string;
  vipLevel: number;
  vars: Record<string, string>;
  now: Date;
}

export interface RouteContext {
  rules: RoutingRule[];
  /** Longest prefix wins. */
  regions: RegionEntry[];
  queues: Map<string, QueueSettings>;
  /** Agents logged in (not logged out) who are members of the queue. */
  agentsLoggedIn(queue: string): number;
}

export interface RouteDecision {
  queue: string;
  priority: number;
  /** Seconds in `queue` before the caller moves on (overflow, or the end of the line). */
  timeoutSeconds: number;
  /** The highest agent penalty the caller reaches at first (raised by the queue's penaltySteps). */
  maxPenalty?: number;
  overflow?: { queue: string; priority: number; timeoutSeconds: number };
  region?: string;
  rules: string[];
  /** Nobody is logged in to the chosen queue (and no noAgentsQueue applied). */
  noAgents: boolean;
  /** A queue setting sent the caller elsewhere because nobody was logged in. */
  redirectedFrom?: string;
}

/** Every VIP level adds this much queue priority. */
export const VIP_PRIORITY_STEP = 10;

/** Prefix index of a region table (built once per table; longest prefix wins). */
const regionIndexes = new WeakMap<RegionEntry[], { byPrefix: Map<string, string>; lengths: number[] }>();

export function regionOf(number: string, regions: RegionEntry[]): string | undefined {
  let idx = regionIndexes.get(regions);
  if (!idx) {
    const byPrefix = new Map<string, string>();
    for (const r of regions) byPrefix.set(r.prefix.replace(/^\+/, ''), r.region);
    idx = { byPrefix, lengths: [...new Set([...byPrefix.keys()].map((k) => k.length))].sort((a, b) => b - a) };
    regionIndexes.set(regions, idx);
  }
  const n = number.replace(/^\+/, '');
  for (const len of idx.lengths) {
    if (len > n.length) continue;
    const hit = idx.byPrefix.get(n.slice(0, len));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(now: Date, timezone: string): { day: number; minutes: number } {
  let f = formatters.get(timezone);
  if (!f) formatters.set(timezone, (f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = f.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function inWindow(now: Date, t: NonNullable<RoutingRule['when']['time']>): boolean {
  const { day, minutes } = localParts(now, t.timezone);
  const from = toMinutes(t.from);
  const to = toMinutes(t.to);
  if (from <= to) return t.days.includes(day) && minutes >= from && minutes < to;
  // Over midnight: the window belongs to the day it starts on.
  if (minutes >= from) return t.days.includes(day);
  return minutes < to && t.days.includes((day + 6) % 7);
}

function matches(rule: RoutingRule, queue: string, region: string | undefined, input: RouteInput, windows: Map<string, boolean>): boolean {
  const w = rule.when;
  if (w.queues && !w.queues.includes(queue)) return false;
  if (w.vipMin !== undefined && input.vipLevel < w.vipMin) return false;
  if (w.regions && (!region || !w.regions.includes(region))) return false;
  if (w.variable && input.vars[w.variable.name] !== w.variable.equals) return false;
  if (w.time) {
    const key = `${w.time.timezone} ${w.time.from} ${w.time.to} ${w.time.days.join('')}`;
    let open = windows.get(key);
    if (open === undefined) windows.set(key, (open = inWindow(input.now, w.time)));
    if (!open) return false;
  }
  return true;
}

const clampPriority = (p: number) => Math.max(0, Math.min(1000, p));

export function route(input: RouteInput, ctx: RouteContext): RouteDecision {
  let queue = input.queue;
  let priority = input.priority + Math.max(0, input.vipLevel) * VIP_PRIORITY_STEP;
  const region = regionOf(input.callerNumber, ctx.regions);
  const applied: string[] = [];
  const windows = new Map<string, boolean>();
  for (const rule of ctx.rules) {
    if (!rule.enabled || !matches(rule, queue, region, input, windows)) continue;
    applied.push(rule.name);
    if (rule.then.queue) queue = rule.then.queue;
    if (rule.then.priorityAdd) priority += rule.then.priorityAdd;
    if (rule.then.stop) break;
  }
  let redirectedFrom: string | undefined;
  const settingsOf = (q: string) => ctx.queues.get(q);
  let settings = settingsOf(queue);
  if (settings?.noAgentsQueue && ctx.agentsLoggedIn(queue) === 0) {
    redirectedFrom = queue;
    queue = settings.noAgentsQueue;
    settings = settingsOf(queue);
  }
  const maxWait = settings?.maxWaitSeconds ?? 600;
  const decision: RouteDecision = {
    queue,
    priority: clampPriority(priority),
    timeoutSeconds: settings?.overflow ? Math.min(settings.overflow.afterSeconds, maxWait) : maxWait,
    rules: applied,
    ...(settings?.initialMaxPenalty !== undefined ? { maxPenalty: settings.initialMaxPenalty } : {}),
    noAgents: ctx.agentsLoggedIn(queue) === 0,
    ...(region ? { region } : {}),
    ...(redirectedFrom ? { redirectedFrom } : {}),
  };
  if (settings?.overflow && settings.overflow.queue !== queue) {
    const next = settingsOf(settings.overflow.queue);
    decision.overflow = { queue: settings.overflow.queue, priority: clampPriority(priority), timeoutSeconds: next?.maxWaitSeconds ?? 600 };
  }
  return decision;
}
