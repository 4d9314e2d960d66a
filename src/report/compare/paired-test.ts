/**
 * The paired test behind every A → B comparison: a 2×2 table of paired outcomes (both, A only, B only, neither)
 * → the difference in rate with Newcombe's paired interval, McNemar's exact p and the MDE. Pass rates (compare-runs)
 * and attack success rates (security-comparison) are both read this way.
 */
import { pairedProportionDiff } from '../../stats/index.js';
import { CONFIDENCE } from '../shared.js';

/** Paired outcomes counted: event in both runs, in A only, in B only, in neither. */
export type PairCounts = [number, number, number, number];

/** What a paired test of one 2×2 table gives; `adjustedPValue` is `pValue` until a Holm step adjusts it. */
export interface PairedTest {
  /** rate B − rate A with Newcombe's paired interval. */
  difference: { estimate: number; low: number; high: number; method: 'newcombe'; confidence: number };
  /** Two-sided McNemar exact p-value. */
  pValue: number;
  adjustedPValue: number;
  /** adjustedPValue < 1 − confidence. */
  significant: boolean;
  /** Smallest true difference detectable at 80 % power; null with no discordant pairs. */
  mde: number | null;
}

/** Adds one pair to the table. */
export function countPair(counts: PairCounts, a: boolean, b: boolean): void {
  counts[a ? (b ? 0 : 1) : b ? 2 : 3]++;
}

/** The paired test of a non-empty table. */
export function pairedTest(counts: PairCounts): PairedTest {
  const result = pairedProportionDiff(expand(counts), CONFIDENCE)!;
  return {
    difference: { estimate: result.estimate, low: result.low, high: result.high, method: 'newcombe', confidence: CONFIDENCE },
    pValue: result.pValue,
    adjustedPValue: result.pValue,
    significant: result.pValue < 1 - CONFIDENCE,
    mde: result.mde,
  };
}

const PAIRS: ReadonlyArray<readonly [boolean, boolean]> = [
  [true, true],
  [true, false],
  [false, true],
  [false, false],
];

/** The pairs of a 2×2 table as the stats library takes them: four shared tuples, cheap at any n. */
function expand(counts: PairCounts): Array<readonly [boolean, boolean]> {
  return counts.flatMap((count, i) => new Array<readonly [boolean, boolean]>(count).fill(PAIRS[i]!));
}
