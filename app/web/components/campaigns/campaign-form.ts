// The campaign form's rules, pure so that they are unit-tested (as survey-form.ts): the form as the
// dialog edits it, the presets of results (a Chinese 回访 and an English follow-up), the body sent
// to the API checked with the server's own schemas (campaignCreateBody / campaignUpdateBody), where
// each problem — the page's check or the server's 400 — shows, the progress figures of the list,
// the status moves a role may make, and the desk's result body.
// The server's own schemas, by a relative path (unit-tested under Node, bundled by Vite).
import { campaignCreateBody, campaignUpdateBody, contactResultBody, SYSTEM_RESULTS } from '../../../campaign/campaign.schemas.js';
import type { Campaign, CampaignBody, CampaignCounts, CampaignResult, CampaignStatus } from '../../api/campaign-types.js';
import { formProblems, type Problem } from '../form-problems.js';

export const MAX_RESULTS = 20;
export const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export interface CampaignForm {
  name: string;
  title: string;
  queue: string;
  script: string;
  results: CampaignResult[];
  /** Calling hours: weekdays (1 = Monday), HH:MM from and to, IANA timezone. */
  days: number[];
  from: string;
  to: string;
  timezone: string;
  maxAttempts: number;
  retryMinutes: number;
  holdMinutes: number;
}

/** The browser's timezone (the default of a new campaign). */
export const localTimezone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const blankForm = (timezone = localTimezone()): CampaignForm => ({
  name: '',
  title: '',
  queue: '',
  script: '',
  results: [{ code: '', label: '', final: true, success: true }],
  days: [1, 2, 3, 4, 5],
  from: '09:00',
  to: '18:00',
  timezone,
  maxAttempts: 3,
  retryMinutes: 60,
  holdMinutes: 15,
});

export function formOf(c: Campaign): CampaignForm {
  return {
    name: c.name,
    title: c.title,
    queue: c.queue,
    script: c.script,
    results: c.results.map((r) => ({ ...r })),
    days: [...c.callingHours.days].sort(),
    from: c.callingHours.from,
    to: c.callingHours.to,
    timezone: c.callingHours.timezone,
    maxAttempts: c.maxAttempts,
    retryMinutes: c.retryMinutes,
    holdMinutes: c.holdMinutes,
  };
}

export const PRESETS = ['zhRevisit', 'enFollowUp'] as const;
export type Preset = (typeof PRESETS)[number];

/** The usual result sets with a script, filled in with one click (the rest of the form is kept). */
export function preset(p: Preset): Pick<CampaignForm, 'results' | 'script'> {
  if (p === 'zhRevisit') {
    return {
      script: '您好，我是{公司}客服，这次来电是想回访一下您最近的服务体验，耽误您一两分钟可以吗？\n1. 您对我们的服务满意吗？\n2. 还有什么需要我们帮您处理的吗？\n感谢您的支持，再见。',
      results: [
        { code: 'success', label: '成功', final: true, success: true },
        { code: 'interested', label: '有意向', final: false, success: false },
        { code: 'not_interested', label: '无意向', final: true, success: false },
        { code: 'wrong_number', label: '号码错误', final: true, success: false },
      ],
    };
  }
  return {
    script: 'Hello, this is {company} customer care. We are calling to follow up on your recent request — do you have two minutes?\n1. Are you satisfied with how it was handled?\n2. Is there anything else we can help with?\nThank you, goodbye.',
    results: [
      { code: 'completed', label: 'Completed', final: true, success: true },
      { code: 'call_again', label: 'Call again later', final: false, success: false },
      { code: 'not_interested', label: 'Not interested', final: true, success: false },
      { code: 'wrong_number', label: 'Wrong number', final: true, success: false },
    ],
  };
}

/** The body to send: POST (creating, with the name) or PUT (without it). */
export function bodyOf(f: CampaignForm, creating: boolean): CampaignBody {
  const common = {
    title: f.title.trim(),
    queue: f.queue.trim(),
    script: f.script,
    results: f.results.map((r) => ({ code: r.code.trim(), label: r.label.trim(), final: r.final, success: r.success })),
    callingHours: { days: [...f.days].sort((a, b) => a - b), from: f.from, to: f.to, timezone: f.timezone.trim() },
    maxAttempts: f.maxAttempts,
    retryMinutes: f.retryMinutes,
    holdMinutes: f.holdMinutes,
  };
  return creating ? { name: f.name.trim(), ...common } : common;
}

/**
 * A problem in words the page has (keys under campaigns.problems), with its arguments: `field` is
 * where it shows — a form field (name, title, queue, script, days, from, to, timezone, maxAttempts
 * …), `results` for the results as a whole, or `results.<i>.<code|label>` for one cell.
 */
export type { Problem };

const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const SIMPLE = ['name', 'title', 'queue', 'script', 'maxAttempts', 'retryMinutes', 'holdMinutes'];

