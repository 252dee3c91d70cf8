// Wires leadership to the PBX and the calls: the active node opens the Stasis app and
// drives calls; a node that loses the lease stops at once (fencing) and leaves its calls,
// still in Stasis, to the node that takes over and resumes them from their records.
import type { CallsStasis } from '../calls/calls.stasis.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Pbx } from '../pbx/pbx.js';
import { MariaDbLease, SingleNode, type LeaderElector } from './leader.js';

export function createElector(config: Config, log: Logger): LeaderElector {
  if (!config.ha.enabled || config.db.type === 'sqlite') return new SingleNode();
  return new MariaDbLease({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: config.db.database,
    lockName: config.ha.lockName,
    checkMs: config.ha.checkMs,
    log: log.child({ component: 'ha' }),
  });
}

/** What else acts only while this node is active (the ACD's sync and agent tracking). */
export interface ActiveDuty {
  activate(): void;
  deactivate(): void;
}

export function wireLeadership(elector: LeaderElector, pbx: Pbx, stasis: CallsStasis, log: Logger, duties: ActiveDuty[] = [], ownPbx = true): void {
  elector.on('elected', () => {
    // Without an Asterisk of its own (HOTLINE_OWN_PBX=false) there is no Stasis app to open.
    log.info(ownPbx ? 'active: opening the Stasis app and taking the calls in it' : 'active: recording the attached PBX (no Asterisk of its own, no call control)');
    pbx.activate();
    for (const d of duties) d.activate();
  });
  pbx.onAppReplaced(() => elector.yieldLeadership('another node opened the Stasis app'));
  // A database failure in a call may mean the lease is gone already: ask before handing the call back.
  stasis.confirmActive = () => elector.confirm();
  elector.on('lost', (reason) => {
    for (const d of duties) d.deactivate();
    stasis.detach();
    void pbx.deactivate().then(() => log.warn({ reason }, 'standby: fenced; calls left to the node that takes over'));
  });
  elector.start();
}

/**
 * Planned switchover (SIGTERM on the active node with a standby ready): stop driving calls,
 * close the app's socket, give the lease up. The standby takes the lease within a check
 * interval and resumes every call at its step. Returns false when no standby is ready.
 */
export async function handOver(elector: LeaderElector, pbx: Pbx, stasis: CallsStasis, log: Logger): Promise<boolean> {
  if (elector.role !== 'active' || !(await elector.standbyAvailable())) return false;
  stasis.detach();
  await pbx.deactivate();
  await elector.release();
  log.info('planned switchover: calls left to the standby');
  return true;
}
