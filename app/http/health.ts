// GET /health: each dependency up or down, and since when. 200 while the database is
// up (calls can be recorded); 503 when it is not.
import { Router } from 'express';
import type { LinkState } from '../pbx/ports.js';

export interface HealthSource {
  node: string;
  version: string;
  /** `attach`: the AMI link to an attached PBX, when one is configured. */
  links(): { db: LinkState; ari: LinkState; ami: LinkState; sipFront?: LinkState; attach?: LinkState & { name: string } };
  /** active: this node drives calls; standby: another node does (or none, until it takes the lease). */
  role(): { role: 'active' | 'standby'; since: Date };
  callsInProgress(): number;
}

const show = (l: LinkState) => ({ up: l.up, since: l.since.toISOString(), ...(l.up || !l.detail ? {} : { detail: l.detail }), ...(l.disabled ? { disabled: true } : {}) });
/** A link that is not configured counts as up. */
const ok = (l: LinkState | undefined) => !l || l.up || l.disabled === true;

export function healthRouter(src: HealthSource): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const links = src.links();
    const role = src.role();
    // A standby neither opens the Stasis app nor talks to the SIP front.
    const allUp = links.db.up && ok(links.ami) && (ok(links.ari) || role.role === 'standby') && (ok(links.sipFront) || role.role === 'standby') && ok(links.attach);
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
      ...(links.sipFront ? { sipFront: show(links.sipFront) } : {}),
      ...(links.attach ? { attach: { name: links.attach.name, ...show(links.attach) } } : {}),
    });
  });
  return router;
}
