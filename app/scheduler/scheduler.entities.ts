// Persisted timed jobs (app/scheduler): one row per (kind, key); scheduling the same pair
// again reschedules that row.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const JOB_STATUSES = ['pending', 'running', 'done', 'cancelled', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

@Entity({ name: 'scheduled_jobs' })
@Index('uq_scheduled_jobs_kind_key', ['kind', 'key'], { unique: true })
@Index('idx_scheduled_jobs_status_due', ['status', 'dueAt'])
export class ScheduledJob {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  kind!: string;

  @Column({ name: 'job_key', type: 'varchar', length: 191 })
  key!: string;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  /** JSON text. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: JobStatus;

  /** Claims so far (a claim by a node that then died counts too). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_at', type: 'datetime', precision: 3, nullable: true })
  claimedAt!: Date | null;

  /** Fencing token of the current claim: only its holder may mark the job done or failed. */
  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @Column({ name: 'done_at', type: 'datetime', precision: 3, nullable: true })
  doneAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const schedulerEntities = [ScheduledJob];
