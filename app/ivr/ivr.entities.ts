// IVR flows, their versions and the numbers that reach them. A version is immutable once
// published: calls in progress keep running on the version they started with.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'ivr_flows' })
export class IvrFlow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_ivr_flows_name', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  description!: string;

  /** The flow that takes calls to numbers no flow is mapped to. */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ name: 'published_version', type: 'int', nullable: true })
  publishedVersion!: number | null;

  @Column({ name: 'latest_version', type: 'int' })
  latestVersion!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export type VersionStatus = 'draft' | 'published' | 'superseded';

@Entity({ name: 'ivr_flow_versions' })
@Index('idx_ivr_versions_flow_version', ['flowId', 'version'], { unique: true })
export class IvrFlowVersion {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'flow_id', type: 'varchar', length: 36 })
  flowId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: VersionStatus;

  /** The flow definition as JSON (see ivr.schemas.ts). */
  @Column({ type: 'text' })
  definition!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;
}

@Entity({ name: 'ivr_numbers' })
export class IvrNumber {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ name: 'flow_id', type: 'varchar', length: 36 })
  flowId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

export const ivrEntities = [IvrFlow, IvrFlowVersion, IvrNumber];
