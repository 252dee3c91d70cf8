// Recordings of queue calls: one row per recording (mixed file plus one file per leg), and legal
// holds that exempt calls or customers from the retention purge. Explicit column types everywhere.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { RecordingKeyword } from './keyword.entities.js';

/**
 * armed: MixMonitor was set on the caller's channel before the queue rang anyone (it writes only
 * while bridged), no agent has answered yet; discarding: an armed recording whose call ended
 * unanswered (or was answered in another queue), its spool files to be removed; idle: an
 * on-demand queue's call, not recorded unless the agent starts it; recording: MixMonitor
 * runs; storing: a node is moving the files; stored: in Hotline's store; failed; purged.
 */
export type RecordingStatus = 'armed' | 'discarding' | 'idle' | 'recording' | 'storing' | 'stored' | 'failed' | 'purged';
/** Rows that are not (yet) recordings of a conversation: never listed, never played. */
export const NOT_A_RECORDING: RecordingStatus[] = ['armed', 'discarding', 'idle'];

/** One stored file of a recording: `mixed`, `caller` (the customer) or `agent`. */
export interface RecordingLeg {
  leg: 'mixed' | 'caller' | 'agent';
  /** Path under the recordings directory. */
  file: string;
  /** Format of the audio inside (before encryption). */
  format: 'ogg';
  /** Bytes of the audio (decrypted) and of the file on disk. */
  audioBytes: number;
  storedBytes: number;
  durationMs: number;
  /** SHA-256 of the file on disk (hex). */
  sha256: string;
  keyId: string;
}

/** A paused span, seconds from the start of the recording. */
export interface PausedSpan {
  from: number;
  to: number | null;
}

@Entity({ name: 'recordings' })
export class Recording {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Hotline's call record. */
  @Index('idx_recordings_call')
  @Column({ name: 'call_id', type: 'varchar', length: 36, nullable: true })
  callId!: string | null;

  /** The caller's channel (Asterisk Uniqueid) and its name, which MixMonitor runs on. */
  @Index('idx_recordings_uniqueid')
  @Column({ name: 'uniqueid', type: 'varchar', length: 128 })
  uniqueid!: string;

  @Column({ name: 'channel', type: 'varchar', length: 128 })
  channel!: string;

  @Index('idx_recordings_queue')
  @Column({ name: 'queue', type: 'varchar', length: 64 })
  queue!: string;

  @Index('idx_recordings_agent')
  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Index('idx_recordings_customer_number')
  @Column({ name: 'customer_number', type: 'varchar', length: 64 })
  customerNumber!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 36, nullable: true })
  customerId!: string | null;

  @Index('idx_recordings_status')
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: RecordingStatus;

  /** The agent answered (recording policy decided) / MixMonitor started / the call ended. */
  @Index('idx_recordings_answered')
  @Column({ name: 'answered_at', type: 'datetime', precision: 3 })
  answeredAt!: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  /** Length of the mixed file. */
  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  /** The files (JSON RecordingLeg[]). */
  @Column({ name: 'legs', type: 'text' })
  legs!: string;

  /** Paused spans (JSON PausedSpan[]). */
  @Column({ name: 'pauses', type: 'text' })
  pauses!: string;

  /** Automatic signals (JSON), once analysed. */
  @Column({ name: 'signals', type: 'text', nullable: true })
  signals!: string | null;

  /** Keywords found (JSON KeywordHit[]); null: not searched. */
  @Column({ name: 'keywords', type: 'text', nullable: true })
  keywords!: string | null;

  /** Flags raised by the automatic signals and keywords, comma-separated (`,silence,talk_over,`). */
  @Column({ name: 'flags', type: 'varchar', length: 255, default: '' })
  flags!: string;

  /** When a node claimed the move (a claim older than a few minutes belongs to a dead node). */
  @Column({ name: 'claimed_at', type: 'datetime', precision: 3, nullable: true })
  claimedAt!: Date | null;

  /** Purged on or after this time (queue retention), unless held. */
  @Index('idx_recordings_purge_after')
  @Column({ name: 'purge_after', type: 'datetime', precision: 3, nullable: true })
  purgeAfter!: Date | null;

  @Column({ name: 'error', type: 'varchar', length: 255, nullable: true })
  error!: string | null;
}

/** A legal hold: recordings of this call, or of this customer (number), are never purged while it stands. */
@Entity({ name: 'recording_holds' })
export class RecordingHold {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind!: 'call' | 'customer';

  @Index('idx_recording_holds_target')
  @Column({ name: 'target', type: 'varchar', length: 64 })
  target!: string;

  @Column({ name: 'reason', type: 'varchar', length: 255 })
  reason!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

export const recordingEntities = [Recording, RecordingHold, RecordingKeyword];
