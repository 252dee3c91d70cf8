// Import jobs: persisted in io_import_jobs (status, progress, counts, errors), run one at a
// time in this process, cancellable, with live progress on an event emitter (for the
// WebSocket) and in GET between the (throttled) database writes.
import { EventEmitter } from 'node:events';
import { In, LessThan, type DataSource, type Repository } from 'typeorm';
import { NotFoundError, type AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ImportJob, type JobStatus } from './io.entities.js';
import { logFailure } from '../log-failure.js';

export interface JobView {
  id: string;
  type: string;
  mode: ImportJob['mode'];
  format: string;
  fileName: string | null;
  status: JobStatus;
  phase: string | null;
  progress: { rowsDone: number; rowsTotal: number };
  counts: { total: number; created: number; updated: number; unchanged: number; rejected: number; merged: number };
  /** Rows merged into an earlier row of the file: the same customer twice (the first 100). */
  merged: Array<{ row: number; into: number }>;
  applied: boolean;
  cancelRequested: boolean;
  errors: Array<{ row: number; column?: string; message: string; code?: string; params?: Record<string, string | number> }>;
  ignoredColumns: string[];
  error: { code: string; message: string } | null;
  hasReport: boolean;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface IoEventMap {
  progress: [JobView];
  finished: [JobView];
}

/** Progress and results of import jobs, for the lead to push on the WebSocket. */
export class IoEvents extends EventEmitter<IoEventMap> {}

export const FINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'rejected', 'failed', 'cancelled']);

export function jobView(j: ImportJob, cancelRequested = false): JobView {
  return {
    id: j.id,
    type: j.type,
    mode: j.mode,
    format: j.format,
    fileName: j.fileName,
    status: j.status,
    phase: j.phase,
    progress: { rowsDone: j.rowsDone, rowsTotal: j.rowsTotal },
    counts: { total: j.rowsTotal, created: j.createdCount, updated: j.updatedCount, unchanged: j.unchangedCount, rejected: j.rejectedCount, merged: j.mergedCount },
    merged: j.merged ? (JSON.parse(j.merged) as JobView['merged']) : [],
    applied: Boolean(j.applied),
    cancelRequested,
    errors: j.errors ? (JSON.parse(j.errors) as JobView['errors']) : [],
    ignoredColumns: j.ignoredColumns ? (JSON.parse(j.ignoredColumns) as string[]) : [],
    error: j.errorCode ? { code: j.errorCode, message: j.message ?? '' } : null,
    hasReport: Boolean(j.reportFile),
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    finishedAt: j.finishedAt,
  };
}

/** A job while it runs in this process: the row (kept current in memory) and its cancel flag. */
export class LiveJob {
  cancelRequested = false;
  /** The 4xx that ended the job, for a caller waiting on it. */
  error: AppError | null = null;
  private lastSaved = 0;
  /** Settles when the job's work is over, its files cleaned up included. */
  readonly done: Promise<void>;
  settle!: () => void;

  constructor(
    readonly job: ImportJob,
    private readonly jobs: ImportJobs,
  ) {
    this.done = new Promise((r) => (this.settle = r));
  }

  /** Updates the row in memory, emits progress, and saves at most every `everyMs`. */
  async progress(patch: Partial<ImportJob>, save: 'throttled' | 'now' | 'never' = 'throttled', everyMs = 1000): Promise<void> {
    Object.assign(this.job, patch, { updatedAt: new Date() });
    this.jobs.events.emit('progress', jobView(this.job, this.cancelRequested));
    if (save === 'never' || (save === 'throttled' && Date.now() - this.lastSaved < everyMs)) return;
    this.lastSaved = Date.now();
    await this.jobs.save(this.job);
  }

