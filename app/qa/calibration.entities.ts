// A calibration session: several supervisors score the same recording on the same scorecard
// version; their evaluations carry the session id and are not official unless one is picked.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type CalibrationStatus = 'open' | 'closed';

@Entity({ name: 'qa_calibrations' })
export class QaCalibration {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'title', type: 'varchar', length: 200 })
  title!: string;

  @Column({ name: 'recording_id', type: 'varchar', length: 36 })
  recordingId!: string;

  /** The scorecard version every evaluator uses. */
  @Column({ name: 'scorecard_id', type: 'varchar', length: 36 })
  scorecardId!: string;

  /** Invited evaluators' usernames (JSON string[]). */
  @Column({ name: 'evaluators', type: 'text' })
  evaluators!: string;

  /** Spread flag: standard deviation above this share (%) of full marks. */
  @Column({ name: 'threshold', type: 'decimal', precision: 5, scale: 1 })
  threshold!: string;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: CalibrationStatus;

  @Column({ name: 'official_evaluation_id', type: 'varchar', length: 36, nullable: true })
  officialEvaluationId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Index('idx_qa_calibrations_created')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;
}
