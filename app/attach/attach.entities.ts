// Members of an attached PBX's queues (devices Hotline does not provision), with the state
// derived from Asterisk's member snapshots. One row per device per attached PBX.
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'attach_agents' })
export class AttachedAgent {
  /** The attached PBX's name (HOTLINE_ATTACH_NAME). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  /** The member's interface, e.g. PJSIP/ext-agent1. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  interface!: string;

  /** MemberName as the PBX configures it. */
  @Column({ type: 'varchar', length: 128, default: '' })
  name!: string;

  /** logged_out, available, ringing, on_call, break (agent-state.ts). */
  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /** Pause reason, or the queue of the call. */
  @Column({ name: 'state_reason', type: 'varchar', length: 64, default: '' })
  stateReason!: string;

  @Column({ name: 'state_since', type: 'datetime', precision: 3 })
  stateSince!: Date;

  /** The queues it is a member of now, as JSON: [{queue, paused, penalty, status, inCall, callsTaken}]. */
  @Column({ type: 'text' })
  queues!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const attachEntities = [AttachedAgent];
