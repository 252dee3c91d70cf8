// QA: scorecards (versioned: editing makes a new version; evaluations keep theirs) and evaluations.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { QaCalibration } from './calibration.entities.js';
import { QaSamplingRule, QaTask } from './sampling.entities.js';

@Entity({ name: 'qa_scorecards' })
export class QaScorecard {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'queue', type: 'varchar', length: 64, nullable: true })
  queue!: string | null;

  @Column({ name: 'version', type: 'int' })
  version!: number;

  /** The sections and items (JSON ScorecardDefinition). */
  @Column({ name: 'definition', type: 'text' })
  definition!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

export type EvaluationStatus = 'submitted' | 'acknowledged' | 'disputed' | 'resolved';

@Entity({ name: 'qa_evaluations' })
export class QaEvaluation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_qa_evaluations_recording')
  @Column({ name: 'recording_id', type: 'varchar', length: 36 })
  recordingId!: string;

  @Column({ name: 'call_id', type: 'varchar', length: 36, nullable: true })
  callId!: string | null;

  @Column({ name: 'scorecard_id', type: 'varchar', length: 36 })
  scorecardId!: string;

  @Column({ name: 'scorecard_version', type: 'int' })
  scorecardVersion!: number;

  @Index('idx_qa_evaluations_agent')
  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ name: 'queue', type: 'varchar', length: 64 })
  queue!: string;

  @Column({ name: 'evaluator', type: 'varchar', length: 160 })
  evaluator!: string;

  /** item id -> value or "na" (JSON). */
  @Column({ name: 'answers', type: 'text' })
  answers!: string;

  /** [{ at, text }] (JSON): comments at seconds of the recording. */
  @Column({ name: 'comments', type: 'text' })
  comments!: string;

  @Column({ name: 'summary', type: 'text' })
  summary!: string;

  @Column({ name: 'score', type: 'decimal', precision: 5, scale: 1 })
  score!: string;

  @Column({ name: 'critical_failed', type: 'varchar', length: 255, default: '' })
  criticalFailed!: string;

  @Index('idx_qa_evaluations_status')
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: EvaluationStatus;

  @Column({ name: 'dispute_comment', type: 'text', nullable: true })
  disputeComment!: string | null;

  @Column({ name: 'resolution_comment', type: 'text', nullable: true })
  resolutionComment!: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 160, nullable: true })
  resolvedBy!: string | null;

  @Index('idx_qa_evaluations_created')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  /** The calibration session it was made in (null: an ordinary evaluation). */
  @Column({ name: 'calibration_id', type: 'varchar', length: 36, nullable: true })
  calibrationId!: string | null;

  /** Counts as the agent's evaluation (false: a calibration evaluation the supervisor did not pick). */
  @Column({ name: 'official', type: 'boolean', default: true })
  official!: boolean;
}

export const qaEntities = [QaScorecard, QaEvaluation, QaCalibration, QaSamplingRule, QaTask];