  /** Saves the final state, then shows it (GET, events): a job reads as ended only once that is stored and announced. */
  async finish(patch: Partial<ImportJob>): Promise<void> {
    const final = { ...patch, phase: null, finishedAt: new Date(), updatedAt: new Date() };
    try {
      await this.jobs.save(Object.assign(new ImportJob(), this.job, final));
    } finally {
      Object.assign(this.job, final);
      this.jobs.events.emit('finished', jobView(this.job, this.cancelRequested));
    }
  }
}

export class ImportJobs {
  readonly events = new IoEvents();
  private readonly repo: Repository<ImportJob>;
  private readonly live = new Map<string, LiveJob>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    db: DataSource,
    private readonly log: Logger,
  ) {
    this.repo = db.getRepository(ImportJob);
  }

  save(job: ImportJob): Promise<ImportJob> {
    return this.repo.save(job);
  }

  async create(fields: Pick<ImportJob, 'id' | 'type' | 'mode' | 'format' | 'fileName' | 'rowsTotal' | 'ignoredColumns'>): Promise<LiveJob> {
    const now = new Date();
    const job = this.repo.create({
      ...fields,
      status: 'queued',
      phase: null,
      rowsDone: 0,
      createdCount: 0,
      updatedCount: 0,
      unchangedCount: 0,
      rejectedCount: 0,
      mergedCount: 0,
      merged: null,
      applied: false,
      errors: null,
      errorCode: null,
      message: null,
      reportFile: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    });
    await this.repo.insert(job);
    const live = new LiveJob(job, this);
    this.live.set(job.id, live);
    void live.done.then(() => this.live.delete(job.id));
    return live;
  }

  /** Runs jobs one after another (one import writes at a time); `work` must finish the job
   *  (or, for a job cancelled while queued, only clean up). */
  enqueue(live: LiveJob, work: (live: LiveJob) => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      try {
        await work(live);
      } catch (err) {
        this.log.error({ err: (err as Error).message, job: live.job.id }, 'import job failed');
        if (FINAL.has(live.job.status)) return;
        const message = live.job.applied ? 'the import failed after its rows were written' : 'the import failed; nothing was imported';
        await live.finish({ status: 'failed', errorCode: 'internal', message }).catch(logFailure(this.log, 'marking the import job failed', { level: 'error', context: { job: live.job.id } }));
      } finally {
        live.settle();
      }
    });
  }

  /** Flags a running job (it stops at its next check) or ends a queued one at once. */
  async cancel(id: string): Promise<LiveJob | null> {
    const live = this.live.get(id);
    if (!live) return null;
    if (live.cancelRequested) return live;
    live.cancelRequested = true;
    if (live.job.status === 'queued') await live.finish({ status: 'cancelled', message: 'cancelled before it started; nothing was imported' });
    else this.events.emit('progress', jobView(live.job, true));
    return live;
  }

  liveJob(id: string): LiveJob | undefined {
    return this.live.get(id);
  }

  async get(id: string): Promise<JobView> {
    const live = this.live.get(id);
    if (live) return jobView(live.job, live.cancelRequested);
    const job = await this.repo.findOne({ where: { id } });
    if (!job) throw new NotFoundError('import', id);
    return jobView(job);
  }

  async row(id: string): Promise<ImportJob> {
    const job = this.live.get(id)?.job ?? (await this.repo.findOne({ where: { id } }));
    if (!job) throw new NotFoundError('import', id);
    return job;
  }

  /** Jobs left queued or running by a process that stopped: they did not finish. */
  async recoverInterrupted(startedBefore: Date): Promise<number> {
    const stale = await this.repo.find({ where: { status: In(['queued', 'running']), createdAt: LessThan(startedBefore) } });
    for (const job of stale) {
      if (this.live.has(job.id)) continue;
      Object.assign(job, { status: 'failed', phase: null, errorCode: 'interrupted', message: 'Hotline stopped while the import ran; nothing was imported', finishedAt: new Date(), updatedAt: new Date() });
      await this.repo.save(job);
    }
    return stale.length;
  }
}
