// API keys for integrators: `hlk_<prefix>_<secret>`, shown once at creation; only the
// sha256 of the whole key is stored. A revoked key stops working at once.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { AuditLog } from './audit.js';
import { ApiKey } from './auth.entities.js';
import type { Actor } from './auth.users.js';
import type { Role } from './permissions.js';

export const API_KEY_PREFIX = 'hlk_';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const view = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export class ApiKeyStore {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  /** Returns the key itself once; it cannot be shown again. */
  async create(name: string, role: Role, actor: Actor): Promise<ApiKeyView & { key: string }> {
    const prefix = randomBytes(4).toString('hex');
    const key = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = this.db.manager.create(ApiKey, {
      id: randomUUID(),
      name,
      keyHash: sha256(key),
      prefix,
      role,
      createdBy: actor.name,
      createdAt: new Date(this.now()),
      revokedAt: null,
    });
    await this.db.manager.insert(ApiKey, row);
    await this.audit.append({ actor: actor.name, actorIp: actor.ip, action: 'apikey.create', target: `api-key:${name}`, detail: { id: row.id, prefix, role } });
    return { ...view(row), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.db.manager.find(ApiKey, { order: { createdAt: 'DESC' } })).map(view);
  }

  async revoke(id: string, actor: Actor): Promise<ApiKeyView> {
    const row = await this.db.manager.findOne(ApiKey, { where: { id } });
    if (!row) throw new NotFoundError('api key', id);
    if (!row.revokedAt) {
      row.revokedAt = new Date(this.now());
      await this.db.manager.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: row.revokedAt });
      await this.audit.append({ actor: actor.name, actorIp: actor.ip, action: 'apikey.revoke', target: `api-key:${row.name}`, detail: { id, prefix: row.prefix } });
    }
    return view(row);
  }

  /** The active key for a presented key string, or null. */
  async find(key: string): Promise<ApiKey | null> {
    if (!/^hlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/.test(key)) return null;
    return this.db.manager.findOne(ApiKey, { where: { keyHash: sha256(key), revokedAt: IsNull() } });
  }
}
