// Scheduled report delivery: what to send, to whom, when. Each run is a scheduler job
// (kind `reports.email`, key `<schedule id>@<run>`): its status, attempts and last error are
// the delivery's.
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'report_schedules' })
export class ReportSchedule {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** daily, weekly (schedule-time.ts). */
  @Column({ type: 'varchar', length: 8 })
  frequency!: string;

  /** 'HH:MM' local to tz. */
  @Column({ name: 'time_of_day', type: 'varchar', length: 5 })
  timeOfDay!: string;

  /** 1 = Monday … 7 = Sunday (weekly). */
  @Column({ type: 'int', nullable: true })
  weekday!: number | null;

  @Column({ type: 'varchar', length: 64 })
  tz!: string;

  /** JSON: the report kinds attached, one .xlsx each. */
  @Column({ type: 'text' })
  reports!: string;

  /** JSON: queue names, or null for all queues. */
  @Column({ type: 'text', nullable: true })
  queues!: string | null;

  @Column({ type: 'varchar', length: 8 })
  locale!: string;

  /** JSON: e-mail addresses. */
  @Column({ type: 'text' })
  recipients!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 128 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
