// Scheduled report delivery: daily or weekly, the chosen reports as .xlsx attachments by SMTP.
//
// Each run is one scheduler job (kind `reports.email`, key `<schedule>@<run time>`, or
// `<schedule>@manual-<ms>` for "send now"), so it runs exactly once across nodes: the scheduler
// claims the job with a conditional UPDATE and marks it done in the transaction the e-mail is
// sent in. A failed send rolls back and is retried with a backoff (HOTLINE_REPORT_MAIL_*); the
// job keeps attempts and the SMTP error, which the schedule's status shows. A run that
// succeeds, or is given up, plans the schedule's next run.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobStatusView, JobView, SchedulerService } from '../scheduler/index.js';
import type { Mailer } from '../mail/mailer.js';
import { mailJobState } from '../mail/mail-state.js';
import { validTimezone } from './report-time.js';
import { reportSheetName, reportXlsxBuffer } from './reports.export.js';
import type { ExportQuery, ReportKind } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';
import { localDay, nextRun, periodOfRun, type Frequency, type ScheduleTiming } from './schedule-time.js';
import { ReportSchedule } from './schedules.entities.js';
import type { ScheduleBody } from './schedules.schemas.js';

export const REPORT_MAIL_JOB = 'reports.email';

interface MailJob { scheduleId: string; runAt: string; from: string; to: string; manual: boolean }

export interface ScheduleMailOptions {
  from: string;
  attempts: number;
  retryMs: number;
  log: Logger;
}

type Locale = 'zh-CN' | 'en';

function timing(s: ReportSchedule): ScheduleTiming {
  return { frequency: s.frequency as Frequency, time: s.timeOfDay, weekday: s.weekday, tz: s.tz };
}

/** A run's state as the console shows it. */
const runState = mailJobState;

/** A schedule's stored filters, as the API gives them. */
function filtersOf(s: ReportSchedule) {
  return {
    queues: s.queues ? (JSON.parse(s.queues) as string[]) : null,
    weekdays: s.weekdays ? (JSON.parse(s.weekdays) as number[]) : null,
    dayStart: s.dayStart,
    dayEnd: s.dayEnd,
    skillGroups: s.skillGroups ? (JSON.parse(s.skillGroups) as string[]) : null,
  };
}

/** A schedule's filters as a report query takes them (nothing for no filter). */
function filterQuery(f: { queues: string[] | null; weekdays: number[] | null; dayStart: string | null; dayEnd: string | null; skillGroups: string[] | null }) {
  return {
    ...(f.queues?.length ? { queues: f.queues } : {}),
    ...(f.weekdays?.length ? { weekdays: f.weekdays.map(String) } : {}),
    ...(f.dayStart ? { dayStart: f.dayStart } : {}),
    ...(f.dayEnd ? { dayEnd: f.dayEnd } : {}),
    ...(f.skillGroups?.length ? { skillGroups: f.skillGroups } : {}),
  };
}

export class ReportSchedulesService {
  constructor(
    private readonly db: DataSource,
    private readonly scheduler: SchedulerService,
    private readonly reports: ReportsService,
    private readonly mailer: Mailer | null,
    private readonly opts: ScheduleMailOptions,
  ) {
    scheduler.register<MailJob>(REPORT_MAIL_JOB, (job, m) => this.run(job, m), {
      retry: { maxAttempts: opts.attempts, baseBackoffMs: opts.retryMs, maxBackoffMs: 30 * 60_000 },
      onGiveUp: (job) => this.afterGiveUp(job),
    });
  }

  private async check(body: ScheduleBody): Promise<void> {
    const bad = (field: string, message: string): never => {
      throw new ValidationError(`invalid body: ${field}: ${message}`, [{ field, message }]);
    };
    if (!validTimezone(body.tz)) bad('tz', `unknown timezone ${body.tz.slice(0, 64)}`);
    // The reports' own filter check (unknown queues or skill groups, an empty intersection, times
    // of day): refused the same way, naming the field.
    await this.reports.range({ from: '2026-01-01', to: '2026-01-02', tz: body.tz, locale: 'en', ...filterQuery(body) }).catch((err: unknown) => {
      const m = err instanceof ValidationError ? /^invalid query: (queues|skillGroups|weekdays|dayStart|dayEnd): (.*)$/s.exec(err.message) : null;
      if (m) bad(m[1]!, m[2]!);
      throw err;
    });
  }

  async list() {
    const rows = await this.db.manager.find(ReportSchedule, { order: { createdAt: 'ASC' } });
    return Promise.all(rows.map((s) => this.view(s)));
  }

  async get(id: string) {
    return this.view(await this.row(id));
  }

