/**
 * Paired comparisons of a run: every two prompts on the same provider and every two providers on the same prompt,
 * over the tests both finished. Verdicts are streamed from the store and folded into one 2×2 table per pair, so
 * no output is read and memory does not grow with the run.
 */
import { holm, pairedProportionDiff } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import type { CellVerdict } from '../../store/results.js';
import { CONFIDENCE } from '../shared.js';

/** The confidence of every interval in the report, and 1 − the level at which a comparison is significant. */

/** A target as far as pairing is concerned. */
export interface TargetKey {
  promptId: string;
  providerLabel: string;
}

/** The paired comparison of two prompts (same provider) or two providers (same prompt). */
export interface Comparison {
  /** What differs between `a` and `b`. */
  kind: 'prompt' | 'provider';
  /** Prompt ids (kind `prompt`) or provider labels (kind `provider`); `a` is the one listed first in the table. */
  a: string;
  b: string;
  /** What both share: the provider label when comparing prompts, the prompt id when comparing providers. */
  on: string;
  /** Pairs: (test id, repeat index) that both finished with a verdict; errors count as failures. */
  n: number;
  passRateA: number;
  passRateB: number;
  /** Pairs where only `a` passed, and where only `b` passed (McNemar's discordant cells). */
  aOnly: number;
  bOnly: number;
  /** passRateB − passRateA with Newcombe's paired interval (square-and-add of Wilson intervals). */
  difference: { estimate: number; low: number; high: number; method: 'newcombe'; confidence: number };
  /** Two-sided McNemar exact p-value. */
  pValue: number;
  /** Holm-adjusted over all comparisons of the run. */
  adjustedPValue: number;
  /** adjustedPValue < 1 − CONFIDENCE. */
  significant: boolean;
  /** Smallest true difference detectable at 80 % power here; null with no discordant pairs (nothing to scale by). */
  mde: number | null;
}

interface PairTable {
  kind: Comparison['kind'];
  first: number;
  second: number;
  /** Both pass, first only, second only, both fail. */
  counts: [number, number, number, number];
}

/** Compares every eligible pair of `targets` (in their order) over the run's shared tests, Holm-adjusted. */
export function compareTargets(store: Store, runId: string, targets: readonly TargetKey[]): Comparison[] {
  const tables = pairsOf(targets);
  if (tables.length === 0) return [];
  foldVerdicts(store.results.verdicts(runId), targets, tables);
  const compared = tables.flatMap((t) => {
    const result = pairedProportionDiff(expand(t.counts), CONFIDENCE);
    return result ? [{ table: t, result }] : [];
  });
  const adjusted = holm(compared.map((c) => c.result.pValue));
  return compared.map(({ table, result }, i): Comparison => {
    const a = targets[table.first]!;
    const b = targets[table.second]!;
    const adjustedPValue = adjusted[i]!;
    const byPrompt = table.kind === 'prompt';
    return {
      kind: table.kind,
      a: byPrompt ? a.promptId : a.providerLabel,
      b: byPrompt ? b.promptId : b.providerLabel,
      on: byPrompt ? a.providerLabel : a.promptId,
      n: result.n,
      passRateA: result.first,
      passRateB: result.second,
      aOnly: result.firstOnly,
      bOnly: result.secondOnly,
      difference: { estimate: result.estimate, low: result.low, high: result.high, method: 'newcombe', confidence: CONFIDENCE },
      pValue: result.pValue,
      adjustedPValue,
      significant: adjustedPValue < 1 - CONFIDENCE,
      mde: result.mde,
    };
  });
}

/** A pair of targets worth comparing: indexes into the target list. */
export interface TargetPair {
  kind: Comparison['kind'];
  first: number;
  second: number;
}

/**
 * Every two targets that differ in exactly one of prompt and provider, prompt pairs first (the question a prompt
 * author asks first), each in the targets' order. Score comparisons pair the same way.
 */
export function targetPairs(targets: readonly TargetKey[]): TargetPair[] {
  const pairs: TargetPair[] = [];
  targets.forEach((x, first) => {
    for (let second = first + 1; second < targets.length; second++) {
      const y = targets[second]!;
      const kind =
        x.providerLabel === y.providerLabel ? 'prompt' : x.promptId === y.promptId ? 'provider' : undefined;
      if (kind) pairs.push({ kind, first, second });
    }
  });
  return [...pairs.filter((t) => t.kind === 'prompt'), ...pairs.filter((t) => t.kind === 'provider')];
}

function pairsOf(targets: readonly TargetKey[]): PairTable[] {
  return targetPairs(targets).map((p) => ({ ...p, counts: [0, 0, 0, 0] }));
}

/** Verdicts arrive grouped by (test, repeat); each group adds one pair to every table whose two targets it holds. */
function foldVerdicts(verdicts: Iterable<CellVerdict>, targets: readonly TargetKey[], tables: PairTable[]): void {
  const index = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  const passed: Array<boolean | undefined> = new Array(targets.length);
  let group: string | undefined;
  const flush = () => {
    for (const t of tables) {
      const x = passed[t.first];
      const y = passed[t.second];
      if (x === undefined || y === undefined) continue;
      t.counts[x ? (y ? 0 : 1) : y ? 2 : 3]++;
    }
    passed.fill(undefined);
  };
  for (const v of verdicts) {
    const key = `${v.testId}\0${v.repeatIndex}`;
    if (key !== group) {
      if (group !== undefined) flush();
      group = key;
    }
    const i = index.get(`${v.promptId}\0${v.providerLabel}`);
    if (i !== undefined) passed[i] = v.status === 'pass';
  }
  if (group !== undefined) flush();
}

const BOTH: readonly [boolean, boolean] = [true, true];
const FIRST: readonly [boolean, boolean] = [true, false];
const SECOND: readonly [boolean, boolean] = [false, true];
const NEITHER: readonly [boolean, boolean] = [false, false];

/** The pairs of a 2×2 table, as the stats library takes them; four shared tuples, so cheap at any n. */
export function expand([a, b, c, d]: readonly [number, number, number, number]): Array<readonly [boolean, boolean]> {
  return [
    ...new Array<readonly [boolean, boolean]>(a).fill(BOTH),
    ...new Array<readonly [boolean, boolean]>(b).fill(FIRST),
    ...new Array<readonly [boolean, boolean]>(c).fill(SECOND),
    ...new Array<readonly [boolean, boolean]>(d).fill(NEITHER),
  ];
}
