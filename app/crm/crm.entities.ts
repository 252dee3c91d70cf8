// The CRM (issue 5): customers with normalized phone numbers, emails, tags and custom fields;
// companies and their contacts; the interaction timeline; follow-up reminders.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'customers' })
export class Customer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_customers_name')
  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** Free text (the import's column); the company entity is linked through contacts. */
  @Column({ type: 'varchar', length: 128, default: '' })
  company!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  address!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  region!: string;

  /** 0 = not a VIP; higher is more important. */
  @Index('idx_customers_vip')
  @Column({ name: 'vip_level', type: 'int', default: 0 })
  vipLevel!: number;

  /** JSON object of string/number/boolean values; null = none. */
  @Column({ name: 'custom_fields', type: 'text', nullable: true })
  customFields!: string | null;

  /** Set when this customer was merged into another (the survivor); it is no longer listed. */
  @Index('idx_customers_merged_into')
  @Column({ name: 'merged_into', type: 'varchar', length: 36, nullable: true })
  mergedInto!: string | null;

  /** Soft delete. */
  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;

  @Index('idx_customers_created')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Index('idx_customers_updated')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'customer_phones' })
export class CustomerPhone {
  @PrimaryColumn({ type: 'varchar', length: 24 })
  phone!: string;

  @Index('idx_customer_phones_customer')
  @Column({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;
}

@Entity({ name: 'customer_emails' })
export class CustomerEmail {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  @Index('idx_customer_emails_email')
  @PrimaryColumn({ type: 'varchar', length: 254 })
  email!: string;
}

@Entity({ name: 'customer_tags' })
export class CustomerTag {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  @Index('idx_customer_tags_tag')
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag!: string;
}

@Entity({ name: 'companies' })
export class Company {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_companies_name')
  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  address!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  region!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** A contact: a customer linked to a company, with a role/title there. */
@Entity({ name: 'company_contacts' })
export class CompanyContact {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 36 })
  companyId!: string;

  @Index('idx_company_contacts_customer')
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  role!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

@Entity({ name: 'interactions' })
@Index('idx_interactions_customer_at', ['customerId', 'at'])
export class Interaction {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  /** call | ticket | note | callback | merge | ... */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  /** The id of the thing in its module (a ticket id, a call id), if any. */
  @Column({ name: 'ref_id', type: 'varchar', length: 64, nullable: true })
  refId!: string | null;

  @Column({ type: 'varchar', length: 2000 })
  summary!: string;

  /** Who: a username, `system`, a module name. */
  @Column({ type: 'varchar', length: 128, default: '' })
  actor!: string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}

export type ReminderStatus = 'open' | 'notified' | 'done';

@Entity({ name: 'reminders' })
@Index('idx_reminders_status_due', ['status', 'dueAt'])
@Index('idx_reminders_agent_due', ['agentId', 'dueAt'])
export class Reminder {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_reminders_customer')
  @Column({ name: 'customer_id', type: 'varchar', length: 36 })
  customerId!: string;

  /** The user (users.id) to remind. */
  @Column({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId!: string;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ReminderStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 128, default: '' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'notified_at', type: 'datetime', precision: 3, nullable: true })
  notifiedAt!: Date | null;

  @Column({ name: 'done_at', type: 'datetime', precision: 3, nullable: true })
  doneAt!: Date | null;
}

export const crmEntities = [Customer, CustomerPhone, CustomerEmail, CustomerTag, Company, CompanyContact, Interaction, Reminder];
