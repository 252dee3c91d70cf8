// Sampling rules (per queue: n % of each agent's recorded calls per ISO week, plus every flagged
// call) and the QA tasks they create (one per recording and rule).
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'qa_sampling_rules' })
export class QaSamplingRule {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'queue', type: 'varchar', length: 64 })
  queue!: string;

  @Column({ name: 'percent', type: 'int' })
  percent!: number;

  /** Usernames (JSON string[]), assigned round-robin. */
  @Column({ name: 'evaluators', type: 'text' })
  evaluators!: string;

  /** The card the tasks suggest (null: the evaluator chooses). */
  @Column({ name: 'scorecard_id', type: 'varchar', length: 36, nullable: true })
  scorecardId!: string | null;

  @Column({ name: 'due_days', type: 'int' })
  dueDays!: number;

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  /** Tasks assigned so far (the round-robin position). */
  @Column({ name: 'assigned', type: 'int', default: 0 })
  assigned!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export type TaskStatus = 'open' | 'done' | 'cancelled';

@Entity({ name: 'qa_tasks' })
@Index('uq_qa_tasks_recording_rule', ['recordingId', 'ruleId'], { unique: true })
@Index('idx_qa_tasks_assignee_status', ['assignee', 'status'])
@Index('idx_qa_tasks_rule_week', ['ruleId', 'week', 'agentId'])
export class QaTask {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 36 })
  ruleId!: string;

  @Column({ name: 'recording_id', type: 'varchar', length: 36 })
  recordingId!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ name: 'queue', type: 'varchar', length: 64 })
  queue!: string;

  /** ISO week of the call (UTC), e.g. 2026-W49. */
  @Column({ name: 'week', type: 'varchar', length: 8 })
  week!: string;

  /** sample: in the week's n %; flagged: the recording has flags. */
  @Column({ name: 'reason', type: 'varchar', length: 16 })
  reason!: 'sample' | 'flagged';

  @Column({ name: 'scorecard_id', type: 'varchar', length: 36, nullable: true })
  scorecardId!: string | null;

  @Column({ name: 'assignee', type: 'varchar', length: 160 })
  assignee!: string;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: TaskStatus;

  @Column({ name: 'evaluation_id', type: 'varchar', length: 36, nullable: true })
  evaluationId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'done_at', type: 'datetime', precision: 3, nullable: true })
  doneAt!: Date | null;
}
