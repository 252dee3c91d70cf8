// Calibration results, pure: per item the values each evaluator gave, their mean, population
// variance (Σ(x − mean)² / n over the evaluators who did not answer N/A), standard deviation and
// spread (max − min); an item is flagged when its standard deviation is above `threshold` % of the
// item's full marks (1 for yes/no, max for a scale). The total (0–100 card scores) likewise, its
// flag when the standard deviation is above `threshold` points.
import type { ScorecardDefinition } from './qa.schemas.js';

export interface Spread {
  n: number;
  mean: number | null;
  variance: number | null;
  stdDev: number | null;
  min: number | null;
  max: number | null;
  spread: number | null;
}

export function spreadOf(values: number[]): Spread {
  const n = values.length;
  if (!n) return { n, mean: null, variance: null, stdDev: null, min: null, max: null, spread: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { n, mean, variance, stdDev: Math.sqrt(variance), min, max, spread: max - min };
}

export interface CalibrationEvaluation {
  evaluator: string;
  answers: Record<string, number | 'na'>;
  score: number;
}

export interface ItemResult extends Spread {
  id: string;
  text: string;
  fullMarks: number;
  /** evaluator -> value or "na". */
  values: Record<string, number | 'na'>;
  flagged: boolean;
}

export function calibrationResults(card: Pick<ScorecardDefinition, 'sections'>, evaluations: CalibrationEvaluation[], threshold: number) {
  const items: ItemResult[] = card.sections.flatMap((sec) =>
    sec.items.map((it) => {
      const fullMarks = it.type === 'yesno' ? 1 : it.max!;
      const values = Object.fromEntries(evaluations.map((e) => [e.evaluator, e.answers[it.id] ?? 'na'])) as Record<string, number | 'na'>;
      const s = spreadOf(Object.values(values).filter((v): v is number => v !== 'na'));
      return { id: it.id, text: it.text, fullMarks, values, ...s, flagged: s.stdDev !== null && (s.stdDev / fullMarks) * 100 > threshold };
    }),
  );
  const scores = Object.fromEntries(evaluations.map((e) => [e.evaluator, e.score]));
  const t = spreadOf(Object.values(scores));
  return { threshold, items, total: { scores, ...t, flagged: t.stdDev !== null && t.stdDev > threshold }, flaggedItems: items.filter((i) => i.flagged).map((i) => i.id) };
}
export type CalibrationResults = ReturnType<typeof calibrationResults>;
