// The reports: every figure read from the 15-minute rollups (a month's report reads buckets,
// not calls; agent statistics read day rows for the whole UTC days of the range), the abandoned-call list from the facts, agent time from the agent timeline.
// Each report carries the definitions it was computed with (definitions.ts), in the reader's
// language, with the filters applied (range, weekdays and times of day as UTC windows, queues
// and skill groups). Bad filters are refused with a 400 naming the field.
import type { DataSource } from 'typeorm';
import { ValidationError } from '../errors.js';
import { agentFigures, centerCounters, firstCallResolution, type RepeatCall, DEFAULT_DEFINITIONS, definitionStatements, emptyAgentCounters, emptyQueueCounters, queueFigures, resolveDefinitions, sumQueueCounters, QUEUE_COUNTER_KEYS, type QueueCounters, type QueueDefinitions, type QueueFigures } from './definitions.js';
import { agentTimes, type StateChange } from './agent-time.js';
import { regionLabel } from './region.js';
import { localParts, parseReportTime, periodOf, validTimezone, type Interval } from './report-time.js';
import { allDay, dayFilterText, dayRangeProblem, dayWindows, inWindows, parseDayTime, type DayFilter, type Window } from './report-windows.js';
import { ReportCallFact, ReportRollup } from './reports.entities.js';
import type { BaseQuery, CallsQuery } from './reports.schemas.js';
import { drillDown } from './report-calls.js';
import { windowsWhere } from './window-sql.js';
import { emptySurveyCounters, sumSurveyCounters, surveyFigures, type SurveyCounters } from './survey-definitions.js';
import { ticketFirstContactResolution, type ContactCall, type TicketContact, type TicketFcrResult } from './fcr-tickets.js';
import { countersOf, DAY_DIMENSIONS, DAY_MS, OUTBOUND_DIMENSION, utcDay, type Dimension } from './rollup.js';
import { toDate } from './rollup.writer.js';

/** What the reports need from the ACD. */
export interface ReportsAcd {
  /** Each queue's definitions, its disposition codes' labels and its skill group (null: none). */
  queues(): Promise<Map<string, { defs: QueueDefinitions; dispositions: Map<string, { 'zh-CN': string; en: string }>; skillGroup?: string | null }>>;
  agents(): Promise<Map<string, { name: string }>>;
  timeline(agentIds: string[], from: Date, to: Date): Promise<StateChange[]>;
  /** Callbacks to these numbers asked for since `since` (the abandoned-call list). */
  callbacks(numbers: string[], since: Date): Promise<Array<{ number: string; queue: string; status: string; requestedAt: Date; endedAt: Date | null; agentId: string | null; attempts: number }>>;
}

/** What first-call resolution by tickets needs from the tickets and the call records (their modules' reads). */
export interface ReportsContacts {
  /** Tickets opened from a call in [from, to), merged duplicates left out: first resolution, reopened. */
  ticketsFromCalls(from: Date, to: Date): Promise<Array<{ ticketId: string; callId: string; firstResolvedAt: Date | null; reopened: boolean }>>;
  /** The number and start of these calls. */
  callsByIds(ids: string[]): Promise<Array<{ id: string; callerNumber: string; startedAt: Date }>>;
  /** The calls of these numbers that started in [since, until]. */
  callsOfNumbers(numbers: string[], since: Date, until: Date): Promise<Array<{ id: string; callerNumber: string; startedAt: Date }>>;
}

/** The longest range a report covers: hourly reports 31 days, others 366. */
export const MAX_RANGE_DAYS: Record<Interval, number> = { hour: 31, day: 366, week: 366, month: 366 };
const DAY = 86_400_000;

type Locale = 'zh-CN' | 'en';
/**
 * A report's checked filters. `windows`: the UTC windows [start, end) of the range on the chosen
 * weekdays and times of day (the whole range when there is no day filter); every figure counts
 * only calls that entered a queue in them, and agent time inside them. `queues`: the selected
 * queues (the skill groups' queues, intersected with `queues` when both are given); null: all.
 */
export interface Range { from: Date; to: Date; tz: string; queues: string[] | null; locale: Locale; windows: Window[]; day?: DayFilter; skillGroups?: string[] | null }

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const sums = QUEUE_COUNTER_KEYS.map((k) => (k === 'maxAnsweredWaitSeconds' ? `MAX(r.${snake(k)}) AS "${k}"` : `SUM(r.${snake(k)}) AS "${k}"`)).join(', ');

