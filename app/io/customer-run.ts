// The customer import itself, in the job runner: read and validate every row (staging the
// rows for the report; the same customer twice in the file is merged into its first row,
// other duplicates within the file are refused: customer-merge.ts), then classify / write them in
// batches (one transaction for a real run; read-only for a dry run or an all-or-nothing run
// that already has bad rows), then the error report.
//
// SQLite note: TypeORM shares one better-sqlite3 connection, so the write transaction never
// gives the event loop a turn (rows come back from the staging file with synchronous reads):
// no other request's query can run inside it and be rolled back with it.
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import type { CustomerUpsertRow } from '../crm/crm.bulk.js';
import type { CrmService } from '../crm/crm.service.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { validateCustomerRow, type RowError, type RowOptions } from './customer-import.js';
import { InFileRows } from './customer-merge.js';
import type { ImportJob } from './io.entities.js';
import type { LiveJob } from './jobs.js';
import type { IoLimits } from './limits.js';
import type { PreparedSheet } from './prepare.js';
import { writeReport } from './report.js';
import { StagingBatches, StagingWriter } from './staging.js';

const MAX_JOB_ERRORS = 100;

class Cancelled extends Error {}
class Rollback extends Error {}

export interface RunDeps {
  db: DataSource;
  crm: CrmService;
  limits: IoLimits;
  log: Logger;
  rowOptions: RowOptions;
}

export interface MergedRow {
  row: number;
  into: number;
}

export interface RunFiles {
  staging: string;
  report: string;
}

export async function runCustomerImport(deps: RunDeps, live: LiveJob, prepared: PreparedSheet, files: RunFiles): Promise<void> {
  const job = live.job;
  const errors: RowError[] = [];
  const note = (e: RowError) => void (errors.length < MAX_JOB_ERRORS && errors.push(e));
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const conflicts = new Map<number, string>();
  const staging = new StagingWriter(files.staging);
  const batchSize = deps.limits.batchSize;
  try {
    await live.progress({ status: 'running', phase: 'reading', rowsDone: 0 }, 'now');
    const { read, valid, inFile, merged } = await readRows(prepared, staging, live, note, deps.rowOptions);
    counts.rejected = read - valid - inFile.mergedCount;
    await staging.close();
    if (live.cancelRequested) throw new Cancelled();
    const mergedPatch = { mergedCount: inFile.mergedCount, merged: JSON.stringify(merged) };
    await live.progress({ phase: 'writing', rowsTotal: read, rowsDone: 0, rejectedCount: counts.rejected, errors: JSON.stringify(errors), ...mergedPatch }, 'now');

    const ctx = deps.crm.newUpsertContext();
    const classify = async (m: EntityManager, write: boolean) => {
      const batches = new StagingBatches<CustomerUpsertRow>(files.staging);
      try {
        let done = read - valid;
        for (let batch = batches.next(batchSize); batch; batch = batches.next(batchSize)) {
          if (live.cancelRequested) throw new Cancelled();
          for (const o of await deps.crm.upsertBatch(m, batch.map((r) => inFile.combined(r)), ctx, write)) {
            if (o.outcome !== 'rejected') counts[o.outcome]++;
            else {
              counts.rejected++;
              conflicts.set(o.row, o.message);
              note({ row: o.row, message: o.message, code: o.code, ...(o.params ? { params: o.params } : {}) });
            }
          }
          // All-or-nothing: after the first conflict only classify (for the report), then roll back.
          if (job.mode === 'all-or-nothing' && counts.rejected > 0) write = false;
          done += batch.length;
          await live.progress(tally(counts, done), 'never');
        }
      } finally {
        batches.close();
      }
    };
    let applied = false;
    if (job.mode === 'skip-bad-rows' || (job.mode === 'all-or-nothing' && counts.rejected === 0)) {
      try {
        await deps.db.transaction(async (m) => {
          await classify(m, true);
          if (job.mode === 'all-or-nothing' && counts.rejected > 0) throw new Rollback();
        });
        applied = true;
      } catch (err) {
        if (!(err instanceof Rollback)) throw err;
      }
    } else await classify(deps.db.manager, false);

    const status: ImportJob['status'] = job.mode === 'dry-run' || applied ? 'succeeded' : 'rejected';
    errors.sort((a, b) => a.row - b.row);
    await live.progress({ phase: 'report', applied, ...tally(counts, read), errors: JSON.stringify(errors) }, applied ? 'now' : 'never');
    let report: string | null = basename(files.report);
    try {
      await writeReport({
        file: files.report,
        staging: files.staging,
        headers: prepared.map.headers,
        conflicts,
        summary: [
          ['状态 Status', status],
          ['模式 Mode', job.mode],
          ['文件 File', job.fileName ?? ''],
          ['数据行 Rows', read],
          ['新建 Created', counts.created],
          ['更新 Updated', counts.updated],
          ['未变 Unchanged', counts.unchanged],
          ['拒绝 Rejected', counts.rejected],
          ['合并 Merged (same customer twice)', inFile.mergedCount],
          ['已写入 Applied', applied ? '是 yes' : '否 no'],
          ['未导入的列 Columns not imported', prepared.map.ignored.join(', ')],
        ],
      });
    } catch (err) {
      report = null;
      deps.log.error({ err: (err as Error).message, job: job.id }, 'could not write the import error report');
    }
    await live.finish({
      status,
      applied,
      reportFile: report,
      errorCode: status === 'rejected' ? 'rows_rejected' : null,
      message:
        status === 'rejected'
          ? `${counts.rejected} row(s) are invalid; nothing was imported`
          : `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected, ${inFile.mergedCount} merged${applied ? '' : ' (dry run: nothing written)'}`,
    });
  } catch (err) {
    staging.destroy();
    await prepared.close();
    if (err instanceof Cancelled) await live.finish({ status: 'cancelled', applied: false, message: 'cancelled; nothing was imported' });
    else if (err instanceof AppError) {
      live.error = err;
      await live.finish({ status: 'failed', applied: false, errorCode: err.code, message: err.message.slice(0, 500) });
    } else throw err;
  } finally {
    await rm(files.staging, { force: true });
  }
}

