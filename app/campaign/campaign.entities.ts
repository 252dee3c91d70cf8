// Outbound campaigns (外呼任务): the campaign, its contacts and each call placed to one. Every
// state is a row (hot standby): a contact's hold ends by `reservedUntil`, read at the time.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CampaignStatus, ContactStatus } from './campaign.schemas.js';

@Entity({ name: 'campaigns' })
@Index('uq_campaigns_name', ['name'], { unique: true })
export class Campaign {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The definition (title, queue, script, results, hours, attempts) as validated JSON (campaign.schemas.ts). */
  @Column({ type: 'text' })
  definition!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CampaignStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'campaign_contacts' })
@Index('uq_campaign_contacts_phone', ['campaignId', 'phone'], { unique: true })
@Index('idx_campaign_contacts_due', ['campaignId', 'status', 'nextAttemptAt'])
@Index('idx_campaign_contacts_agent', ['campaignId', 'agentId'])
@Index('uq_campaign_contacts_held', ['campaignId', 'heldBy'], { unique: true })
export class CampaignContact {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId!: string;

  /** The order it was added in (the oldest first among contacts due at the same time). */
  @Column({ type: 'int' })
  seq!: number;

  /** Stored form (crm/phone.ts normalizePhone). */
  @Column({ type: 'varchar', length: 40 })
  phone!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  name!: string;

  /** The list's own columns, JSON {header: value}. */
  @Column({ type: 'text' })
  fields!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 36, nullable: true })
  customerId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ContactStatus;

  @Column({ type: 'varchar', length: 32, nullable: true })
  result!: string | null;

  @Column({ type: 'varchar', length: 2000, default: '' })
  note!: string;

  /** Calls placed (counted when the PBX dials the number). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  /** The holder while reserved; the agent of the last result once done. */
  @Column({ name: 'agent_id', type: 'varchar', length: 36, nullable: true })
  agentId!: string | null;

  /** The holder while reserved, null otherwise: unique per campaign, so an agent never holds two (two requests at once). */
  @Column({ name: 'held_by', type: 'varchar', length: 36, nullable: true })
  heldBy!: string | null;

  @Column({ name: 'reserved_until', type: 'datetime', precision: 3, nullable: true })
  reservedUntil!: Date | null;

  @Column({ name: 'callback_at', type: 'datetime', precision: 3, nullable: true })
  callbackAt!: Date | null;

  /** The agent a callback is kept for. */
  @Column({ name: 'callback_agent_id', type: 'varchar', length: 36, nullable: true })
  callbackAgentId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'campaign_attempts' })
@Index('uq_campaign_attempts_channel', ['channelId'], { unique: true })
@Index('idx_campaign_attempts_contact', ['contactId', 'requestedAt'])
@Index('idx_campaign_attempts_campaign', ['campaignId', 'placedAt'])
export class CampaignAttempt {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId!: string;

  @Column({ name: 'contact_id', type: 'varchar', length: 36 })
  contactId!: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId!: string;

  @Column({ name: 'agent_name', type: 'varchar', length: 128, default: '' })
  agentName!: string;

  /** The agent channel's UNIQUEID (the click-to-dial's channelId): the outbound events' key. */
  @Column({ name: 'channel_id', type: 'varchar', length: 64 })
  channelId!: string;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt!: Date;

  /** When the PBX dialled the contact (the attempt counts from then); null: the agent did not answer their phone. */
  @Column({ name: 'placed_at', type: 'datetime', precision: 3, nullable: true })
  placedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'dial_status', type: 'varchar', length: 16, nullable: true })
  dialStatus!: string | null;

  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds!: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  result!: string | null;

  @Column({ type: 'varchar', length: 2000, default: '' })
  note!: string;
}

export const campaignEntities = [Campaign, CampaignContact, CampaignAttempt];