/** The satisfaction survey's counters per queue or agent inside a report's windows (app/survey), when surveys exist. */
export type SatisfactionCounters = (groupBy: 'queue' | 'agent', windows: Window[], queues: string[] | null) => Promise<Map<string, SurveyCounters>>;

/** A row's satisfaction figures (null rates without answers): what the queue comparison and the agent statistics add. */
function satisfactionOf(c: SurveyCounters | undefined) {
  const f = surveyFigures(c ?? emptySurveyCounters());
  return { surveyed: f.surveyed, surveyAnswered: f.answered, csat: f.csat, averageScore: f.averageScore };
}

export class ReportsService {
  /** Set by main when the survey module exists; without it the figures read as nobody surveyed. */
  satisfaction: SatisfactionCounters = async () => new Map();

  constructor(
    private readonly db: DataSource,
    private readonly acd: ReportsAcd,
    private readonly now: () => Date = () => new Date(),
    private readonly contacts: ReportsContacts | null = null,
  ) {}

  /** Checks a report's filters: dates, timezone, range, queues, skill groups, weekdays and times of day (400 with the field named). */
  async range(q: BaseQuery, interval: Interval = 'day'): Promise<Range & { queueDefs: Map<string, QueueDefinitions>; skillGroupOf: Map<string, string | null> }> {
    const bad = (field: string, message: string): never => {
      throw new ValidationError(`invalid query: ${field}: ${message}`, [{ field, message }]);
    };
    if (!validTimezone(q.tz)) bad('tz', `unknown timezone ${q.tz.slice(0, 64)}`);
    const from = parseReportTime(q.from, q.tz) ?? bad('from', "not a date: give 'YYYY-MM-DD' or an ISO time with offset (2026-12-03T08:00:00+08:00)");
    const to = parseReportTime(q.to, q.tz) ?? bad('to', "not a date: give 'YYYY-MM-DD' or an ISO time with offset (2026-12-03T08:00:00+08:00)");
    if (to <= from) bad('to', 'the end of the range must be after its start');
    const max = MAX_RANGE_DAYS[interval];
    if (to - from > max * DAY) bad('to', `the range is longer than ${max} days (the longest for interval ${interval})`);
    const queues = await this.acd.queues();
    const unknown = (q.queues ?? []).filter((n) => !queues.has(n));
    if (unknown.length) bad('queues', `unknown queue${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).join(', ')}`);
    const queueDefs = new Map([...queues].map(([n, v]) => [n, v.defs]));
    const skillGroupOf = new Map([...queues].map(([n, v]) => [n, v.skillGroup ?? null]));
    let selected = q.queues?.length ? q.queues : null;
    const groups = q.skillGroups?.length ? q.skillGroups : null;
    if (groups) {
      const known = new Set([...skillGroupOf.values()].filter((g): g is string => !!g));
      const unknownGroups = groups.filter((g) => !known.has(g));
      if (unknownGroups.length) bad('skillGroups', `unknown skill group${unknownGroups.length > 1 ? 's' : ''} (no queue has it): ${unknownGroups.slice(0, 10).join(', ')}`);
      // Both given: the queues that are in the list and in one of the groups (intersection).
      const ofGroups = [...skillGroupOf].filter(([, g]) => g && groups.includes(g)).map(([n]) => n);
      const both = selected ? ofGroups.filter((n) => selected!.includes(n)) : ofGroups;
      if (!both.length) bad('skillGroups', `none of the queues ${selected!.slice(0, 10).join(', ')} is in the skill group${groups.length > 1 ? 's' : ''} ${groups.slice(0, 10).join(', ')}`);
      selected = both.sort();
    }
    const day = this.dayFilter(q, bad);
    const windows = dayWindows(from, to, q.tz, day);
    return { from: new Date(from), to: new Date(to), tz: q.tz, queues: selected, locale: q.locale, queueDefs, skillGroupOf, windows, day, skillGroups: groups };
  }

