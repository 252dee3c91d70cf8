// Tickets (工单, issue 5): the ticket, its comments, attachments (metadata and bytes apart),
// its field-by-field history, and the SLA policy per priority.
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export { PRIORITIES, PRIORITY_RANK, STATUSES, TYPES, type Priority, type TicketStatus, type TicketType } from './tickets.kinds.js';
import type { Priority, TicketStatus, TicketType } from './tickets.kinds.js';

const ts = (name: string, nullable = false) => ({ name, type: 'datetime' as const, precision: 3, nullable });

@Entity({ name: 'tickets' })
@Index('idx_tickets_customer', ['customerId', 'updatedAt'])
@Index('idx_tickets_status', ['status', 'updatedAt'])
export class Ticket {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** 1, 2, 3 ... → number T-000001 ... */
  @Index('uq_tickets_seq', { unique: true })
  @Column({ type: 'int' })
  seq!: number;

  @Index('uq_tickets_number', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  number!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: TicketType;

  @Column({ type: 'varchar', length: 8 })
  priority!: Priority;

  /** PRIORITY_RANK of priority, for sorting. */
  @Column({ name: 'priority_rank', type: 'int' })
  priorityRank!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category!: string | null;

  @Column({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  @Column({ name: 'call_id', type: 'varchar', length: 36, nullable: true })
  callId!: string | null;

  @Index('idx_tickets_assignee')
  @Column({ name: 'assignee_id', type: 'varchar', length: 36, nullable: true })
  assigneeId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  team!: string | null;

  @Column({ type: 'varchar', length: 24 })
  status!: TicketStatus;

  @Column({ name: 'escalation_level', type: 'int', default: 0 })
  escalationLevel!: number;

  @Column(ts('escalated_at', true))
  escalatedAt!: Date | null;

  @Column(ts('first_response_due_at', true))
  firstResponseDueAt!: Date | null;

  @Column(ts('first_responded_at', true))
  firstRespondedAt!: Date | null;

  @Column(ts('resolution_due_at', true))
  resolutionDueAt!: Date | null;

  /** The next SLA deadline still open (first response, else resolution); null when none. */
  @Column(ts('due_at', true))
  dueAt!: Date | null;

  /** When the resolution clock started: creation, or the last reopen. */
  @Column(ts('sla_started_at'))
  slaStartedAt!: Date;

  @Column(ts('resolved_at', true))
  resolvedAt!: Date | null;

  @Column(ts('closed_at', true))
  closedAt!: Date | null;

  @Column({ name: 'merged_into_id', type: 'varchar', length: 36, nullable: true })
  mergedIntoId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column(ts('created_at'))
  createdAt!: Date;

  @Column(ts('updated_at'))
  updatedAt!: Date;
}

@Entity({ name: 'ticket_comments' })
@Index('idx_ticket_comments_ticket', ['ticketId', 'createdAt'])
export class TicketComment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'ticket_id', type: 'varchar', length: 36 })
  ticketId!: string;

  @Column({ type: 'varchar', length: 160 })
  author!: string;

  @Column({ type: 'varchar', length: 8 })
  visibility!: 'internal' | 'public';

  @Column({ type: 'text' })
  body!: string;

  @Column(ts('created_at'))
  createdAt!: Date;
}

@Entity({ name: 'ticket_attachments' })
@Index('idx_ticket_attachments_ticket', ['ticketId'])
export class TicketAttachment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'ticket_id', type: 'varchar', length: 36 })
  ticketId!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'uploaded_by', type: 'varchar', length: 160 })
  uploadedBy!: string;

  @Column(ts('created_at'))
  createdAt!: Date;
}

/** The bytes, apart from the metadata so listing attachments never loads them. */
@Entity({ name: 'ticket_attachment_data' })
export class TicketAttachmentData {
  @PrimaryColumn({ name: 'attachment_id', type: 'varchar', length: 36 })
  attachmentId!: string;

  /** LONGBLOB on MariaDB/MySQL (see the migration). */
  @Column({ type: 'blob' })
  content!: Buffer;
}

@Entity({ name: 'ticket_history' })
@Index('idx_ticket_history_ticket', ['ticketId', 'id'])
export class TicketHistory {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'ticket_id', type: 'varchar', length: 36 })
  ticketId!: string;

  @Column({ type: 'varchar', length: 160 })
  actor!: string;

  @Column(ts('at'))
  at!: Date;

  @Column({ type: 'varchar', length: 64 })
  field!: string;

  @Column({ name: 'old_value', type: 'text', nullable: true })
  oldValue!: string | null;

  @Column({ name: 'new_value', type: 'text', nullable: true })
  newValue!: string | null;
}

@Entity({ name: 'ticket_sla_policies' })
export class TicketSlaPolicy {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  priority!: Priority;

  @Column({ name: 'first_response_seconds', type: 'int' })
  firstResponseSeconds!: number;

  @Column({ name: 'resolution_seconds', type: 'int' })
  resolutionSeconds!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 160 })
  updatedBy!: string;

  @Column(ts('updated_at'))
  updatedAt!: Date;
}

/** Hands out ticket numbers: one row per sequence, bumped under its row lock. */
@Entity({ name: 'ticket_counters' })
export class TicketCounter {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'int' })
  value!: number;
}

export const ticketEntities = [TicketCounter, Ticket, TicketComment, TicketAttachment, TicketAttachmentData, TicketHistory, TicketSlaPolicy];
