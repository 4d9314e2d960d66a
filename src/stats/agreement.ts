/**
 * Inter-rater reliability for model-graded metrics (`graderRepeat: N`): how much repeated judge calls agree.
 * Data are units × raters: `ratings[u][r]` is rater r's value for unit u (a test), null or undefined when
 * missing. Values are primitives compared with SameValueZero.
 */
import type { Verdict } from './repeats.js';

/** One unit's ratings; null/undefined marks a missing rating. */
export type Ratings<T extends Verdict> = ReadonlyArray<T | null | undefined>;

function present<T extends Verdict>(unit: Ratings<T>): T[] {
  return unit.filter((value): value is T => value !== null && value !== undefined);
}

function valueCounts<T extends Verdict>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/**
 * Percent agreement: for each unit with at least two ratings, the fraction of its pairs of ratings that agree;
 * then the mean over those units, each unit weighing the same. With two raters and no missing data this is
 * the plain share of units on which they agree. Null when no unit has two ratings.
 */
export function percentAgreement<T extends Verdict>(ratings: ReadonlyArray<Ratings<T>>): number | null {
  let total = 0;
  let units = 0;
  for (const unit of ratings) {
    const values = present(unit);
    const m = values.length;
    if (m < 2) continue;
    let agreeing = 0;
    for (const count of valueCounts(values).values()) agreeing += count * (count - 1);
    total += agreeing / (m * (m - 1));
    units++;
  }
  return units === 0 ? null : total / units;
}

export interface KrippendorffResult {
  /** α = 1 − D_o/D_e; null when undefined (fewer than two pairable values, or no variation at all: D_e = 0). */
  alpha: number | null;
  /** Observed disagreement D_o. */
  observed: number;
  /** Expected disagreement D_e. */
  expected: number;
  /** Pairable values n: ratings in units that have at least two. */
  pairable: number;
  /** Units with at least two ratings. */
  units: number;
}

/**
 * Krippendorff's alpha for nominal data with missing values (K. Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability", Annenberg School for Communication, §C), from the coincidence matrix: each unit u with m_u
 * ≥ 2 ratings contributes its ordered pairs of ratings with weight 1/(m_u − 1); units with fewer are not
 * pairable and are dropped. With n pairable values and n_c of them equal to c,
 *
 *   D_o = (1/n) Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1),   D_e = (n² − Σ_c n_c²) / (n(n − 1)),   α = 1 − D_o/D_e.
 *
 * α = 1 is perfect agreement, 0 agreement at chance level, negative systematic disagreement. Krippendorff
 * (2004, §11.4) suggests α ≥ 0.8 for reliable data and 0.667 as the lowest tolerable.
 */
export function krippendorffAlpha<T extends Verdict>(ratings: ReadonlyArray<Ratings<T>>): KrippendorffResult {
  const totals = new Map<T, number>();
  let pairable = 0;
  let units = 0;
  let disagreement = 0;
  for (const unit of ratings) {
    const values = present(unit);
    const m = values.length;
    if (m < 2) continue;
    units++;
    pairable += m;
    let sameSquares = 0;
    for (const [value, count] of valueCounts(values)) {
      sameSquares += count * count;
      totals.set(value, (totals.get(value) ?? 0) + count);
    }
    disagreement += (m * m - sameSquares) / (m - 1);
  }
  const n = pairable;
  if (n < 2) return { alpha: null, observed: 0, expected: 0, pairable: n, units };
  let squares = 0;
  for (const count of totals.values()) squares += count * count;
  const observed = disagreement / n;
  const expected = (n * n - squares) / (n * (n - 1));
  return { alpha: expected === 0 ? null : 1 - observed / expected, observed, expected, pairable: n, units };
}
