// The reports' own tables: one fact per caller leg in a queue (the queue call as the reports
// classify it: overflow, region, wait), and the rollups the reports read (15-minute rows, and
// the agents' UTC day rows). Both are derived data: `npm run reports:rebuild` writes them again
// from the ACD's queue calls.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'report_call_facts' })
@Index('idx_report_call_facts_bucket', ['bucketAt'])
@Index('idx_report_call_facts_queue_joined', ['queue', 'joinedAt'])
@Index('idx_report_call_facts_outcome_joined', ['outcome', 'joinedAt'])
@Index('idx_report_call_facts_caller_joined', ['callerNumber', 'joinedAt'])
@Index('idx_report_call_facts_caller_leg', ['uniqueid', 'source'])
export class ReportCallFact {
  /** The ACD's queue call id (one leg of one caller in one queue). */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  @Column({ type: 'varchar', length: 64 })
  uniqueid!: string;

  @Column({ name: 'caller_number', type: 'varchar', length: 64 })
  callerNumber!: string;

  /** regionKey(): 'unknown', a country, or 'CN|Province|省'. */
  @Column({ type: 'varchar', length: 128 })
  region!: string;

  /** cityKey(): the region key with the city. */
  @Column({ type: 'varchar', length: 128 })
  city!: string;

  @Column({ name: 'joined_at', type: 'datetime', precision: 3 })
  joinedAt!: Date;

  /** The 15-minute bucket of joined_at. */
  @Column({ name: 'bucket_at', type: 'datetime', precision: 3 })
  bucketAt!: Date;

  /** answered, abandoned, callback, overflowed, timeout (definitions.ts QueueCallOutcome). */
  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'wait_seconds', type: 'int' })
  waitSeconds!: number;

  @Column({ name: 'talk_seconds', type: 'int' })
  talkSeconds!: number;

  @Column({ name: 'hold_seconds', type: 'int' })
  holdSeconds!: number;

  @Column({ name: 'wrapup_seconds', type: 'int' })
  wrapupSeconds!: number;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  disposition!: string;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  /** The caller's place in the queue when they joined (null: not seen). */
  @Column({ name: 'join_position', type: 'int', nullable: true, default: null })
  joinPosition!: number | null;

  /** An abandoned leg: the caller's place in the queue when they hung up (null otherwise). */
  @Column({ name: 'abandon_position', type: 'int', nullable: true, default: null })
  abandonPosition!: number | null;

  /** The queue an overflowed leg moved to ('' otherwise). */
  @Column({ name: 'overflow_to', type: 'varchar', length: 64 })
  overflowTo!: string;
}

/**
 * One 15-minute bucket of one dimension value of one queue: additive counters (definitions.ts
 * QueueCounters). Dimension 'agent_day': one UTC day (bucket_at its midnight), the sum of the
 * day's 'agent' rows (rollup.ts DAY_DIMENSIONS).
 */
@Entity({ name: 'report_rollups' })
@Index('idx_report_rollups_bucket', ['bucketAt'])
export class ReportRollup {
  /** queue, agent, region, city, disposition, overflow; agent_day (day rows). */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  dimension!: string;

  @PrimaryColumn({ name: 'bucket_at', type: 'datetime', precision: 3 })
  bucketAt!: Date;

  @PrimaryColumn({ name: 'dim_key', type: 'varchar', length: 128 })
  dimKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  queue!: string;

  @Column({ type: 'int' }) offered!: number;
  @Column({ type: 'int' }) answered!: number;
  @Column({ name: 'answered_in_sl', type: 'int' }) answeredInSl!: number;
  @Column({ type: 'int' }) abandoned!: number;
  @Column({ name: 'abandoned_short', type: 'int' }) abandonedShort!: number;
  @Column({ type: 'int' }) callbacks!: number;
  @Column({ type: 'int' }) overflowed!: number;
  @Column({ type: 'int' }) timeouts!: number;
  @Column({ type: 'int' }) waiting!: number;
  @Column({ name: 'answered_wait_seconds', type: 'int' }) answeredWaitSeconds!: number;
  @Column({ name: 'abandoned_wait_seconds', type: 'int' }) abandonedWaitSeconds!: number;
  @Column({ name: 'max_answered_wait_seconds', type: 'int' }) maxAnsweredWaitSeconds!: number;
  @Column({ name: 'talk_seconds', type: 'int' }) talkSeconds!: number;
  @Column({ name: 'hold_seconds', type: 'int' }) holdSeconds!: number;
  @Column({ name: 'wrapup_seconds', type: 'int' }) wrapupSeconds!: number;
}

export const reportEntities = [ReportCallFact, ReportRollup];