  /** The weekday and time-of-day filter of a query (400 naming the field when the end is not after the start). */
  private dayFilter(q: BaseQuery, bad: (field: string, message: string) => never): DayFilter {
    const weekdays = q.weekdays?.length ? [...new Set(q.weekdays.map(Number))].sort((a, b) => a - b) : null;
    const problem = dayRangeProblem(q.dayStart, q.dayEnd);
    if (problem) bad(problem.field, problem.message);
    return { weekdays, dayStart: q.dayStart === undefined ? 0 : parseDayTime(q.dayStart, false)!, dayEnd: q.dayEnd === undefined ? 1440 : parseDayTime(q.dayEnd, true)! };
  }

  async checkAgents(ids: string[] | undefined): Promise<string[] | null> {
    if (!ids?.length) return null;
    const known = await this.acd.agents();
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new ValidationError(`invalid query: agents: unknown agent${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).join(', ')}`, [{ field: 'agents', message: 'unknown agent' }]);
    return ids;
  }

  /** Rollup rows of a dimension in the range, summed by the given columns. */
  private async rollups(dimension: string, r: Range, groupBy: Array<'bucket_at' | 'queue' | 'dim_key'>, dimKeys?: string[] | null): Promise<Array<QueueCounters & { bucket_at?: string | Date; queue?: string; dim_key?: string }>> {
    const qb = this.db.getRepository(ReportRollup).createQueryBuilder('r')
      .select(groupBy.map((g) => `r.${g} AS ${g}`).join(', ') + (groupBy.length ? ', ' : '') + sums)
      .where('r.dimension = :dimension', { dimension })
      .andWhere(windowsWhere('r.bucket_at', r.windows));
    if (r.queues) qb.andWhere('r.queue IN (:...queues)', { queues: r.queues });
    if (dimKeys) qb.andWhere('r.dim_key IN (:...keys)', { keys: dimKeys.length ? dimKeys : [''] });
    for (const g of groupBy) qb.addGroupBy(`r.${g}`);
    const raw = await qb.getRawMany<Record<string, string | number | Date | null>>();
    return raw.map((row) => ({ ...(row as object), ...countersOf(Object.fromEntries(QUEUE_COUNTER_KEYS.map((k) => [k, Number(row[k] ?? 0)])) as unknown as QueueCounters) }));
  }

  /**
   * Rollup rows of a dimension in the range summed by dim_key/queue, reading the day rows for the
   * whole UTC days inside the range when the dimension has them (DAY_DIMENSIONS) and the
   * 15-minute rows for the rest: the same buckets, so the same sums, as reading 15-minute rows
   * only (a month: ~30 rows per key instead of ~2,880; a range that is not whole UTC days, as a
   * local day in Asia/Shanghai, reads at most a day of 15-minute rows at each end).
   */
  private async rollupsByKey(dimension: Dimension, r: Range, groupBy: Array<'queue' | 'dim_key'>, dimKeys?: string[] | null): Promise<Array<QueueCounters & { queue?: string; dim_key?: string }>> {
    const day = (DAY_DIMENSIONS as Partial<Record<Dimension, string>>)[dimension];
    // A weekday or time-of-day filter cuts days: only the 15-minute rows can be filtered.
    if (r.day && !allDay(r.day)) return this.rollups(dimension, r, groupBy, dimKeys);
    const first = Math.ceil(r.from.getTime() / DAY_MS) * DAY_MS;
    const last = utcDay(r.to.getTime());
    if (!day || first >= last) return this.rollups(dimension, r, groupBy, dimKeys);
    const parts = await Promise.all([
      this.rollups(day, { ...r, windows: [[first, last]] }, groupBy, dimKeys),
      first > r.from.getTime() ? this.rollups(dimension, { ...r, windows: [[r.from.getTime(), first]] }, groupBy, dimKeys) : [],
      last < r.to.getTime() ? this.rollups(dimension, { ...r, windows: [[last, r.to.getTime()]] }, groupBy, dimKeys) : [],
    ]);
    const out = new Map<string, QueueCounters & { queue?: string; dim_key?: string }>();
    for (const row of parts.flat()) {
      const k = groupBy.map((g) => row[g]).join('\u0000');
      const had = out.get(k);
      out.set(k, had ? { ...had, ...sumQueueCounters([had, row]) } : row);
    }
    return [...out.values()];
  }

