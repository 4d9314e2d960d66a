/**
 * Cost against quality across a run's prompt × provider targets: the Pareto frontier over (pass rate ↑, cost ↓,
 * p95 latency ↓), which targets are dominated and by whom, and one recommendation — the cheapest target within
 * X points of the best pass rate that is not significantly worse than it (the run's paired McNemar comparisons,
 * which exist only for targets sharing a prompt or a provider; otherwise the recommendation says it is untested).
 * Pure: no store, no I/O.
 */
import type { Comparison } from './comparisons.js';
import { formatP, formatUsd } from '../shared.js';

/** What the frontier needs of a target. */
export interface ParetoInput {
  promptId: string;
  providerLabel: string;
  passRate: number | null;
  /** USD of generation and grading. */
  costUsd: number;
  p95Ms: number | null;
}

export interface ParetoPoint {
  promptId: string;
  providerLabel: string;
  passRate: number;
  costUsd: number;
  p95Ms: number | null;
  dominated: boolean;
  /** Targets (`prompt × provider`) at least as good on all three and better on one. */
  dominatedBy: string[];
}

export interface ParetoRecommendation {
  promptId: string;
  providerLabel: string;
  passRate: number;
  costUsd: number;
  /** The target with the best pass rate (the cheapest of those tied). */
  best: { promptId: string; providerLabel: string; passRate: number; costUsd: number };
  /** Pass-rate points the recommendation is below the best (≥ 0). */
  pointsBelowBest: number;
  /**
   * `best` when it is the best itself; `not-significant` when McNemar's paired test (Holm-adjusted) finds no
   * difference from the best; `untested` when the two share neither prompt nor provider, so no paired test ran.
   */
  significance: 'best' | 'not-significant' | 'untested';
  /** The adjusted p-value of the comparison with the best, when there is one. */
  adjustedPValue?: number;
  /** One line for the console. */
  line: string;
}

export interface ParetoSummary {
  /** Targets with a pass rate, in input order. */
  points: ParetoPoint[];
  /** Names (`prompt × provider`) of the targets no other dominates. */
  frontier: string[];
  /** Pass-rate points a cheaper target may trail the best by and still be recommended. */
  tolerancePoints: number;
  /** Null with fewer than two targets with a pass rate. */
  recommendation: ParetoRecommendation | null;
}

/** Default of `tolerancePoints`: 5 pass-rate points. */
export const DEFAULT_TOLERANCE_POINTS = 5;

export function targetName(t: { promptId: string; providerLabel: string }): string {
  return `${t.promptId} × ${t.providerLabel}`;
}

/** True when `a` is at least as good as `b` on every axis and better on one. A missing p95 ties. */
export function dominates(a: ParetoInput, b: ParetoInput): boolean {
  if (a.passRate === null || b.passRate === null) return false;
  const latency = a.p95Ms === null || b.p95Ms === null ? 0 : Math.sign(b.p95Ms - a.p95Ms);
  const axes = [Math.sign(a.passRate - b.passRate), Math.sign(b.costUsd - a.costUsd), latency];
  return axes.every((d) => d >= 0) && axes.some((d) => d > 0);
}

export function paretoFrontier(
  targets: readonly ParetoInput[],
  comparisons: readonly Comparison[],
  tolerancePoints = DEFAULT_TOLERANCE_POINTS,
): ParetoSummary {
  const rated = targets.filter((t): t is ParetoInput & { passRate: number } => t.passRate !== null);
  const points: ParetoPoint[] = rated.map((t) => {
    const by = rated.filter((other) => other !== t && dominates(other, t)).map(targetName);
    return {
      promptId: t.promptId,
      providerLabel: t.providerLabel,
      passRate: t.passRate,
      costUsd: t.costUsd,
      p95Ms: t.p95Ms,
      dominated: by.length > 0,
      dominatedBy: by,
    };
  });
  return {
    points,
    frontier: points.filter((p) => !p.dominated).map(targetName),
    tolerancePoints,
    recommendation: points.length < 2 ? null : recommend(points, comparisons, tolerancePoints),
  };
}

