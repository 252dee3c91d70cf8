// Satisfaction surveys (满意度调查): a survey is a question with the keys a caller may press;
// a queue names the survey its callers hear when the agent hangs up first. Each call surveyed is
// one response row, written before the question is played (hot standby: the node that takes over
// asks again from it), settled with the answer or how it ended.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ResponseStatus } from './survey.schemas.js';

@Entity({ name: 'surveys' })
@Index('uq_surveys_name', ['name'], { unique: true })
export class Survey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The definition (question, options, prompts, timing) as validated JSON (survey.schemas.ts). */
  @Column({ type: 'text' })
  definition!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 160 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'survey_responses' })
@Index('uq_survey_responses_call', ['callId'], { unique: true })
@Index('idx_survey_responses_channel', ['channelId'])
@Index('idx_survey_responses_started', ['startedAt'])
@Index('idx_survey_responses_agent', ['agentId', 'startedAt'])
export class SurveyResponse {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The call record surveyed: one response per call. */
  @Column({ name: 'call_id', type: 'varchar', length: 36 })
  callId!: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 128 })
  channelId!: string;

  /** The survey's name when it was asked (a survey renamed or deleted later keeps its answers). */
  @Column({ type: 'varchar', length: 64 })
  survey!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  queue!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ name: 'agent_name', type: 'varchar', length: 128, nullable: true })
  agentName!: string | null;

  @Column({ name: 'caller_number', type: 'varchar', length: 64, default: '' })
  callerNumber!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ResponseStatus;

  /** The key pressed, and what it meant when pressed (the survey may change later). */
  @Column({ name: 'answer_key', type: 'varchar', length: 1, nullable: true })
  key!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  label!: string | null;

  @Column({ type: 'int', nullable: true })
  score!: number | null;

  @Column({ type: 'boolean', nullable: true })
  satisfied!: boolean | null;

  /** Times the question was played. */
  @Column({ type: 'int', default: 0 })
  asked!: number;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;
}

export const surveyEntities = [Survey, SurveyResponse];