  /** The center's definitions (the short-abandon treatment of a multi-queue figure); each queue's thresholds apply to its own calls. */
  private centerDefs(): QueueDefinitions {
    return resolveDefinitions(DEFAULT_DEFINITIONS);
  }

  private definitionsBlock(r: Range & { queueDefs: Map<string, QueueDefinitions> }) {
    const center = this.centerDefs();
    const queues = [...r.queueDefs].filter(([n]) => !r.queues || r.queues.includes(n)).map(([queue, d]) => ({ queue, ...d }));
    return { center, queues, filter: filterBlock(r), statements: [...definitionStatements(center, r.locale), filterStatement(r)] };
  }

  /** Counters of the selected queues, each call once: legs that overflowed to another selected queue are taken out. */
  private inSet(c: QueueCounters, overflowInside: QueueCounters | undefined): QueueCounters {
    if (!overflowInside) return c;
    return { ...c, offered: c.offered - overflowInside.overflowed, overflowed: c.overflowed - overflowInside.overflowed };
  }

  /** One queue's figures over [from, to) under its own definitions: the wallboard's "today" (live equals historical). */
  async queueFigures(queue: string, from: Date, to: Date): Promise<{ figures: QueueFigures; definitions: QueueDefinitions }> {
    const definitions = (await this.acd.queues()).get(queue)?.defs ?? this.centerDefs();
    const [row] = await this.rollups('queue', { from, to, tz: 'UTC', queues: [queue], locale: 'en', windows: [[from.getTime(), to.getTime()]] }, ['queue']);
    return { figures: queueFigures(row ? countersOf(row) : emptyQueueCounters(), definitions), definitions };
  }

