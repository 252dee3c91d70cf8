// Scoring an evaluation against its card, pure: every item answered (N/A only where allowed),
// values in range; each section scores the weighted share of its applicable items; the card is
// the weighted sum of its sections (0–100); a failed critical item zeroes it.
import { AppError } from '../errors.js';
import type { ScorecardDefinition } from './qa.schemas.js';

export class EvaluationInputError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_evaluation', message, details);
  }
}

export interface Scored {
  score: number;
  criticalFailed: string[];
  sections: Array<{ title: string; score: number | null }>;
}

export function score(card: ScorecardDefinition, answers: Record<string, number | 'na'>): Scored {
  const items = new Map(card.sections.flatMap((s) => s.items.map((i) => [i.id, i] as const)));
  const unknown = Object.keys(answers).filter((k) => !items.has(k));
  if (unknown.length) throw new EvaluationInputError(`items not on this scorecard: ${unknown.join(', ')}`, { unknown });
  const missing = [...items.keys()].filter((k) => answers[k] === undefined);
  if (missing.length) throw new EvaluationInputError(`items not answered: ${missing.join(', ')}`, { missing });
  const criticalFailed: string[] = [];
  let total = 0;
  let applicableWeight = 0;
  const sections = card.sections.map((sec) => {
    let got = 0;
    let weight = 0;
    for (const it of sec.items) {
      const a = answers[it.id]!;
      if (a === 'na') {
        if (!it.allowNa) throw new EvaluationInputError(`item ${it.id} may not be N/A`);
        continue;
      }
      const max = it.type === 'yesno' ? 1 : it.max!;
      if (a > max) throw new EvaluationInputError(`item ${it.id}: ${a} is over its maximum ${max}`);
      if (it.critical && a === 0) criticalFailed.push(it.id);
      got += (it.weight * a) / max;
      weight += it.weight;
    }
    const s = weight ? (got / weight) * 100 : null;
    if (s !== null) {
      total += sec.weight * s;
      applicableWeight += sec.weight;
    }
    return { title: sec.title, score: s === null ? null : Math.round(s * 10) / 10 };
  });
  const raw = applicableWeight ? total / applicableWeight : 0;
  return { score: criticalFailed.length ? 0 : Math.round(raw * 10) / 10, criticalFailed, sections };
}
