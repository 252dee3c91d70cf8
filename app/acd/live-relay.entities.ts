// One live-feed event as the active node recorded it, for the other nodes' consoles (live-relay.ts).
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'live_events' })
@Index('idx_live_events_at', ['at'])
export class LiveEventRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number | string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ type: 'text' })
  payload!: string;
}
