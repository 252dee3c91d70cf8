// Sampling, pure: ISO weeks (UTC) and which recordings of a rule's queue get a QA task.
// Per agent and ISO week, the target is ceil(percent × the agent's recorded calls that week / 100);
// the sample is taken from the unflagged calls in the order of SHA-256(recording id) (hex,
// ascending), topped up to the target when earlier runs sampled fewer (calls recorded since);
// every flagged call (recordings.flags not empty) gets its own task besides.
import { createHash } from 'node:crypto';

const DAY = 86_400_000;

/** Monday 00:00 UTC of the ISO week holding `d`. */
export function weekStart(d: Date): Date {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
}

/** The ISO week of `d` (UTC), e.g. 2026-W01 (the week holding the year's first Thursday). */
export function isoWeek(d: Date): string {
  const thursday = new Date(weekStart(d).getTime() + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function sampleRank(recordingId: string): string {
  return createHash('sha256').update(recordingId).digest('hex');
}

export interface Candidate {
  id: string;
  agentId: string | null;
  answeredAt: Date;
  flagged: boolean;
}

export interface ExistingTask {
  recordingId: string;
  agentId: string | null;
  week: string;
  reason: 'sample' | 'flagged';
}

export interface Pick {
  recordingId: string;
  agentId: string | null;
  week: string;
  reason: 'sample' | 'flagged';
}

/** The tasks a rule still lacks over `recordings` (given the tasks it already made), in a stable order. */
export function selectForRule(recordings: Candidate[], percent: number, existing: ExistingTask[]): Pick[] {
  const tasked = new Set(existing.map((t) => t.recordingId));
  const groups = new Map<string, Candidate[]>();
  for (const r of recordings) {
    const k = `${r.agentId ?? ''}|${isoWeek(r.answeredAt)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const sampled = new Map<string, number>();
  for (const t of existing) if (t.reason === 'sample') sampled.set(`${t.agentId ?? ''}|${t.week}`, (sampled.get(`${t.agentId ?? ''}|${t.week}`) ?? 0) + 1);
  const picks: Pick[] = [];
  for (const [k, recs] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const week = k.slice(k.indexOf('|') + 1);
    const ranked = [...recs].sort((a, b) => sampleRank(a.id).localeCompare(sampleRank(b.id)));
    for (const r of ranked) if (r.flagged && !tasked.has(r.id)) picks.push({ recordingId: r.id, agentId: r.agentId, week, reason: 'flagged' });
    let missing = Math.ceil((percent * recs.length) / 100) - (sampled.get(k) ?? 0);
    for (const r of ranked) {
      if (missing <= 0) break;
      if (r.flagged || tasked.has(r.id)) continue;
      picks.push({ recordingId: r.id, agentId: r.agentId, week, reason: 'sample' });
      missing--;
    }
  }
  return picks;
}
