// Blocked numbers: callers Asterisk refuses before anything else runs (docs/api/blocked-numbers.md).
// The rows are the truth (hot standby: both nodes read them); Asterisk keeps a copy in AstDB that
// the active node writes from them (blocking.sync.ts).
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'blocked_numbers' })
@Index('uq_blocked_numbers_number', ['number'], { unique: true })
@Index('idx_blocked_numbers_created', ['createdAt'])
export class BlockedNumber {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The number in the CRM's one form (app/crm/phone.ts): one row per number. */
  @Column({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;

  /** When the block ends; null: permanent. A row past it is kept (its history), it refuses nobody. */
  @Column({ name: 'until_at', type: 'datetime', precision: 3, nullable: true })
  until!: Date | null;

  /** Calls refused by this block, and when the last one came (the active node counts them). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3, nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 160 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const blockingEntities = [BlockedNumber];