  private async row(id: string, m: EntityManager = this.db.manager): Promise<ReportSchedule> {
    const s = await m.findOne(ReportSchedule, { where: { id } });
    if (!s) throw new NotFoundError('report schedule', id);
    return s;
  }

  async create(body: ScheduleBody, actor: string) {
    await this.check(body);
    const now = new Date();
    const s: ReportSchedule = Object.assign(new ReportSchedule(), { id: randomUUID(), createdBy: actor.slice(0, 128), createdAt: now, updatedAt: now }, this.fields(body));
    await this.db.transaction(async (m) => {
      await m.insert(ReportSchedule, s);
      if (s.enabled) await this.planNext(s, now.getTime(), m);
    });
    return this.view(s);
  }

  async update(id: string, body: ScheduleBody) {
    await this.check(body);
    const s = await this.db.transaction(async (m) => {
      const s = Object.assign(await this.row(id, m), this.fields(body), { updatedAt: new Date() });
      await m.save(ReportSchedule, s);
      await this.cancelPlanned(id, m);
      if (s.enabled) await this.planNext(s, Date.now(), m);
      return s;
    });
    return this.view(s);
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.row(id, m);
      await this.cancelPlanned(id, m, true);
      await m.delete(ReportSchedule, { id });
    });
  }

  /** Sends the schedule's last complete period now (a job of its own: retried, shown, sent once). */
  async sendNow(id: string) {
    const s = await this.row(id);
    const now = Date.now();
    const period = periodOfRun(timing(s), now);
    const key = `${s.id}@manual-${now}`;
    const payload: MailJob = { scheduleId: s.id, runAt: new Date(now).toISOString(), from: period.from.toISOString(), to: period.to.toISOString(), manual: true };
    await this.scheduler.schedule(REPORT_MAIL_JOB, key, new Date(now), payload);
    return { key, from: payload.from, to: payload.to };
  }

  /** At start: every enabled schedule has its next run planned (repairs a chain cut by a crash). */
  async planAll(): Promise<number> {
    const rows = await this.db.manager.find(ReportSchedule, { where: { enabled: true } });
    let planned = 0;
    for (const s of rows) {
      const jobs = await this.scheduler.list(REPORT_MAIL_JOB, `${s.id}@`, 10);
      if (jobs.some((j) => !j.key.includes('@manual-') && (j.status === 'pending' || j.status === 'running'))) continue;
      await this.planNext(s, Date.now());
      planned++;
    }
    return planned;
  }

  private fields(b: ScheduleBody) {
    return {
      name: b.name,
      frequency: b.frequency,
      timeOfDay: b.time,
      weekday: b.frequency === 'weekly' ? b.weekday : null,
      tz: b.tz,
      reports: JSON.stringify([...new Set(b.reports)]),
      queues: b.queues?.length ? JSON.stringify([...new Set(b.queues)]) : null,
      weekdays: b.weekdays?.length ? JSON.stringify([...new Set(b.weekdays)].sort((x, y) => x - y)) : null,
      dayStart: b.dayStart,
      dayEnd: b.dayEnd,
      skillGroups: b.skillGroups?.length ? JSON.stringify([...new Set(b.skillGroups)]) : null,
      locale: b.locale,
      recipients: JSON.stringify([...new Set(b.recipients.map((r) => r.trim()))]),
      enabled: b.enabled,
    };
  }

  private async planNext(s: ReportSchedule, afterMs: number, m?: EntityManager): Promise<void> {
    const run = nextRun(timing(s), afterMs);
    const period = periodOfRun(timing(s), run.getTime());
    const payload: MailJob = { scheduleId: s.id, runAt: run.toISOString(), from: period.from.toISOString(), to: period.to.toISOString(), manual: false };
    await this.scheduler.schedule(REPORT_MAIL_JOB, `${s.id}@${run.toISOString()}`, run, payload, m);
  }

  /** Cancels planned runs not tried yet (a run being retried goes on), or every open run. */
  private async cancelPlanned(id: string, m: EntityManager, all = false): Promise<void> {
    for (const j of await this.scheduler.list(REPORT_MAIL_JOB, `${id}@`, 50)) {
      if (j.status === 'pending' && (all || j.attempts === 0)) await this.scheduler.cancel(REPORT_MAIL_JOB, j.key, m);
    }
  }

  private async afterGiveUp(job: JobView<MailJob>): Promise<void> {
    if (job.payload.manual) return;
    const s = await this.db.manager.findOne(ReportSchedule, { where: { id: job.payload.scheduleId } });
    if (s?.enabled) await this.planNext(s, Date.parse(job.payload.runAt));
  }

  /** One run: the reports of the period as .xlsx, one e-mail to every recipient. */
  private async run(job: JobView<MailJob>, m: EntityManager): Promise<void> {
    const p = job.payload;
    const s = await m.findOne(ReportSchedule, { where: { id: p.scheduleId } });
    if (!s) return; // deleted since: nothing to send
    if (!p.manual) {
      if (!s.enabled) return;
      await this.planNext(s, Date.parse(p.runAt), m);
    }
    if (!this.mailer) throw new Error('no SMTP server configured (HOTLINE_SMTP_HOST)');
    const locale = s.locale as Locale;
    const kinds = JSON.parse(s.reports) as ReportKind[];
    const q: ExportQuery = { from: p.from, to: p.to, tz: s.tz, ...filterQuery(filtersOf(s)), locale, interval: s.frequency === 'daily' ? 'hour' : 'day', level: 'province' };
    const day = localDay(Date.parse(p.from), s.tz);
    const lastDay = localDay(Date.parse(p.to) - 1, s.tz);
    const span = day === lastDay ? day : `${day} – ${lastDay}`;
    const attachments = [];
    for (const kind of kinds) {
      attachments.push({ filename: `${kind}-${day}.xlsx`, content: await reportXlsxBuffer(this.reports, kind, q), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    }
    const summary = await this.reports.summary({ ...q, interval: 'day' });
    const total = summary.total;
    const filter = summary.definitions.statements.find((x) => x.key === 'filter');
    const zh = locale === 'zh-CN';
    const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
    const text = [
      zh ? `${s.name}：${span}（${s.tz}）` : `${s.name}: ${span} (${s.tz})`,
      '',
      `${zh ? '进线' : 'Offered'}: ${total.offered}`,
      `${zh ? '接通' : 'Answered'}: ${total.answered}`,
      `${zh ? '放弃' : 'Abandoned'}: ${total.abandoned}`,
      `${zh ? '服务水平' : 'Service level'}: ${pct(total.serviceLevel)}`,
      `${zh ? '放弃率' : 'Abandon rate'}: ${pct(total.abandonRate)}`,
      zh ? `外呼: ${total.outboundCalls}（接通 ${total.outboundConnected}）` : `Outbound calls: ${total.outboundCalls} (connected ${total.outboundConnected})`,
      '',
      ...(filter ? [`${filter.name}: ${filter.text}`, ''] : []),
      zh ? `附件：${kinds.map((k) => reportSheetName(k, locale)).join('、')}（.xlsx，含口径说明）` : `Attached: ${kinds.map((k) => reportSheetName(k, locale)).join(', ')} (.xlsx, with the definitions used)`,
    ].join('\n');
    const subject = zh ? `Hotline 报表：${s.name} ${span}` : `Hotline report: ${s.name} ${span}`;
    const sent = await this.mailer.send({ from: this.opts.from, to: JSON.parse(s.recipients) as string[], subject, text, attachments });
    this.opts.log.info({ schedule: s.id, job: job.key, attempt: job.attempts, messageId: sent.messageId, recipients: sent.accepted.length }, 'scheduled report sent');
  }

  private async view(s: ReportSchedule) {
    const runs = await this.scheduler.list(REPORT_MAIL_JOB, `${s.id}@`, 10);
    const shown = runs.filter((j) => j.status !== 'cancelled');
    const next = shown.filter((j) => j.status === 'pending' && j.attempts === 0 && !j.key.includes('@manual-')).map((j) => j.dueAt).sort((a, b) => a.getTime() - b.getTime())[0];
    const last = shown.filter((j) => j.attempts > 0 || j.status !== 'pending').sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
    return {
      id: s.id,
      name: s.name,
      frequency: s.frequency as Frequency,
      time: s.timeOfDay,
      weekday: s.weekday,
      tz: s.tz,
      reports: JSON.parse(s.reports) as ReportKind[],
      ...filtersOf(s),
      locale: s.locale as Locale,
      recipients: JSON.parse(s.recipients) as string[],
      enabled: s.enabled,
      createdBy: s.createdBy,
      nextRunAt: next?.toISOString() ?? null,
      /** The latest run tried: sent, retrying (with the error), failed (given up) or sending. */
      lastRun: last ? { state: runState(last), at: (last.doneAt ?? last.updatedAt).toISOString(), attempts: last.attempts, error: last.lastError, node: last.claimedBy, nextTryAt: runState(last) === 'retrying' ? last.dueAt.toISOString() : null } : null,
      runs: shown.map((j) => ({ key: j.key, state: runState(j), dueAt: j.dueAt.toISOString(), attempts: j.attempts, error: j.lastError, sentAt: j.doneAt?.toISOString() ?? null, node: j.claimedBy })),
    };
  }
}
