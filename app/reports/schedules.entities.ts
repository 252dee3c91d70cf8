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

  /** JSON: ISO weekdays counted (1 = Monday … 7), or null for every day (the reports' filter). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  weekdays!: string | null;

  /** 'HH:MM' local to tz: only calls from this time of day on; null: 00:00. */
  @Column({ name: 'day_start', type: 'varchar', length: 5, nullable: true })
  dayStart!: string | null;

  /** 'HH:MM' local to tz ('24:00': midnight): only calls before it; null: 24:00. */
  @Column({ name: 'day_end', type: 'varchar', length: 5, nullable: true })
  dayEnd!: string | null;

  /** JSON: skill groups (the queues whose skillGroup is one of them, intersected with queues), or null. */
  @Column({ name: 'skill_groups', type: 'text', nullable: true })
  skillGroups!: string | null;

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