/** Where one refused path (a zod issue's, or a 400's `details.field`) shows, and in which words. */
export function problemOf(path: string, f: CampaignForm): Problem {
  const [head, index, cell] = path.split('.');
  if (head === 'results') {
    const i = Number(index);
    if (index !== undefined && Number.isInteger(i) && f.results[i]) {
      if (cell === 'label') return { field: `results.${i}.label`, text: 'label' };
      if (cell === 'final' || cell === 'success') return { field: 'results', text: 'results' };
      const field = `results.${i}.code`;
      const code = f.results[i]!.code.trim();
      const first = f.results.findIndex((r) => r.code.trim() === code);
      if (code && first < i) return { field, text: 'codeTwice', args: { code, n: first + 1 } };
      if ((SYSTEM_RESULTS as readonly string[]).includes(code)) return { field, text: 'codeSystem', args: { code } };
      return { field, text: 'code' };
    }
    if (f.results.length < 1 || f.results.length > MAX_RESULTS) return { field: 'results', text: 'resultsCount', args: { max: MAX_RESULTS } };
    if (!f.results.some((r) => r.final)) return { field: 'results', text: 'noFinal' };
    return { field: 'results', text: 'results' };
  }
  if (head === 'callingHours') {
    if (index === 'days') return { field: 'days', text: 'days' };
    if (index === 'from') return { field: 'from', text: 'from' };
    if (index === 'timezone') return { field: 'timezone', text: 'timezone' };
    // "to before from" is about two good times: a bad one is named itself.
    if (!CLOCK.test(f.from)) return { field: 'from', text: 'from' };
    if (!CLOCK.test(f.to)) return { field: 'to', text: 'to' };
    return { field: 'to', text: 'toBeforeFrom' };
  }
  return SIMPLE.includes(head!) ? { field: head!, text: head! } : { field: 'other', text: 'other' };
}

/** The form checked with the server's schema: the body, or the problems by where they show (the first of each place). */
export function checkForm(f: CampaignForm, creating: boolean): { body: CampaignBody; problems: Problem[] } {
  const body = bodyOf(f, creating);
  const problems = formProblems((creating ? campaignCreateBody : campaignUpdateBody).safeParse(body), (path) => problemOf(path, f));
  return { body, problems };
}

/** A code made from a label typed in Latin letters (`Call again` → `call_again`); '' when it has none. */
export function codeFromLabel(label: string, taken: string[]): string {
  const base = label.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 28);
  if (!base || !/^[a-z0-9]/.test(base)) return '';
  let code = base;
  for (let n = 2; taken.includes(code) || (SYSTEM_RESULTS as readonly string[]).includes(code); n++) code = `${base}_${n}`;
  return code;
}

/** The list's progress: contacts worked to an end (done + unreached) out of all of them. */
export interface Progress { total: number; worked: number; done: number; unreached: number; open: number; percent: number }

export function progressOf(c: CampaignCounts | null | undefined): Progress {
  const total = c?.total ?? 0;
  const done = c?.done ?? 0;
  const unreached = c?.unreached ?? 0;
  const worked = done + unreached;
  const open = (c?.pending ?? 0) + (c?.reserved ?? 0);
  const percent = total > 0 ? Math.min(100, Math.floor((worked / total) * 1000) / 10) : 0;
  return { total, worked, done, unreached, open, percent };
}

/** A rate (a fraction, or null with nothing to divide by) as "42.5%" or "—". */
export const rateText = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);

export type Role = 'admin' | 'supervisor' | 'agent' | 'readonly';
export type StatusMove = 'start' | 'pause' | 'resume' | 'finish';
/** The target status of each move (the API's `{status}`). */
export const MOVE_STATUS: Record<StatusMove, 'running' | 'paused' | 'finished'> = { start: 'running', pause: 'paused', resume: 'running', finish: 'finished' };

/** Who creates, edits and moves campaigns and their contacts. */
export const canManage = (role: string | undefined): boolean => role === 'admin' || role === 'supervisor';

/** The moves the page offers for a campaign in `status` (none to read-only users, none once finished). */
export function movesOf(status: CampaignStatus, role: string | undefined): StatusMove[] {
  if (!canManage(role)) return [];
  switch (status) {
    case 'draft': return ['start', 'finish'];
    case 'running': return ['pause', 'finish'];
    case 'paused': return ['resume', 'finish'];
    default: return [];
  }
}
export const canEdit = (status: CampaignStatus, role: string | undefined): boolean => canManage(role) && status !== 'finished';
/** Admins delete a campaign that is not running (its contacts and attempts go with it). */
export const canDelete = (status: CampaignStatus, role: string | undefined): boolean => role === 'admin' && status !== 'running';

/** The agent's result form. `callbackAt`: a Date (the picker's) or null. */
export interface ResultForm { result: string; note: string; callbackAt: Date | null }

/** The body of POST …/result, checked with the server's schema; `problem`: the field to name ('result', 'callbackAt', 'note'). */
export function resultBodyOf(f: ResultForm, now = new Date()): { body: { result: string; note: string; callbackAt?: string }; problem: { field: string; text: string } | null } {
  const body: { result: string; note: string; callbackAt?: string } = { result: f.result, note: f.note.trim() };
  if (f.result === 'callback' && f.callbackAt) body.callbackAt = f.callbackAt.toISOString();
  if (!f.result) return { body, problem: { field: 'result', text: 'pickResult' } };
  if (f.result === 'callback') {
    if (!f.callbackAt) return { body, problem: { field: 'callbackAt', text: 'callbackWhen' } };
    if (f.callbackAt.getTime() <= now.getTime()) return { body, problem: { field: 'callbackAt', text: 'callbackPast' } };
    if (f.callbackAt.getTime() > now.getTime() + 30 * 86_400_000) return { body, problem: { field: 'callbackAt', text: 'callbackFar' } };
  }
  const parsed = contactResultBody.safeParse(body);
  if (!parsed.success) {
    const head = String(parsed.error.issues[0]?.path[0] ?? 'result');
    return { body, problem: { field: head, text: head === 'note' ? 'note' : head === 'callbackAt' ? 'callbackWhen' : 'pickResult' } };
  }
  return { body, problem: null };
}
