// The ACD's model: queues, agents (their devices, skills and live state), the agent
// timeline, queue calls (for live stats and reports), routing rules and regions, and the
// small sync state (when Asterisk last started, to tell a restart from a reconnect).
import { AcdCallback } from './callback.entities.js';
import { LiveEventRow } from './live-relay.entities.js';
import { AcdOutboundCall } from './outbound.entities.js';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'acd_queues' })
export class AcdQueue {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** The validated queue settings (acd.schemas.ts queueSettings) as JSON. */
  @Column({ type: 'text' })
  settings!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'acd_agents' })
export class AcdAgent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** The PJSIP endpoint Hotline provisions for the agent's device. */
  @Index('uq_acd_agents_endpoint', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  endpoint!: string;

  /** webrtc (the agent desktop's browser phone) or desk (a SIP phone). */
  @Column({ type: 'varchar', length: 8, default: 'desk' })
  phone!: string;

  /** Static contact (a desk phone at a fixed address); empty: the device registers. */
  @Column({ type: 'varchar', length: 255, default: '' })
  contact!: string;

  /** The device's SIP password (registering devices); never returned by the API. */
  @Column({ name: 'sip_password', type: 'varchar', length: 128, default: '' })
  sipPassword!: string;

  /** { skill: level 1-10 } as JSON. */
  @Column({ type: 'text' })
  skills!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  team!: string;

  /** The Hotline user who is this agent (may log themselves in). */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ name: 'state_since', type: 'datetime', precision: 3 })
  stateSince!: Date;

  /** Break reason code, or the queue of the call (ringing, on call, wrap-up). */
  @Column({ name: 'state_reason', type: 'varchar', length: 64, default: '' })
  stateReason!: string;

  @Column({ name: 'wrapup_until', type: 'datetime', precision: 3, nullable: true })
  wrapupUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'acd_agent_events' })
@Index('idx_acd_agent_events_agent_at', ['agentId', 'at'])
@Index('idx_acd_agent_events_at', ['at'])
export class AcdAgentEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  reason!: string;

  /** What caused it: api, ami, reconcile, wrapup-timer. */
  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}

@Entity({ name: 'acd_queue_calls' })
@Index('idx_acd_queue_calls_queue_joined', ['queue', 'joinedAt'])
@Index('uq_acd_queue_calls_source_uniqueid_queue', ['source', 'uniqueid', 'queue'], { unique: true })
export class AcdQueueCall {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Which PBX: 'hotline' (its own Asterisk) or an attached PBX's name. */
  @Column({ type: 'varchar', length: 32, default: 'hotline' })
  source!: string;

  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  /** Asterisk's Uniqueid of the caller's channel. */
  @Column({ type: 'varchar', length: 64 })
  uniqueid!: string;

  @Column({ name: 'caller_number', type: 'varchar', length: 64, default: '' })
  callerNumber!: string;

  @Column({ name: 'joined_at', type: 'datetime', precision: 3 })
  joinedAt!: Date;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'left_at', type: 'datetime', precision: 3, nullable: true })
  leftAt!: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  /** waiting, answered, abandoned, left (timeout / overflow / no agents). */
  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  @Column({ name: 'agent_interface', type: 'varchar', length: 80, default: '' })
  agentInterface!: string;

  @Column({ name: 'hold_seconds', type: 'int', nullable: true })
  holdSeconds!: number | null;

  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds!: number | null;

  /** Whole seconds the agent held the caller (music on hold after the answer), over every hold of the call. */
  @Column({ name: 'on_hold_seconds', type: 'int', default: 0 })
  onHoldSeconds!: number;

  /** When the hold under way began (null: not on hold). Kept in the database: a standby that takes over ends it. */
  @Column({ name: 'hold_started_at', type: 'datetime', precision: 3, nullable: true })
  holdStartedAt!: Date | null;

  /** Whole seconds of the answering agent's wrap-up after this call (null: none yet, or still in wrap-up). */
  @Column({ name: 'wrapup_seconds', type: 'int', nullable: true })
  wrapupSeconds!: number | null;

  /** The caller's place in the queue when they joined (QueueCallerJoin Position, 1 = first; null: not seen). */
  @Column({ name: 'join_position', type: 'int', nullable: true, default: null })
  joinPosition!: number | null;

  /** The caller's place in the queue when they hung up waiting (QueueCallerAbandon Position; null: did not abandon). */
  @Column({ name: 'abandon_position', type: 'int', nullable: true, default: null })
  abandonPosition!: number | null;

  /** The wrap-up code the agent picked for this call ('' none yet). */
  @Column({ type: 'varchar', length: 32, default: '' })
  disposition!: string;
}

@Entity({ name: 'acd_routing' })
export class AcdRouting {
  /** 'rules', 'regions' or 'break_reasons': each a validated JSON document, replaced whole. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'acd_sync' })
export class AcdSync {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  key!: string;

  @Column({ type: 'varchar', length: 255 })
  value!: string;
}

export const acdEntities = [AcdQueue, AcdAgent, AcdAgentEvent, AcdQueueCall, AcdRouting, AcdSync, AcdCallback, LiveEventRow, AcdOutboundCall];
