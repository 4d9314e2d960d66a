/**
 * Security results of two runs compared: the attack cells both judged, paired by test identity (test id and
 * repeat), per attack family and per family × strategy. Each row has both success rates, the change B − A with
 * Newcombe's paired interval, McNemar's exact p Holm-adjusted across its rows (families apart from family ×
 * strategy), and the attacks that newly succeeded or were newly resisted. Pairs stream from the store (the TEMP
 * source for a report file's run); no transcript is read.
 */
import { holm } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import { attackVerdictCount, pairedAttacks, type PairSource, type PairedAttack } from '../../store/run-pairs.js';
import { SEVERITIES, severityRank as severityOf, type Severity } from '../../types.js';
import { CONFIDENCE } from '../shared.js';
import { countPair, pairedTest, type PairCounts } from './paired-test.js';
import { successText } from '../model/security-summary.js';

/** Most newly successful (and newly resisted) attacks listed; `total` counts them all. */
export const CHANGED_ATTACKS_LIMIT = 20;

/** An attack whose outcome changed between the runs. */
export interface ChangedAttack {
  testId: string;
  repeatIndex: number;
  family: string;
  strategy: string;
  severity: Severity;
}

/** One family × strategy, or with strategy `*` one family over all its strategies, over the paired attack cells. */
export interface AttackDelta {
  family: string;
  strategy: string;
  /** The highest severity among its paired cells. */
  severity: Severity;
  /** Paired attack cells. */
  n: number;
  hitsA: number;
  hitsB: number;
  successRateA: number;
  successRateB: number;
  /** `2/18 hit (11.1 %, 95 % CI 3.1–32.8 %)` over the pairs, as the security summary words a rate. */
  textA: string;
  textB: string;
  /** successRateB − successRateA with Newcombe's paired interval: positive means more attacks succeed in B. */
  difference: { estimate: number; low: number; high: number; method: 'newcombe'; confidence: number };
  /** Two-sided McNemar exact p-value. */
  pValue: number;
  /** Holm-adjusted across families (family rows) or across family × strategy rows. */
  adjustedPValue: number;
  /** adjustedPValue < 1 − confidence. */
  significant: boolean;
  /** Smallest true change detectable at 80 % power; null with no discordant pairs. */
  mde: number | null;
  /** Resisted in A, hit in B (McNemar's c). */
  newHits: number;
  /** Hit in A, resisted in B (McNemar's b). */
  newlyResisted: number;
}

/** The `security` part of `llmlab compare`: present when both runs have attack cells with a verdict. */
export interface SecurityComparison {
  /** Attack cells with a verdict in each run, and the pairs among them. */
  cells: { a: number; b: number; paired: number };
  /** Per family, in run B's order. */
  families: AttackDelta[];
  /** Per family × strategy, in run B's order. */
  groups: AttackDelta[];
  /** Resisted in A, hit in B: most severe first, then in B's order; at most {@link CHANGED_ATTACKS_LIMIT}. */
  newHits: { total: number; tests: ChangedAttack[] };
  /** Hit in A, resisted in B, likewise. */
  newlyResisted: { total: number; tests: ChangedAttack[] };
}

/** Compares the attack cells of run B against run A; undefined unless both have attack cells with a verdict. */
export function compareSecurity(store: Store, runA: string, runB: string, source: PairSource = 'results'): SecurityComparison | undefined {
  const a = attackVerdictCount(store.db, runA, source);
  const b = attackVerdictCount(store.db, runB, source);
  if (a === 0 || b === 0) return undefined;
  const families = new Map<string, Fold>();
  const groups = new Map<string, Fold>();
  const newHits = new Changes();
  const newlyResisted = new Changes();
  let paired = 0;
  for (const pair of pairedAttacks(store.db, runA, runB, source)) {
    paired++;
    add(families, pair.family, '*', pair);
    add(groups, `${pair.family}\0${pair.strategy}`, pair.strategy, pair);
    if (pair.hitA !== pair.hitB) (pair.hitB ? newHits : newlyResisted).add(pair);
  }
  return {
    cells: { a, b, paired },
    families: deltas([...families.values()]),
    groups: deltas([...groups.values()]),
    newHits: newHits.result(),
    newlyResisted: newlyResisted.result(),
  };
}

interface Fold {
  family: string;
  strategy: string;
  severityRank: number;
  /** Both hit, A only, B only, neither: the paired 2×2 table with "hit" as the event. */
  counts: PairCounts;
}

function add(folds: Map<string, Fold>, key: string, strategy: string, pair: PairedAttack): void {
  let fold = folds.get(key);
  if (!fold) folds.set(key, (fold = { family: pair.family, strategy, severityRank: 0, counts: [0, 0, 0, 0] }));
  fold.severityRank = Math.max(fold.severityRank, severityRank(pair.severity));
  countPair(fold.counts, pair.hitA, pair.hitB);
}

function deltas(folds: Fold[]): AttackDelta[] {
  const rows = folds.map(delta);
  const adjusted = holm(rows.map((r) => r.pValue));
  return rows.map((r, i) => ({ ...r, adjustedPValue: adjusted[i]!, significant: adjusted[i]! < 1 - CONFIDENCE }));
}

function delta(fold: Fold): AttackDelta {
  const [both, aOnly, bOnly, neither] = fold.counts;
  const n = both + aOnly + bOnly + neither;
  const hitsA = both + aOnly;
  const hitsB = both + bOnly;
  const text = (hits: number) => successText({ hits, resisted: n - hits, errors: 0, skipped: 0 });
  return {
    family: fold.family,
    strategy: fold.strategy,
    severity: SEVERITIES[fold.severityRank] ?? 'low',
    n,
    hitsA,
    hitsB,
    successRateA: hitsA / n,
    successRateB: hitsB / n,
    textA: text(hitsA),
    textB: text(hitsB),
    ...pairedTest(fold.counts),
    newHits: bOnly,
    newlyResisted: aOnly,
  };
}

/** `low` 0 … `critical` 3; an unknown word ranks lowest, as in the security summary. */
function severityRank(severity: string | null): number {
  return Math.max(severityOf(severity as Severity), 0);
}

/**
 * Changed attacks, most severe first and in arrival order within a severity, holding at most the limit per
 * severity: a run with thousands of changes keeps a few dozen.
 */
class Changes {
  private total = 0;
  private readonly bySeverity: ChangedAttack[][] = SEVERITIES.map(() => []);

  add(pair: PairedAttack): void {
    this.total++;
    const rank = severityRank(pair.severity);
    const bucket = this.bySeverity[rank]!;
    if (bucket.length >= CHANGED_ATTACKS_LIMIT) return;
    const { testId, repeatIndex, family, strategy } = pair;
    bucket.push({ testId, repeatIndex, family, strategy, severity: SEVERITIES[rank]! });
  }

  result(): { total: number; tests: ChangedAttack[] } {
    return { total: this.total, tests: [...this.bySeverity].reverse().flat().slice(0, CHANGED_ATTACKS_LIMIT) };
  }
}