  async summary(q: BaseQuery & { interval: Interval }) {
    const r = await this.range(q, q.interval);
    const inside = r.queues ?? [...r.queueDefs.keys()];
    // Outbound calls belong to no queue: the whole center's, whatever queues are selected.
    const [rows, ovf, out] = await Promise.all([this.rollups('queue', r, ['bucket_at']), this.rollups('overflow', r, ['bucket_at'], r.queues ? inside : null), this.rollups(OUTBOUND_DIMENSION, { ...r, queues: null }, ['bucket_at'])]);
    const periods = new Map<string, QueueCounters[]>();
    const overflowByPeriod = new Map<string, QueueCounters[]>();
    const outboundByPeriod = new Map<string, QueueCounters[]>();
    for (const row of out) {
      const p = periodOf(toDate(row.bucket_at!).getTime(), q.interval, r.tz);
      outboundByPeriod.set(p, [...(outboundByPeriod.get(p) ?? []), row]);
      if (!periods.has(p)) periods.set(p, []);
    }
    for (const row of rows) {
      const p = periodOf(toDate(row.bucket_at!).getTime(), q.interval, r.tz);
      periods.set(p, [...(periods.get(p) ?? []), row]);
    }
    for (const row of ovf) {
      const p = periodOf(toDate(row.bucket_at!).getTime(), q.interval, r.tz);
      overflowByPeriod.set(p, [...(overflowByPeriod.get(p) ?? []), row]);
    }
    const d = this.centerDefs();
    const figures = (c: QueueCounters[], o: QueueCounters[] | undefined) => queueFigures(this.inSet(sumQueueCounters(c), o ? sumQueueCounters(o) : undefined), d);
    const items = [...periods.keys()].sort().map((period) => ({ period, ...figures(periods.get(period)!, overflowByPeriod.get(period)), ...outboundFigures(outboundByPeriod.get(period) ?? []) }));
    const total = { ...figures(rows, ovf), ...outboundFigures(out) };
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, interval: q.interval, queues: r.queues, items, total, definitions: this.definitionsBlock(r) };
  }

  /**
   * Service level and abandons by weekday and hour (heat map): every 15-minute bucket of the
   * range falls in the cell of its local weekday (1 = Monday … 7) and hour in `tz`; each cell's
   * figures are the center's (each call once) under the same definitions as the summary.
   */
  async heatmap(q: BaseQuery) {
    const r = await this.range(q);
    const inside = r.queues ?? [...r.queueDefs.keys()];
    const [rows, ovf] = await Promise.all([this.rollups('queue', r, ['bucket_at']), this.rollups('overflow', r, ['bucket_at'], r.queues ? inside : null)]);
    const cellOf = (b: string | Date) => {
      const p = localParts(toDate(b).getTime(), r.tz);
      const weekday = ((new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7) + 1;
      return `${weekday}|${p.hour}`;
    };
    const cells = new Map<string, { c: QueueCounters[]; o: QueueCounters[] }>();
    const cell = (k: string) => cells.get(k) ?? (cells.set(k, { c: [], o: [] }).get(k)!);
    for (const row of rows) cell(cellOf(row.bucket_at!)).c.push(row);
    for (const row of ovf) cell(cellOf(row.bucket_at!)).o.push(row);
    const d = this.centerDefs();
    const items = [...cells].map(([k, v]) => {
      const [weekday, hour] = k.split('|').map(Number) as [number, number];
      return { weekday, hour, ...pick(queueFigures(this.inSet(sumQueueCounters(v.c), v.o.length ? sumQueueCounters(v.o) : undefined), d)) };
    }).filter((i) => i.offered > 0).sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
    const cellText = r.locale === 'zh-CN'
      ? `每格：在 ${r.tz} 时区该星期几、该小时内进入队列的来电（整个中心，每通一次）；服务水平和放弃率的口径见下。`
      : `Each cell: the calls that entered a queue in that hour of that weekday in ${r.tz} (the whole center, each call once); service level and abandon rate as defined below.`;
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, queues: r.queues, items, cellDefinition: cellText, definitions: this.definitionsBlock(r) };
  }

  /**
   * The queue comparison: each queue's figures under its own definitions with its skill group,
   * a total per skill group and the total (each call once: a call that overflowed between two
   * queues of the set counts once).
   */
  async queues(q: BaseQuery) {
    const r = await this.range(q);
    const [rows, ovf, sat] = await Promise.all([this.rollups('queue', r, ['queue']), this.rollups('overflow', r, ['queue', 'dim_key'], r.queues ?? [...r.queueDefs.keys()]), this.satisfaction('queue', r.windows, r.queues)]);
    const groupOf = (queue: string) => r.skillGroupOf.get(queue) ?? null;
    const items = rows
      .map((row) => ({ queue: row.queue!, skillGroup: groupOf(row.queue!), serviceLevelSeconds: (r.queueDefs.get(row.queue!) ?? this.centerDefs()).serviceLevelSeconds, ...queueFigures(countersOf(row), r.queueDefs.get(row.queue!) ?? this.centerDefs()), ...satisfactionOf(sat.get(row.queue!)) }))
      .sort((a, b) => a.queue.localeCompare(b.queue));
    /** The figures of a set of queues, each call once (overflow from one queue of the set to another taken out). */
    const setFigures = (inSet: (queue: string) => boolean) => {
      const moved = ovf.filter((o) => inSet(o.queue!) && inSet(o.dim_key!));
      return queueFigures(this.inSet(sumQueueCounters(rows.filter((row) => inSet(row.queue!))), moved.length ? sumQueueCounters(moved) : undefined), this.centerDefs());
    };
    const groups = [...new Set(rows.map((row) => groupOf(row.queue!)).filter((g): g is string => !!g))].sort((a, b) => a.localeCompare(b));
    const satOfSet = (inSet: (queue: string) => boolean) => satisfactionOf(sumSurveyCounters([...sat].filter(([q]) => inSet(q)).map(([, c]) => c)));
    const skillGroups = groups.map((skillGroup) => ({ skillGroup, queues: items.filter((i) => i.skillGroup === skillGroup).map((i) => i.queue), ...setFigures((queue) => groupOf(queue) === skillGroup), ...satOfSet((queue) => groupOf(queue) === skillGroup) }));
    const total = { ...setFigures(() => true), ...satOfSet(() => true) };
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, items, skillGroups, total, definitions: this.definitionsBlock(r) };
  }

  async agents(q: BaseQuery & { agents?: string[] }) {
    const r = await this.range(q);
    const only = await this.checkAgents(q.agents);
    const known = await this.acd.agents();
    const [rows, out, sat] = await Promise.all([this.rollupsByKey('agent', r, ['dim_key'], only), this.rollups(OUTBOUND_DIMENSION, { ...r, queues: null }, ['dim_key'], only), this.satisfaction('agent', r.windows, r.queues)]);
    const calls = new Map(rows.map((row) => [row.dim_key!, row]));
    const outbound = new Map(out.filter((row) => row.dim_key).map((row) => [row.dim_key!, row]));
    const ids = only ?? [...new Set([...known.keys(), ...calls.keys(), ...outbound.keys()])];
    const times = agentTimes(await this.acd.timeline(ids, r.from, r.to), r.from.getTime(), r.to.getTime(), this.now().getTime(), r.windows);
    const items = ids.map((id) => {
      const c = calls.get(id);
      const t = times.get(id);
      const counters = { ...emptyAgentCounters(), handled: c?.answered ?? 0, talkSeconds: c?.talkSeconds ?? 0, holdSeconds: c?.holdSeconds ?? 0, wrapupSeconds: t?.wrapupSeconds ?? 0, loggedInSeconds: t?.loggedInSeconds ?? 0, breakSeconds: t?.breakSeconds ?? 0, readySeconds: t?.readySeconds ?? 0 };
      return {
        agentId: id,
        name: known.get(id)?.name ?? '',
        ...agentFigures(counters),
        breakByReason: t?.breakByReason ?? {},
        onCallSeconds: t?.onCallSeconds ?? 0,
        ringingSeconds: t?.ringingSeconds ?? 0,
        answeredWaitSeconds: c?.answeredWaitSeconds ?? 0,
        ...outboundFigures(outbound.has(id) ? [outbound.get(id)!] : []),
        ...satisfactionOf(sat.get(id)),
      };
    }).filter((a) => only || a.handled > 0 || a.loggedInSeconds > 0 || a.outboundCalls > 0).sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, items, definitions: this.definitionsBlock(r) };
  }

  async regions(q: BaseQuery & { level: 'province' | 'city' }) {
    const r = await this.range(q);
    const rows = await this.rollups(q.level === 'city' ? 'city' : 'region', r, ['dim_key']);
    const d = this.centerDefs();
    const items = rows
      // Over all queues each call counts once (its overflowed leg is not offered again).
      .map((row) => ({ region: row.dim_key!, label: regionLabel(row.dim_key!, r.locale), ...pick(queueFigures(r.queues ? countersOf(row) : centerCounters([countersOf(row)]), d)) }))
      .sort((a, b) => b.offered - a.offered || a.region.localeCompare(b.region));
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, level: q.level, items, definitions: this.definitionsBlock(r) };
  }

  async dispositions(q: BaseQuery) {
    const r = await this.range(q);
    const labels = await this.acd.queues();
    const rows = await this.rollups('disposition', r, ['queue', 'dim_key']);
    const items = rows
      .map((row) => ({ queue: row.queue!, code: row.dim_key!, label: row.dim_key ? labels.get(row.queue!)?.dispositions.get(row.dim_key)?.[r.locale] ?? row.dim_key : r.locale === 'zh-CN' ? '未选择' : 'none', calls: row.answered, talkSeconds: row.talkSeconds }))
      .sort((a, b) => a.queue.localeCompare(b.queue) || b.calls - a.calls || a.code.localeCompare(b.code));
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, items, definitions: this.definitionsBlock(r) };
  }

  /**
   * First-call resolution by the repeat-caller window: the answered calls that entered in the
   * range, judged by the calls of the same numbers up to the window after the range's end. Reads
   * the call facts (one per caller per queue; a caller's legs are one call), not the rollups.
   */
  async fcr(q: BaseQuery) {
    const r = await this.range(q);
    const d = this.centerDefs();
    const windowMs = d.repeatWindowHours * 3_600_000;
    const qb = this.db.getRepository(ReportCallFact).createQueryBuilder('f')
      .select(['f.uniqueid', 'f.source', 'f.callerNumber', 'f.joinedAt', 'f.outcome', 'f.queue'])
      .where('f.joined_at >= :from AND f.joined_at < :until', { from: r.from, until: new Date(r.to.getTime() + windowMs) });
    const facts = await qb.getMany();
    const calls = new Map<string, RepeatCall & { queues: string[] }>();
    for (const f of facts) {
      const k = `${f.source}\u0000${f.uniqueid}`;
      const c = calls.get(k) ?? { callerNumber: f.callerNumber, at: f.joinedAt.getTime(), answered: false, queues: [] };
      c.at = Math.min(c.at, f.joinedAt.getTime());
      c.answered ||= f.outcome === 'answered';
      c.queues.push(f.queue);
      calls.set(k, c);
    }
    // The calls judged: those that entered in the range's windows (weekdays, times of day); a repeat call counts at any time.
    const all = [...calls.values()].filter((c) => c.at >= r.from.getTime() && inWindows(c.at, r.windows));
    // Calls before the range do not count; calls of the selected queues are judged against every later call of the number.
    const judged = r.queues ? all.filter((c) => c.queues.some((x) => r.queues!.includes(x))) : all;
    const later = [...calls.values()];
    const result = firstCallResolution([...judged, ...later.filter((c) => !judged.includes(c)).map((c) => ({ ...c, answered: false }))], d.repeatWindowHours, r.to.getTime());
    const byTickets = this.contacts ? await this.ticketFcr(r, this.contacts) : null;
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, repeatWindowHours: d.repeatWindowHours, ...result, byTickets, definitions: this.definitionsBlock(r) };
  }

  /**
   * First-call resolution by tickets (fcr-tickets.ts): the tickets opened from a call in the
   * range, judged now by their status history and by the calls of the same numbers since.
   */
  private async ticketFcr(r: Range, c: ReportsContacts): Promise<TicketFcrResult> {
    const tickets = await c.ticketsFromCalls(r.from, r.to);
    const calls = new Map((await c.callsByIds([...new Set(tickets.map((t) => t.callId))])).map((x) => [x.id, x]));
    const judged: TicketContact[] = tickets.map((t) => {
      const call = calls.get(t.callId);
      return { ticketId: t.ticketId, callId: t.callId, callerNumber: call?.callerNumber ?? '', callAt: call?.startedAt.getTime() ?? 0, firstResolvedAt: t.firstResolvedAt?.getTime() ?? null, reopened: t.reopened };
    });
    const since = judged.reduce((m, t) => Math.min(m, t.callAt), Number.POSITIVE_INFINITY);
    const until = judged.reduce((m, t) => Math.max(m, t.firstResolvedAt ?? 0), 0);
    const numbers = [...new Set(judged.filter((t) => t.firstResolvedAt !== null).map((t) => t.callerNumber).filter(Boolean))];
    const later = numbers.length ? await c.callsOfNumbers(numbers, new Date(since), new Date(until)) : [];
    return ticketFirstContactResolution(judged, later.map((x): ContactCall => ({ id: x.id, callerNumber: x.callerNumber, at: x.startedAt.getTime() })));
  }

  async abandoned(q: BaseQuery & { limit: number; offset: number }) {
    const r = await this.range(q);
    const qb = this.db.getRepository(ReportCallFact).createQueryBuilder('f')
      .where('f.outcome = :o', { o: 'abandoned' })
      .andWhere(windowsWhere('f.joined_at', r.windows));
    if (r.queues) qb.andWhere('f.queue IN (:...queues)', { queues: r.queues });
    const [rows, total] = await qb.orderBy('f.joined_at', 'DESC').addOrderBy('f.id', 'DESC').skip(q.offset).take(q.limit).getManyAndCount();
    const oldest = rows.reduce((m, f) => Math.min(m, f.joinedAt.getTime()), Number.POSITIVE_INFINITY);
    const cbs = rows.length ? await this.acd.callbacks([...new Set(rows.map((f) => f.callerNumber).filter(Boolean))], new Date(oldest)) : [];
    const agents = cbs.some((c) => c.agentId) ? await this.acd.agents() : new Map<string, { name: string }>();
    const d = (queue: string) => r.queueDefs.get(queue) ?? this.centerDefs();
    const items = rows.map((f) => {
      // The latest callback to the number since the call (one that failed may have been asked for again).
      const cb = cbs.filter((c) => c.number === f.callerNumber && c.requestedAt.getTime() >= f.joinedAt.getTime()).sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime())[0];
      return {
        id: f.id,
        at: f.joinedAt.toISOString(),
        queue: f.queue,
        callerNumber: f.callerNumber,
        waitSeconds: f.waitSeconds,
        joinPosition: f.joinPosition,
        abandonPosition: f.abandonPosition,
        short: f.waitSeconds < d(f.queue).shortAbandonSeconds,
        region: f.region,
        regionLabel: regionLabel(f.city, r.locale),
        callback: cb ? { status: cb.status, queue: cb.queue, requestedAt: cb.requestedAt.toISOString(), endedAt: cb.endedAt?.toISOString() ?? null, agentId: cb.agentId, agentName: cb.agentId ? (agents.get(cb.agentId)?.name ?? null) : null, attempts: cb.attempts } : null,
      };
    });
    return { from: r.from.toISOString(), to: r.to.toISOString(), tz: r.tz, total, limit: q.limit, offset: q.offset, items, definitions: this.definitionsBlock(r) };
  }

  /** The calls behind a figure of a report, a page at a time (report-calls.ts). */
  async calls(q: CallsQuery) {
    const r = await this.range(q, 'day');
    const agents = await this.checkAgents(q.agents);
    const names = new Map([...(await this.acd.agents())].map(([id, a]) => [id, a.name]));
    const queueDefs = r.queues ? new Map([...r.queueDefs].filter(([n]) => r.queues!.includes(n))) : r.queueDefs;
    return drillDown(this.db, { ...r, queueDefs, figure: q.figure, ...(q.period ? { period: { label: q.period, interval: q.interval } } : {}), agents, agentNames: names, limit: q.limit, offset: q.offset }, this.centerDefs());
  }
}

