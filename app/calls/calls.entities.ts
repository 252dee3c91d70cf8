// Call records and their event timeline. Explicit column types everywhere so the same
// entity maps to MariaDB/MySQL and to the embedded SQLite default.
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CallOutcome } from './calls.outcomes.js';

export { CALL_OUTCOMES, type CallOutcome } from './calls.outcomes.js';

@Entity({ name: 'call_records' })
@Index('idx_call_records_open', ['endedAt', 'startedAt'])
export class CallRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_call_records_channel', { unique: true })
  @Column({ name: 'channel_id', type: 'varchar', length: 128 })
  channelId!: string;

  @Index('idx_call_records_caller')
  @Column({ name: 'caller_number', type: 'varchar', length: 64 })
  callerNumber!: string;

  @Column({ name: 'caller_name', type: 'varchar', length: 128, nullable: true })
  callerName!: string | null;

  @Column({ name: 'called_number', type: 'varchar', length: 64 })
  calledNumber!: string;

  @Column({ name: 'flow', type: 'varchar', length: 64 })
  flow!: string;

  @Index('idx_call_records_started')
  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'outcome', type: 'varchar', length: 32, nullable: true })
  outcome!: CallOutcome | null;

  @Column({ name: 'hangup_cause', type: 'varchar', length: 64, nullable: true })
  hangupCause!: string | null;

  /** Every DTMF digit the caller pressed, in order. */
  @Column({ name: 'digits', type: 'varchar', length: 255, default: '' })
  digits!: string;

  /** The steps the call went through, as JSON: [{ step, at, digit? }]. */
  @Column({ name: 'ivr_path', type: 'text' })
  ivrPath!: string;

  /** Where the call is now, persisted so a standby can resume it. */
  @Column({ name: 'current_step', type: 'varchar', length: 64, nullable: true })
  currentStep!: string | null;

  /** The flow version the call started on (calls finish on it even after a publish). */
  @Column({ name: 'flow_version_id', type: 'varchar', length: 36, nullable: true })
  flowVersionId!: string | null;

  /** The flow's runtime state at the current step, as JSON (variables, sub-flow stack). */
  @Column({ name: 'variables', type: 'text', nullable: true })
  variables!: string | null;

  /** The Hotline node that handled the call last. */
  @Column({ name: 'handled_by', type: 'varchar', length: 64 })
  handledBy!: string;

  /** Which PBX the call was on: 'hotline' (Hotline's own Asterisk) or an attached PBX's name. */
  @Column({ name: 'source', type: 'varchar', length: 32, default: 'hotline' })
  source!: string;

  /** The queue the caller waited in (attached PBX calls). */
  @Column({ name: 'queue', type: 'varchar', length: 64, nullable: true })
  queue!: string | null;

  /** The device that answered, e.g. PJSIP/agent1, and its queue member name. */
  @Column({ name: 'agent_interface', type: 'varchar', length: 80, nullable: true })
  agentInterface!: string | null;

  @Column({ name: 'agent_name', type: 'varchar', length: 128, nullable: true })
  agentName!: string | null;

  /** Seconds in the queue before an agent answered (or before the caller gave up), as Asterisk reports them. */
  @Column({ name: 'hold_seconds', type: 'int', nullable: true })
  holdSeconds!: number | null;

  /** Seconds talking with the agent, as Asterisk reports them. */
  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds!: number | null;

  /** The Hotline agent who answered (Hotline's own queue calls). */
  @Index('idx_call_records_agent')
  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  /** The wrap-up code the agent picked, and the agent's note. */
  @Column({ name: 'disposition', type: 'varchar', length: 32, nullable: true })
  disposition!: string | null;

  @Column({ name: 'disposition_note', type: 'varchar', length: 500, nullable: true })
  dispositionNote!: string | null;
}

@Entity({ name: 'call_events' })
export class CallEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('idx_call_events_call')
  @Column({ name: 'call_id', type: 'varchar', length: 36 })
  callId!: string;

  @Column({ name: 'at', type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ name: 'type', type: 'varchar', length: 48 })
  type!: string;

  @Column({ name: 'detail', type: 'text', nullable: true })
  detail!: string | null;
}

export const callEntities = [CallRecord, CallEvent];
