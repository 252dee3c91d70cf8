// GET /health: each dependency up or down, and since when. 200 while the database is
// up (calls can be recorded); 503 when it is not.
import { Router } from 'express';
import type { LinkState } from '../pbx/ports.js';

export interface HealthSource {
  node: string;
  version: string;
  links(): { db: LinkState; ari: LinkState; ami: LinkState };
  /** active: this node drives calls; standby: another node does (or none, until it takes the lease). */
  role(): { role: 'active' | 'standby'; since: Date };
  callsInProgress(): number;
}

const show = (l: LinkState) => ({ up: l.up, since: l.since.toISOString(), ...(l.up || !l.detail ? {} : { detail: l.detail }) });

export function healthRouter(src: HealthSource): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const links = src.links();
    const role = src.role();
    const allUp = links.db.up && links.ami.up && (links.ari.up || role.role === 'standby');
    res.status(links.db.up ? 200 : 503).json({
      status: allUp ? 'ok' : links.db.up ? 'degraded' : 'down',
      node: src.node,
      version: src.version,
      role: role.role,
      roleSince: role.since.toISOString(),
      callsInProgress: src.callsInProgress(),
      db: show(links.db),
      ari: show(links.ari),
      ami: show(links.ami),
    });
  });
  return router;
}
