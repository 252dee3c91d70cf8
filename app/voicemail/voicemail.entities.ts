// Voicemail messages: one row per call that reached a voicemail node. The row is the truth (hot
// standby: nothing lives only in memory): the IVR opens it before recording, the active node's
// collector settles it from Asterisk's stored recording, people hear it and mark it done.
//   recording -> new | empty ; new -> heard | done ; heard -> done ; done -> heard | empty (reopen)
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const VOICEMAIL_STATUSES = ['recording', 'new', 'heard', 'done', 'empty'] as const;
export type VoicemailStatus = (typeof VOICEMAIL_STATUSES)[number];

@Entity({ name: 'voicemails' })
@Index('uq_voicemails_call', ['callId'], { unique: true })
@Index('idx_voicemails_status', ['status', 'createdAt'])
@Index('idx_voicemails_mailbox', ['mailbox', 'createdAt'])
export class Voicemail {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The call that left it (call_records.id): one message per call. */
  @Column({ name: 'call_id', type: 'varchar', length: 36 })
  callId!: string;

  /** The voicemail node's mailbox. */
  @Column({ type: 'varchar', length: 64 })
  mailbox!: string;

  @Column({ name: 'caller_number', type: 'varchar', length: 32, default: '' })
  callerNumber!: string;

  @Column({ name: 'called_number', type: 'varchar', length: 32, default: '' })
  calledNumber!: string;

  /** The customer of the caller's number (CRM), looked up when the message is settled. */
  @Column({ name: 'customer_id', type: 'varchar', length: 36, nullable: true })
  customerId!: string | null;

  /** Asterisk's stored recording (ARI /recordings/stored/{name}). */
  @Column({ type: 'varchar', length: 128 })
  recording!: string;

  /** The node's longest message: the collector's bound on how long a row may stay `recording`. */
  @Column({ name: 'max_seconds', type: 'int' })
  maxSeconds!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: VoicemailStatus;

  /** The message's length (from the WAV header); null until settled. */
  @Column({ type: 'int', nullable: true })
  seconds!: number | null;

  /** The recording ended normally (the IVR saw it finish): the collector may settle it now. */
  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  /** When it became `new` or `empty`. */
  @Column({ name: 'settled_at', type: 'datetime', precision: 3, nullable: true })
  settledAt!: Date | null;

  @Column({ name: 'heard_at', type: 'datetime', precision: 3, nullable: true })
  heardAt!: Date | null;

  /** The username who first heard it. */
  @Column({ name: 'heard_by', type: 'varchar', length: 128, nullable: true })
  heardBy!: string | null;

  @Column({ name: 'done_at', type: 'datetime', precision: 3, nullable: true })
  doneAt!: Date | null;

  @Column({ name: 'done_by', type: 'varchar', length: 128, nullable: true })
  doneBy!: string | null;

  /** What was done (called back, ticket opened ...). */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const voicemailEntities = [Voicemail];