/**
 * The outbound figures of outbound rollup rows (rollup.ts OUTBOUND_DIMENSION: offered = placed,
 * answered = connected, talk_seconds = talk after the answer).
 */
export function outboundFigures(rows: QueueCounters[]): { outboundCalls: number; outboundConnected: number; outboundConnectRate: number | null; outboundTalkSeconds: number; outboundAvgTalkSeconds: number | null } {
  const placed = rows.reduce((n, x) => n + x.offered, 0);
  const connected = rows.reduce((n, x) => n + x.answered, 0);
  const talk = rows.reduce((n, x) => n + x.talkSeconds, 0);
  return {
    outboundCalls: placed,
    outboundConnected: connected,
    outboundConnectRate: placed ? Math.round((connected / placed) * 10_000) / 10_000 : null,
    outboundTalkSeconds: talk,
    outboundAvgTalkSeconds: connected ? Math.round((talk / connected) * 10) / 10 : null,
  };
}

function pick(f: ReturnType<typeof queueFigures>) {
  return { offered: f.offered, answered: f.answered, abandoned: f.abandoned, abandonedShort: f.abandonedShort, callbacks: f.callbacks, serviceLevel: f.serviceLevel, abandonRate: f.abandonRate, asaSeconds: f.asaSeconds };
}

