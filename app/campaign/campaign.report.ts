// A campaign's figures: contacts per status, calls placed and connected, talk, results, and
// the same per agent and per day (in the campaign's timezone). Rates are fractions, null with
// nothing to divide by. Counted from the campaign's attempts and contacts.
import { CampaignAttempt, CampaignContact } from './campaign.entities.js';
import { dayIn } from './campaign.rules.js';
import { resultLabel, type CampaignService } from './campaign.service.js';

const rate = (n: number, d: number) => (d ? n / d : null);

export async function campaignReport(campaigns: CampaignService, name: string) {
  const v = await campaigns.get(name);
  const success = new Set(v.results.filter((r) => r.success).map((r) => r.code));
  const m = campaigns.db.manager;
  const attempts = await m.find(CampaignAttempt, { select: { agentId: true, agentName: true, placedAt: true, dialStatus: true, talkSeconds: true, result: true }, where: { campaignId: v.id } });
  const contacts = await m.find(CampaignContact, { select: { status: true, result: true, agentId: true }, where: { campaignId: v.id } });
  const names = await campaigns.ports.agentNames();
  const agents = new Map<string, { agentId: string; agentName: string; attempts: number; connected: number; talkSeconds: number; done: number; success: number }>();
  const agent = (id: string, fallback: string) => {
    let a = agents.get(id);
    if (!a) agents.set(id, (a = { agentId: id, agentName: names.get(id) ?? fallback, attempts: 0, connected: 0, talkSeconds: 0, done: 0, success: 0 }));
    return a;
  };
  const days = new Map<string, { day: string; attempts: number; connected: number; success: number }>();
  let placed = 0;
  let connected = 0;
  let talk = 0;
  for (const a of attempts) {
    if (!a.placedAt) continue;
    placed++;
    const ok = a.dialStatus === 'ANSWER';
    if (ok) connected++;
    talk += a.talkSeconds ?? 0;
    const g = agent(a.agentId, a.agentName);
    g.attempts++;
    if (ok) g.connected++;
    g.talkSeconds += a.talkSeconds ?? 0;
    const key = dayIn(a.placedAt, v.callingHours.timezone);
    let d = days.get(key);
    if (!d) days.set(key, (d = { day: key, attempts: 0, connected: 0, success: 0 }));
    d.attempts++;
    if (ok) d.connected++;
    if (a.result && success.has(a.result)) d.success++;
  }
  const results = new Map<string, number>();
  let done = 0;
  let succeeded = 0;
  for (const c of contacts) {
    if (c.result) results.set(c.result, (results.get(c.result) ?? 0) + 1);
    if (c.status !== 'done') continue;
    done++;
    const won = c.result !== null && success.has(c.result);
    if (won) succeeded++;
    if (c.agentId) {
      const g = agent(c.agentId, '');
      g.done++;
      if (won) g.success++;
    }
  }
  const finished = v.counts.done + v.counts.unreached;
  return {
    counts: v.counts,
    attempts: placed,
    connected,
    connectRate: rate(connected, placed),
    done,
    success: succeeded,
    successRate: rate(succeeded, finished),
    talkSeconds: talk,
    results: [...results].map(([code, count]) => ({ code, label: resultLabel(v.results, code)!, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    agents: [...agents.values()].sort((a, b) => a.agentName.localeCompare(b.agentName)),
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}
