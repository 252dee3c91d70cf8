// What the satisfaction figures mean (surveys, app/survey), pure like definitions.ts: the
// survey report and the wallboard both compute them here, so a figure never differs.
//
// - Surveyed: calls whose caller was asked (the agent hung up first, the queue has a survey).
// - Answered: the caller pressed one of the survey's keys.
// - Response rate = answered ÷ surveyed.
// - Satisfaction (CSAT) = answers marked satisfied ÷ answered.
// - Average score = the answers' scores summed ÷ answered (each answer's score as it was when pressed).

export interface SurveyCounters {
  surveyed: number;
  answered: number;
  satisfied: number;
  scoreSum: number;
  /** Answers per label (as pressed). */
  byLabel: Record<string, number>;
}

export interface SurveyFigures extends SurveyCounters {
  /** 0..1, null without a call surveyed. */
  responseRate: number | null;
  /** 0..1, null without an answer. */
  csat: number | null;
  averageScore: number | null;
}

export function emptySurveyCounters(): SurveyCounters {
  return { surveyed: 0, answered: 0, satisfied: 0, scoreSum: 0, byLabel: {} };
}

/** One response; `answer` only when the caller answered. */
export function addSurveyResponse(c: SurveyCounters, answer: { score: number; satisfied: boolean; label: string } | null): SurveyCounters {
  c.surveyed += 1;
  if (answer) {
    c.answered += 1;
    c.scoreSum += answer.score;
    if (answer.satisfied) c.satisfied += 1;
    c.byLabel[answer.label] = (c.byLabel[answer.label] ?? 0) + 1;
  }
  return c;
}

export function sumSurveyCounters(list: Iterable<SurveyCounters>): SurveyCounters {
  const out = emptySurveyCounters();
  for (const c of list) {
    out.surveyed += c.surveyed;
    out.answered += c.answered;
    out.satisfied += c.satisfied;
    out.scoreSum += c.scoreSum;
    for (const [k, n] of Object.entries(c.byLabel)) out.byLabel[k] = (out.byLabel[k] ?? 0) + n;
  }
  return out;
}

export function surveyFigures(c: SurveyCounters): SurveyFigures {
  return {
    ...c,
    responseRate: c.surveyed ? c.answered / c.surveyed : null,
    csat: c.answered ? c.satisfied / c.answered : null,
    averageScore: c.answered ? c.scoreSum / c.answered : null,
  };
}

export const SURVEY_DEFINITIONS = {
  en: [
    'Surveyed: calls whose caller was asked the survey (the agent hung up first and the queue has a survey).',
    'Response rate = calls answered ÷ calls surveyed.',
    'Satisfaction (CSAT) = answers marked satisfied ÷ answers.',
    'Average score = sum of the answers\' scores ÷ answers; each answer keeps the score it had when pressed.',
  ],
  'zh-CN': [
    '参评通话：坐席先挂机、且队列设置了满意度调查时，向来电者播放调查的通话。',
    '参评率 = 作答通话 ÷ 参评通话。',
    '满意度 = 标记为满意的作答 ÷ 作答。',
    '平均分 = 作答分数之和 ÷ 作答数；每个作答保留按键当时的分数。',
  ],
} as const;