function recommend(points: readonly ParetoPoint[], comparisons: readonly Comparison[], tolerance: number): ParetoRecommendation {
  const best = [...points].sort((a, b) => b.passRate - a.passRate || a.costUsd - b.costUsd)[0]!;
  const candidates = points
    .filter((p) => (best.passRate - p.passRate) * 100 <= tolerance + 1e-9)
    .map((p) => ({ point: p, test: significanceVs(best, p, comparisons) }))
    .filter((c) => c.test.significance !== 'significant')
    .sort((a, b) => a.point.costUsd - b.point.costUsd || b.point.passRate - a.point.passRate || (a.point.p95Ms ?? 0) - (b.point.p95Ms ?? 0));
  // The best always qualifies (it is within 0 points of itself), so there is a candidate.
  const chosen = candidates[0]!;
  const significance = chosen.test.significance as ParetoRecommendation['significance'];
  const pointsBelowBest = Math.max((best.passRate - chosen.point.passRate) * 100, 0);
  const recommendation: Omit<ParetoRecommendation, 'line'> = {
    promptId: chosen.point.promptId,
    providerLabel: chosen.point.providerLabel,
    passRate: chosen.point.passRate,
    costUsd: chosen.point.costUsd,
    best: { promptId: best.promptId, providerLabel: best.providerLabel, passRate: best.passRate, costUsd: best.costUsd },
    pointsBelowBest,
    significance,
    ...(chosen.test.adjustedPValue === undefined ? {} : { adjustedPValue: chosen.test.adjustedPValue }),
  };
  return { ...recommendation, line: recommendationLine(recommendation, tolerance) };
}

/** How `candidate` compares with `best` in the run's paired comparisons. */
function significanceVs(
  best: ParetoPoint,
  candidate: ParetoPoint,
  comparisons: readonly Comparison[],
): { significance: ParetoRecommendation['significance'] | 'significant'; adjustedPValue?: number } {
  if (candidate === best) return { significance: 'best' };
  const found = comparisons.find((c) => {
    if (c.kind === 'provider' && best.promptId === candidate.promptId && c.on === best.promptId) {
      return (c.a === best.providerLabel && c.b === candidate.providerLabel) || (c.b === best.providerLabel && c.a === candidate.providerLabel);
    }
    if (c.kind === 'prompt' && best.providerLabel === candidate.providerLabel && c.on === best.providerLabel) {
      return (c.a === best.promptId && c.b === candidate.promptId) || (c.b === best.promptId && c.a === candidate.promptId);
    }
    return false;
  });
  if (!found) return { significance: 'untested' };
  // Significant only counts against the candidate when it is the worse one (it is, or ties, by construction).
  return { significance: found.significant ? 'significant' : 'not-significant', adjustedPValue: found.adjustedPValue };
}

function recommendationLine(r: Omit<ParetoRecommendation, 'line'>, tolerance: number): string {
  const rate = (x: number) => `${(x * 100).toFixed(1)}%`;
  const money = formatUsd;
  const name = targetName(r);
  if (r.significance === 'best') {
    return `recommended: ${name} (${rate(r.passRate)}, ${money(r.costUsd)}): the best pass rate; no cheaper target within ${tolerance} points qualifies`;
  }
  const why =
    r.significance === 'not-significant'
      ? `not significantly worse (McNemar, ${r.adjustedPValue === undefined ? 'untested' : formatP(r.adjustedPValue, 'adjusted p')})`
      : 'significance untested (no shared prompt or provider to pair on)';
  return (
    `recommended: ${name} (${rate(r.passRate)}, ${money(r.costUsd)}): cheapest within ${tolerance} points of the best, ` +
    `${targetName(r.best)} (${rate(r.best.passRate)}, ${money(r.best.costUsd)}); ${why}`
  );
}
