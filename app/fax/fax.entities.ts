// Faxes, received and sent. A fax's status lives here (never only in one process): inbound
// receiving -> filing -> received | partial | failed; outbound queued -> sending -> sent | failed
// (with its attempts and the time of the next one). The PDF is kept apart (fax_documents) so
// listing faxes never loads it.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const INBOUND_STATUSES = ['receiving', 'filing', 'received', 'partial', 'failed'] as const;
export const OUTBOUND_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type FaxStatus = (typeof INBOUND_STATUSES)[number] | (typeof OUTBOUND_STATUSES)[number];

@Entity({ name: 'faxes' })
@Index('idx_faxes_status', ['status'])
@Index('idx_faxes_inbox', ['direction', 'queue', 'createdAt'])
@Index('uq_faxes_call', ['callId'], { unique: true })
export class Fax {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** in | out */
  @Column({ type: 'varchar', length: 8 })
  direction!: 'in' | 'out';

  @Column({ type: 'varchar', length: 16 })
  status!: FaxStatus;

  /** The call that brought an inbound fax (call_records.id). */
  @Column({ name: 'call_id', type: 'varchar', length: 36, nullable: true })
  callId!: string | null;

  /** The other side: the caller of an inbound fax, the destination of an outbound one. */
  @Column({ name: 'remote_number', type: 'varchar', length: 32 })
  remoteNumber!: string;

  /** Our side: the number called (inbound). */
  @Column({ name: 'local_number', type: 'varchar', length: 32, default: '' })
  localNumber!: string;

  /** The inbox (a queue) the fax belongs to; '' = the number's general inbox. */
  @Column({ type: 'varchar', length: 64, default: '' })
  queue!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 36, nullable: true })
  customerId!: string | null;

  @Column({ name: 'remote_station_id', type: 'varchar', length: 64, default: '' })
  remoteStationId!: string;

  /** bit/s */
  @Column({ type: 'int', default: 0 })
  rate!: number;

  @Column({ type: 'int', default: 0 })
  pages!: number;

  @Column({ name: 'duration_seconds', type: 'int', nullable: true })
  durationSeconds!: number | null;

  /** Asterisk's status (SUCCESS, FAILED ...), as FAXOPT(status) said. */
  @Column({ name: 'pbx_status', type: 'varchar', length: 32, default: '' })
  pbxStatus!: string;

  /** Why it failed (or is partial), for people. */
  @Column({ type: 'varchar', length: 255, default: '' })
  error!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  subject!: string;

  /** The user who sent it (outbound). */
  @Column({ name: 'created_by', type: 'varchar', length: 128, default: '' })
  createdBy!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'int', default: 1 })
  maxAttempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  /** The node filing (inbound) or sending (outbound) it, and since when. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 64, default: '' })
  claimedBy!: string;

  @Column({ name: 'claimed_at', type: 'datetime', precision: 3, nullable: true })
  claimedAt!: Date | null;

  /** The user (username) working on it; '' = nobody yet. */
  @Column({ name: 'assigned_to', type: 'varchar', length: 128, default: '' })
  assignedTo!: string;

  /** The ticket it belongs to (tickets.id), linked from the console. */
  @Column({ name: 'ticket_id', type: 'varchar', length: 36, nullable: true })
  ticketId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}

/** The fax as a PDF: what was received, or what is sent. */
@Entity({ name: 'fax_documents' })
export class FaxDocument {
  @PrimaryColumn({ name: 'fax_id', type: 'varchar', length: 36 })
  faxId!: string;

  /** LONGBLOB on MariaDB/MySQL (see the migration). */
  @Column({ type: 'blob' })
  pdf!: Buffer;
}

export const faxEntities = [Fax, FaxDocument];
