// Excel/CSV import and export: starts import jobs from uploads (every whole-file check runs
// before the job exists, so a bad file is a 4xx and nothing else), answers for jobs, their
// reports and cancellation, streams exports and templates, keeps saved column mappings.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { CrmService } from '../crm/crm.service.js';
import type { CustomerFilters } from '../crm/customer-filters.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CallExportFilter, CallRecordPager } from '../calls/calls.pager.js';
import { CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, type RowOptions } from './customer-import.js';
import { runCustomerImport } from './customer-run.js';
import { exportCalls, exportCustomers, type Lang } from './exports.js';
import { HeaderDictionary, normalizeHeader } from './headers.js';
import { ImportMapping, type ImportMode } from './io.entities.js';
import { JobFinishedError, ReportNotReadyError } from './io.errors.js';
import type { MappingColumns } from './io.schemas.js';
import { FINAL, ImportJobs, type JobView, type LiveJob } from './jobs.js';
import type { IoLimits } from './limits.js';
import { prepareSheet, type PreparedSheet } from './prepare.js';
import { declaredFormat, detectFormat, type Format } from './sniff.js';
import { writeCustomerTemplate } from './templates.js';
import { spoolUpload } from './upload.js';
import { logFailure } from '../log-failure.js';

export type ImportType = 'customers';

export interface IoServiceDeps {
  db: DataSource;
  crm: CrmService;
  log: Logger;
  limits: IoLimits;
  /** Uploads in flight and error reports (reports are kept limits.reportRetentionDays). */
  workDir: string;
  calls: CallRecordPager;
  jobs: ImportJobs;
  rowOptions: RowOptions;
}

export interface ImportRequest {
  body: IncomingMessage;
  contentType?: string;
  format?: Format;
  mode: ImportMode;
  fileName?: string;
}

const CANCEL_WAIT_MS = 10_000;

export class IoService {
  private readonly uploads: string;
  private readonly reports: string;
  private readonly startedAt = new Date();

  constructor(private readonly deps: IoServiceDeps) {
    this.uploads = join(deps.workDir, 'uploads');
    this.reports = join(deps.workDir, 'reports');
  }

  /** Checks and opens the upload, then queues the import; the returned job runs on. */
  async startCustomerImport(req: ImportRequest): Promise<LiveJob> {
    const declared = declaredFormat(req.contentType, req.format);
    await mkdir(this.uploads, { recursive: true });
    await mkdir(this.reports, { recursive: true });
    const id = randomUUID();
    const upload = join(this.uploads, `${id}.upload`);
    await spoolUpload(req.body, upload, this.deps.limits.maxUploadBytes, this.deps.log);
    let live: LiveJob;
    let prepared: PreparedSheet | undefined;
    try {
      const format = await detectFormat(upload, declared);
      prepared = await prepareSheet(upload, format, this.deps.limits, CUSTOMER_FIELDS, await this.dictionary('customers'));
      live = await this.deps.jobs.create({
        id,
        type: 'customers',
        mode: req.mode,
        format,
        fileName: req.fileName ?? null,
        rowsTotal: prepared.dataRows,
        ignoredColumns: JSON.stringify(prepared.map.ignored),
      });
    } catch (err) {
      await prepared?.close();
      await rm(upload, { force: true });
      throw err;
    }
    const files = { staging: join(this.uploads, `${id}.staging`), report: join(this.reports, `${id}.xlsx`) };
    const ready = prepared;
    this.deps.jobs.enqueue(live, async (l) => {
      try {
        if (FINAL.has(l.job.status)) await ready.close(); // cancelled while queued
        else await runCustomerImport(this.deps, l, ready, files);
      } finally {
        await rm(upload, { force: true });
      }
    });
    void this.sweepReports();
    return live;
  }

  getJob(id: string): Promise<JobView> {
    return this.deps.jobs.get(id);
  }

  /** Cancels a queued or running import and waits (briefly) for it to stop. */
  async cancel(id: string): Promise<JobView> {
    const live = await this.deps.jobs.cancel(id);
    if (!live) {
      const job = await this.deps.jobs.get(id);
      throw new JobFinishedError(id, job.status);
    }
    if (!FINAL.has(live.job.status)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([live.done, new Promise((r) => (timer = setTimeout(r, CANCEL_WAIT_MS)))]);
      clearTimeout(timer);
    }
    const job = await this.deps.jobs.get(id);
    if (FINAL.has(job.status) && job.status !== 'cancelled') throw new JobFinishedError(id, job.status);
    return job;
  }

  /** The error report of a finished import: its path on disk. */
  async reportPath(id: string): Promise<string> {
    const job = await this.deps.jobs.row(id);
    if (!FINAL.has(job.status)) throw new ReportNotReadyError(id);
    const path = job.reportFile ? join(this.reports, job.reportFile) : null;
    const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
    if (!path || !(await stat(path).catch(logFailure(this.deps.log, 'reading an import report', { context: { id }, fallback: null, expected: missing })))) throw new NotFoundError('error report of import', id);
    return path;
  }

  exportCustomers(out: Writable, filter: CustomerFilters, lang: Lang): Promise<number> {
    return exportCustomers(this.deps.crm, out, filter, lang, this.deps.limits.batchSize * 2);
  }

  exportCalls(out: Writable, filter: CallExportFilter, lang: Lang): Promise<number> {
    return exportCalls(this.deps.calls, out, filter, lang, this.deps.limits.batchSize * 2);
  }

  template(type: ImportType, out: Writable, lang: Lang): Promise<void> {
    return writeCustomerTemplate(out, lang);
  }

  async getMapping(type: ImportType) {
    return {
      type,
      columns: await this.savedColumns(type),
      fields: CUSTOMER_FIELDS.map((f) => ({ key: f.key, required: f.required, multiple: Boolean(f.multiple), headers: [f.label.zh, f.label.en, ...f.headers] })),
    };
  }

  async putMapping(type: ImportType, columns: MappingColumns) {
    const seen = new Map<string, string>();
    for (const c of columns) seen.set(normalizeHeader(c.header), c.header);
    const unique = columns.filter((c) => seen.get(normalizeHeader(c.header)) === c.header);
    await this.deps.db.getRepository(ImportMapping).save({ type, columns: JSON.stringify(unique), updatedAt: new Date() });
    return this.getMapping(type);
  }

  /** Marks jobs that a stopped process left queued or running as failed. */
  recoverInterrupted(): Promise<number> {
    return this.deps.jobs.recoverInterrupted(this.startedAt);
  }

  private async savedColumns(type: ImportType): Promise<MappingColumns> {
    const row = await this.deps.db.getRepository(ImportMapping).findOne({ where: { type } });
    if (!row) return [];
    const parsed = JSON.parse(row.columns) as unknown;
    return Array.isArray(parsed)
      ? parsed.filter((c): c is MappingColumns[number] => typeof c?.header === 'string' && typeof c?.field === 'string')
      : [];
  }

  private async dictionary(type: ImportType): Promise<HeaderDictionary> {
    const saved = new Map((await this.savedColumns(type)).map((c) => [c.header, c.field] as const));
    return new HeaderDictionary(CUSTOMER_FIELDS, CUSTOMER_IGNORED_HEADERS, saved);
  }

  private async sweepReports(): Promise<void> {
    const cutoff = Date.now() - this.deps.limits.reportRetentionDays * 86_400_000;
    try {
      for (const name of await readdir(this.reports)) {
        const path = join(this.reports, name);
        if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
      }
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not sweep old import reports');
    }
  }
}
