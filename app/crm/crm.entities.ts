// The start of the CRM (issue 5): customers and their phone numbers, normalized.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'customers' })
export class Customer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 128, default: '' })
  company!: string;

  /** 0 = not a VIP; higher is more important. */
  @Column({ name: 'vip_level', type: 'int', default: 0 })
  vipLevel!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

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

export const crmEntities = [Customer, CustomerPhone];