export type SummaryReport = Awaited<ReturnType<ReportsService['summary']>>;

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** The filters applied, as a report returns them. */
function filterBlock(r: Range) {
  const d = r.day ?? { weekdays: null, dayStart: 0, dayEnd: 1440 };
  return { weekdays: d.weekdays, dayStart: hhmm(d.dayStart), dayEnd: hhmm(d.dayEnd), skillGroups: r.skillGroups ?? null, queues: r.queues };
}

/** The statement of the filters applied (printed with the definitions, on screen and in the .xlsx). */
function filterStatement(r: Range): { key: string; name: string; text: string } {
  const day = dayFilterText(r.day ?? { weekdays: null, dayStart: 0, dayEnd: 1440 }, r.tz, r.locale);
  const groups = r.skillGroups?.length ? r.skillGroups.join(r.locale === 'zh-CN' ? '、' : ', ') : null;
  const queues = r.queues ? r.queues.join(r.locale === 'zh-CN' ? '、' : ', ') : null;
  if (r.locale === 'zh-CN') {
    const q = groups ? `技能组 ${groups}（队列：${queues}）` : queues ? `队列 ${queues}` : '全部队列';
    return { key: 'filter', name: '筛选条件', text: `${day}：只统计在这些时段进入队列的来电，坐席时长也只计这些时段内的部分。范围：${q}。` };
  }
  const q = groups ? `skill group${r.skillGroups!.length > 1 ? 's' : ''} ${groups} (queues ${queues})` : queues ? `queues ${queues}` : 'all queues';
  return { key: 'filter', name: 'Filter', text: `${day[0]!.toUpperCase()}${day.slice(1)}: only calls that entered a queue in these hours count, and agent time only inside them. Scope: ${q}.` };
}
