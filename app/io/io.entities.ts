// Import jobs (persisted so progress and results survive a restart and are visible to every
// node) and saved column mappings, one per import type.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed' | 'cancelled';
export type ImportMode = 'dry-run' | 'all-or-nothing' | 'skip-bad-rows';

@Entity({ name: 'io_import_jobs' })
export class ImportJob {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  mode!: ImportMode;

  @Column({ type: 'varchar', length: 8 })
  format!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName!: string | null;

  @Index('idx_io_import_jobs_status')
  @Column({ type: 'varchar', length: 16 })
  status!: JobStatus;

  /** reading | writing | report, while running. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phase!: string | null;

  @Column({ name: 'rows_total', type: 'int', default: 0 })
  rowsTotal!: number;

  @Column({ name: 'rows_done', type: 'int', default: 0 })
  rowsDone!: number;

  @Column({ name: 'created_count', type: 'int', default: 0 })
  createdCount!: number;

  @Column({ name: 'updated_count', type: 'int', default: 0 })
  updatedCount!: number;

  @Column({ name: 'unchanged_count', type: 'int', default: 0 })
  unchangedCount!: number;

  @Column({ name: 'rejected_count', type: 'int', default: 0 })
  rejectedCount!: number;

  /** Rows merged into an earlier row of the file (the same customer twice). */
  @Column({ name: 'merged_count', type: 'int', default: 0 })
  mergedCount!: number;

  /** JSON: the first merged rows [{ row, into }] (all of them are in the report). */
  @Column({ type: 'text', nullable: true })
  merged!: string | null;

  /** True once the rows were written (committed). */
  @Column({ type: 'boolean', default: false })
  applied!: boolean;

  /** JSON: the first row errors [{ row, column?, message }] (all of them are in the report). */
  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  /** JSON: headers that map to no field. */
  @Column({ name: 'ignored_columns', type: 'text', nullable: true })
  ignoredColumns!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  message!: string | null;

  @Column({ name: 'report_file', type: 'varchar', length: 255, nullable: true })
  reportFile!: string | null;

  @Index('idx_io_import_jobs_created')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}

@Entity({ name: 'io_mappings' })
export class ImportMapping {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  type!: string;

  /** JSON: [{ header, field }]. */
  @Column({ type: 'text' })
  columns!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const ioEntities = [ImportJob, ImportMapping];
