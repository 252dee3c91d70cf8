// Outbound calls agents place (click-to-dial, or an outside number dialled from the agent's
// device), as the dialplan reports them (UserEvent HotlineOutbound / HotlineOutboundEnd): one
// row per agent channel that dialled a number. The reports' outbound figures are rolled up from these.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'acd_outbound_calls' })
@Index('uq_acd_outbound_calls_source_uniqueid', ['source', 'uniqueid'], { unique: true })
@Index('idx_acd_outbound_calls_placed', ['placedAt'])
export class AcdOutboundCall {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32, default: 'hotline' })
  source!: string;

  /** Asterisk's Uniqueid of the agent's channel (click-to-dial: hotline-out-…). */
  @Column({ type: 'varchar', length: 64 })
  uniqueid!: string;

  /** click_to_dial, or device (dialled from the agent's phone). */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  /** The number dialled. */
  @Column({ type: 'varchar', length: 64 })
  number!: string;

  /** When the PBX began dialling the number. */
  @Column({ name: 'placed_at', type: 'datetime', precision: 3 })
  placedAt!: Date;

  /** When the called party answered (null: not answered, or not yet). */
  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt!: Date | null;

  /** When the agent's channel hung up (null: still under way). */
  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  /** Asterisk's ANSWEREDTIME: seconds from the answer to the hang-up (null until ended). */
  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds!: number | null;

  /** Asterisk's DIALSTATUS at the end: ANSWER, NOANSWER, BUSY, CANCEL, CONGESTION, CHANUNAVAIL ('' until ended). */
  @Column({ name: 'dial_status', type: 'varchar', length: 16, default: '' })
  dialStatus!: string;
}
