// The agents' state timeline for the reports' agent statistics: each agent's state at the start
// of a range and every change within it (acd_agent_events, written by the agent tracker).
import type { DataSource } from 'typeorm';
import { AcdAgentEvent } from './acd.entities.js';

export interface AgentStateChange {
  agentId: string;
  state: string;
  reason: string;
  at: Date;
}

export async function agentTimeline(db: DataSource, agentIds: string[], from: Date, to: Date): Promise<AgentStateChange[]> {
  if (!agentIds.length) return [];
  const repo = db.getRepository(AcdAgentEvent);
  const out: AgentStateChange[] = [];
  // Each agent's state at `from`: its last change before it (one query; ties on the same instant go to the later id).
  const last = repo.createQueryBuilder('l').select('l.agent_id', 'agent_id').addSelect('MAX(l.at)', 'm')
    .where('l.agent_id IN (:...ids)', { ids: agentIds }).andWhere('l.at < :from', { from }).groupBy('l.agent_id');
  const before = await repo.createQueryBuilder('e')
    .innerJoin(`(${last.getQuery()})`, 'x', 'x.agent_id = e.agent_id AND x.m = e.at')
    .setParameters(last.getParameters())
    .orderBy('e.id', 'ASC')
    .getMany();
  const at = new Map<string, AcdAgentEvent>();
  for (const e of before) at.set(e.agentId, e);
  for (const id of agentIds) {
    const e = at.get(id);
    if (e) out.push({ agentId: id, state: e.state, reason: e.reason, at: from });
  }
  const qb = repo.createQueryBuilder('e')
    .select(['e.agent_id AS agent_id', 'e.state AS state', 'e.reason AS reason', 'e.at AS at'])
    .where('e.agent_id IN (:...ids)', { ids: agentIds })
    .andWhere('e.at >= :from AND e.at < :to', { from, to })
    .orderBy('e.at', 'ASC')
    .addOrderBy('e.id', 'ASC');
  // Raw rows (hydrating tens of thousands of entities costs more than the query). MariaDB/MySQL
  // would rather scan the table than read a large part of it by time: told to use the index.
  let [sql, params] = qb.getQueryAndParameters();
  if (db.options.type !== 'better-sqlite3') sql = sql.replace(/FROM `acd_agent_events` `e`/, 'FROM `acd_agent_events` `e` FORCE INDEX (`idx_acd_agent_events_at`)');
  const within: Array<{ agent_id: string; state: string; reason: string; at: Date | string }> = await db.query(sql, params);
  for (const e of within) out.push({ agentId: e.agent_id, state: e.state, reason: e.reason, at: asDate(e.at) });
  return out;
}

/** A datetime as a raw query returns it (MariaDB: Date; SQLite: 'YYYY-MM-DD HH:MM:SS.SSS' in UTC). */
function asDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}
