// Webhook endpoints (where Hotline POSTs events) and their deliveries (one row per event and
// endpoint, retried from the database: whichever node is active sends what is due).
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeliveryStatus } from './webhooks.events.js';

@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** JSON text: the subscribed event names. */
  @Column({ type: 'text' })
  events!: string;

  /** Signs the deliveries: never logged, returned only by create and rotate. */
  @Column({ type: 'varchar', length: 128 })
  secret!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_endpoint', ['endpointId', 'createdAt'])
@Index('idx_webhook_deliveries_status_next', ['status', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_created', ['createdAt'])
export class WebhookDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 36 })
  endpointId!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: string;

  /** The JSON body, exactly as sent (the signature covers these bytes). */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  /** While `sending`: the claim holds until then; past it, another node may take the delivery over. */
  @Column({ name: 'claimed_until', type: 'datetime', precision: 3, nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'response_ms', type: 'int', nullable: true })
  responseMs!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3, nullable: true })
  deliveredAt!: Date | null;
}

export const webhookEntities = [WebhookEndpoint, WebhookDelivery];