/** Pass one: validate and stage every row; the same customer twice is merged, other duplicates within the file are refused. */
async function readRows(
  prepared: PreparedSheet,
  staging: StagingWriter,
  live: LiveJob,
  note: (e: RowError) => void,
  opts: RowOptions,
): Promise<{ read: number; valid: number; inFile: InFileRows; merged: MergedRow[] }> {
  const inFile = new InFileRows();
  const merged: MergedRow[] = [];
  let read = 0;
  let valid = 0;
  for await (const r of prepared.rows()) {
    read++;
    const v = validateCustomerRow(r, prepared.map, opts);
    if ('errors' in v) {
      v.errors.forEach(note);
      await staging.write(r.row, r.cells, v.errors.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('; '));
    } else {
      const seen = inFile.add(v.ok);
      if (seen.kind === 'error') note({ row: r.row, message: seen.message, code: seen.code, params: seen.params });
      if (seen.kind === 'merged' && merged.length < MAX_JOB_ERRORS) merged.push({ row: r.row, into: seen.into });
      if (seen.kind === 'new') valid++;
      const message = seen.kind === 'error' ? seen.message : null;
      await staging.write(r.row, r.cells, message, seen.kind === 'new' ? v.ok : undefined, seen.kind === 'merged' ? seen.into : undefined);
    }
    if (read % 250 === 0) {
      // A turn of the event loop now and then: other requests, and V8's incremental GC tasks.
      await new Promise((r) => setImmediate(r));
      if (live.cancelRequested) throw new Cancelled();
      await live.progress({ rowsDone: read, rowsTotal: Math.max(live.job.rowsTotal, read), rejectedCount: read - valid - inFile.mergedCount });
    }
  }
  return { read, valid, inFile, merged };
}

function tally(c: { created: number; updated: number; unchanged: number; rejected: number }, rowsDone: number): Partial<ImportJob> {
  return { rowsDone, createdCount: c.created, updatedCount: c.updated, unchangedCount: c.unchanged, rejectedCount: c.rejected };
}
