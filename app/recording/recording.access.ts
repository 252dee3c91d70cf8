// Who hears which recording: an admin all; a supervisor the recordings of queues that name them
// (or of every queue that names no supervisor); an agent their own calls only. Everyone else: 403.
import { ForbiddenError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/permissions.js';
import type { RecordingSettings } from '../acd/acd.schemas.js';
import type { Recording } from './recording.entities.js';

export interface AccessDeps {
  settingsOf: (queue: string) => Promise<RecordingSettings | null>;
  agentOfUser: (userId: string) => Promise<string | null>;
}

export class RecordingAccess {
  constructor(private readonly d: AccessDeps) {}

  async mayHear(who: Principal, r: Pick<Recording, 'queue' | 'agentId'>): Promise<boolean> {
    if (who.role === 'admin') return true;
    if (who.role === 'supervisor') {
      const s = await this.d.settingsOf(r.queue);
      return !s || s.supervisors.length === 0 || s.supervisors.includes(who.name);
    }
    if (who.role === 'agent' && who.kind === 'user') {
      const agentId = await this.d.agentOfUser(who.id);
      return !!agentId && agentId === r.agentId;
    }
    return false;
  }

  async check(who: Principal, r: Pick<Recording, 'queue' | 'agentId'>): Promise<void> {
    if (!(await this.mayHear(who, r))) throw new ForbiddenError('this recording belongs to a call you may not hear', 'recording_forbidden');
  }

  /** Search limits: what an agent or a supervisor may list (admin: nothing). */
  async scope(who: Principal): Promise<{ agentId?: string | null; supervisor?: string }> {
    if (who.role === 'admin') return {};
    if (who.role === 'supervisor') return { supervisor: who.name };
    return { agentId: who.kind === 'user' ? await this.d.agentOfUser(who.id) : null };
  }
}
