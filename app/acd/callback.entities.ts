// A callback that keeps the caller's place: one row per request, its placeholder number
// (`seq`: a new placeholder gets a new one) and where it stands. Everything a node that takes
// over needs is here or in Asterisk (the placeholder channel, AstDB results), never in memory.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const CALLBACK_STATUSES = ['scheduled', 'waiting', 'connecting', 'retry_wait', 'completed', 'failed', 'cancelled'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
export const OPEN_CALLBACK_STATUSES: CallbackStatus[] = ['scheduled', 'waiting', 'connecting', 'retry_wait'];

@Entity({ name: 'acd_callbacks' })
@Index('idx_acd_callbacks_status', ['status'])
@Index('idx_acd_callbacks_queue_requested', ['queue', 'requestedAt'])
@Index('uq_acd_callbacks_request', ['requestUniqueid'], { unique: true })
export class AcdCallback {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  /** The number dialed to reach the customer. */
  @Column({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ type: 'varchar', length: 128, default: '' })
  name!: string;

  /** Queue priority of the placeholder (the caller's own). */
  @Column({ type: 'int' })
  priority!: number;

  /** Where the next placeholder joins the queue (1 = head); null: at the back. */
  @Column({ type: 'int', nullable: true })
  position!: number | null;

  /** The caller channel that asked (a phone key in the queue), or `api:<id>`: a request is taken once. */
  @Column({ name: 'request_uniqueid', type: 'varchar', length: 64 })
  requestUniqueid!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CallbackStatus;

  /** The current placeholder's number; its channels are hotline-cb-<id>-<seq> (;1) and ...-q (;2). */
  @Column({ type: 'int', default: 1 })
  seq!: number;

  /** The seq whose placeholder Asterisk accepted (seq > placedSeq: not placed yet). */
  @Column({ name: 'placed_seq', type: 'int', default: 0 })
  placedSeq!: number;

  /** Times the customer's phone was dialed. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'int' })
  maxAttempts!: number;

  @Column({ name: 'last_result', type: 'varchar', length: 32, default: '' })
  lastResult!: string;

  @Column({ name: 'agent_interface', type: 'varchar', length: 80, default: '' })
  agentInterface!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds!: number | null;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt!: Date;

  /** retry_wait: when the next placeholder goes in. */
  @Column({ name: 'next_at', type: 'datetime', precision: 3, nullable: true })
  nextAt!: Date | null;

  /** Gives up (failed, expired) when still not done by then. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;
}

export const callbackKey = (id: string, seq: number) => `${id}-${seq}`;
