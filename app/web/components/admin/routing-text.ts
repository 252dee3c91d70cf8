// A routing rule in words (the Routing tab's list): what it matches and what it does, as
// translation keys and their values. Pure.
import type { RoutingRule } from '../../../acd/acd.schemas.js';

import type { Phrase } from './phrase.js';

export type { Phrase };
const NS = 'admin.routing.text';

/** `day(d)`: the name of weekday d (0 Sunday … 6), or of 'all' (every day). */
export function whenPhrases(r: RoutingRule, day: (d: number | 'all') => string): Phrase[] {
  const w = r.when;
  const out: Phrase[] = [];
  if (w.queues?.length) out.push({ key: `${NS}.queues`, params: { queues: w.queues.join(', ') } });
  if (w.vipMin !== undefined) out.push({ key: `${NS}.vipMin`, params: { level: w.vipMin } });
  if (w.regions?.length) out.push({ key: `${NS}.regions`, params: { regions: w.regions.join(', ') } });
  if (w.time) out.push({ key: `${NS}.time`, params: { days: w.time.days.length === 7 ? day('all') : w.time.days.map((d) => day(d)).join(' '), from: w.time.from, to: w.time.to, timezone: w.time.timezone } });
  if (w.variable) out.push({ key: `${NS}.variable`, params: { name: w.variable.name, value: w.variable.equals } });
  return out.length ? out : [{ key: `${NS}.always` }];
}

export function thenPhrases(r: RoutingRule): Phrase[] {
  const out: Phrase[] = [];
  if (r.then.queue) out.push({ key: `${NS}.toQueue`, params: { queue: r.then.queue } });
  if (r.then.priorityAdd) out.push({ key: r.then.priorityAdd > 0 ? `${NS}.priorityUp` : `${NS}.priorityDown`, params: { n: Math.abs(r.then.priorityAdd) } });
  if (r.then.stop) out.push({ key: `${NS}.stop` });
  return out.length ? out : [{ key: `${NS}.nothing` }];
}
