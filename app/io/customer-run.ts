// The customer import itself, in the job runner: read and validate every row (staging the
// rows for the report, refusing duplicates within the file), then classify / write them in
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
import { validateCustomerRow, type RowError } from './customer-import.js';
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
}

export interface RunFiles {
  staging: string;
  report: string;
}

function inFileDuplicate(r: CustomerUpsertRow, phones: Map<string, number>, ids: Map<string, number>): string | null {
  if (r.id && ids.has(r.id)) return `customer ID ${r.id} is also in row ${ids.get(r.id)}`;
  for (const p of r.phones) if (phones.has(p)) return `phone ${p} is also in row ${phones.get(p)}`;
  if (r.id) ids.set(r.id, r.row);
  for (const p of r.phones) phones.set(p, r.row);
  return null;
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
    const { read, valid } = await readRows(prepared, staging, live, note);
    counts.rejected = read - valid;
    await staging.close();
    if (live.cancelRequested) throw new Cancelled();
    await live.progress({ phase: 'writing', rowsTotal: read, rowsDone: 0, rejectedCount: counts.rejected, errors: JSON.stringify(errors) }, 'now');

    const ctx = deps.crm.newUpsertContext();
    const classify = async (m: EntityManager, write: boolean) => {
      const batches = new StagingBatches<CustomerUpsertRow>(files.staging);
      try {
        let done = read - valid;
        for (let batch = batches.next(batchSize); batch; batch = batches.next(batchSize)) {
          if (live.cancelRequested) throw new Cancelled();
          for (const o of await deps.crm.upsertBatch(m, batch, ctx, write)) {
            if (o.outcome !== 'rejected') counts[o.outcome]++;
            else {
              counts.rejected++;
              conflicts.set(o.row, o.message);
              note({ row: o.row, message: o.message });
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
          ['已写入 Applied', applied ? '是 yes' : '否 no'],
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
          : `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected${applied ? '' : ' (dry run: nothing written)'}`,
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

/** Pass one: validate and stage every row; duplicates within the file are refused here. */
async function readRows(prepared: PreparedSheet, staging: StagingWriter, live: LiveJob, note: (e: RowError) => void): Promise<{ read: number; valid: number }> {
  const phones = new Map<string, number>();
  const ids = new Map<string, number>();
  let read = 0;
  let valid = 0;
  for await (const r of prepared.rows()) {
    read++;
    const v = validateCustomerRow(r, prepared.map);
    let message: string | null = null;
    if ('errors' in v) {
      v.errors.forEach(note);
      message = v.errors.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('; ');
    } else if ((message = inFileDuplicate(v.ok, phones, ids))) note({ row: r.row, message });
    else valid++;
    await staging.write(r.row, r.cells, message, message ? undefined : (v as { ok: CustomerUpsertRow }).ok);
    if (read % 250 === 0) {
      // A turn of the event loop now and then: other requests, and V8's incremental GC tasks.
      await new Promise((r) => setImmediate(r));
      if (live.cancelRequested) throw new Cancelled();
      await live.progress({ rowsDone: read, rowsTotal: Math.max(live.job.rowsTotal, read), rejectedCount: read - valid });
    }
  }
  return { read, valid };
}

function tally(c: { created: number; updated: number; unchanged: number; rejected: number }, rowsDone: number): Partial<ImportJob> {
  return { rowsDone, createdCount: c.created, updatedCount: c.updated, unchangedCount: c.unchanged, rejectedCount: c.rejected };
}
