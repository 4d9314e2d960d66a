/**
 * The fine-tune section of a run: per recipe, each training point (tuned model) against its base over the suite's
 * own prompts, paired by (prompt, test, repeat): pass rates with Newcombe's interval and McNemar's p, and per metric
 * the mean-score difference with a paired bootstrap interval; the sweep point the gate judges; the chosen point's
 * forgetting deltas; and each point's training job as stored.
 */
import { holm, pairedBootstrap, pairedProportionDiff } from '../../stats/index.js';
import type { FinetuneJobStatus, RunRecord, Store } from '../../store/index.js';
import type { RunFinetune } from '../../store/runs.js';
import { CONFIDENCE } from '../shared.js';
import { expand } from './comparisons.js';
import { foldMetricPairs, foldPassTables, tableKey, type MetricPairs, type PairCounts } from './finetune-pairs.js';

/** A tuned-minus-base difference with its interval. */
export interface FinetuneDifference {
  estimate: number;
  low: number;
  high: number;
  /** `newcombe` for pass rates, `paired-bootstrap` for mean scores. */
  method: 'newcombe' | 'paired-bootstrap';
  /** 0.95, or for the pass rate of a sweep of k points 1 − 0.05/k (see {@link summarizeFinetunes}). */
  confidence: number;
}

/** Tuned against base pass rates over the pairs both finished (errors count as failures). */
export interface FinetunePassComparison {
  n: number;
  base: number;
  tuned: number;
  /** Pairs only the base passed, and only the tuned model passed (McNemar's discordant cells). */
  baseOnly: number;
  tunedOnly: number;
  difference: FinetuneDifference;
  /** Two-sided McNemar exact p. */
  pValue: number;
  /** Holm-adjusted over the recipe's family (pass and every metric, of every point); forgetting: over its suites. */
  adjustedPValue: number;
  significant: boolean;
}

/** Tuned against base mean score of one metric name. */
export interface FinetuneMetricComparison {
  metric: string;
  n: number;
  base: number;
  tuned: number;
  difference: FinetuneDifference;
  /** Paired bootstrap p (2,000 resamples, seed 0). */
  pValue: number;
  adjustedPValue: number;
  significant: boolean;
}

/** One training point: its job and how its model compares with the base. */
export interface FinetunePointSummary {
  label: string;
  /** `epochs=2`; '' without a sweep. */
  point: string;
  hyperparameters: Record<string, number | string | boolean>;
  estimatedUsd: number;
  /** The point's newest job attempt; null when none is stored (e.g. a report read from another database). */
  job: {
    status: FinetuneJobStatus;
    jobId?: string;
    model?: string;
    trainedTokens?: number;
    error?: string;
  } | null;
  /** Null when no (prompt, test, repeat) has a verdict for both (the job failed, or its cells were skipped). */
  pass: FinetunePassComparison | null;
  metrics: FinetuneMetricComparison[];
}

/** The chosen point's pass rate against the base's on one forgetting suite. */
export interface FinetuneForgetting extends FinetunePassComparison {
  name: string;
}

/** One recipe's comparison. */
export interface FinetuneRecipeSummary {
  id: string;
  /** The base provider label. */
  base: string;
  /** `pass` or a metric name: what chose the point. */
  select: string;
  /** What validating the data counted (train, validation, trainTokens, leakedTests, nearDuplicates, …, warnings). */
  validation: Record<string, number>;
  points: FinetunePointSummary[];
  /** The point the gate judges: the best on `select`, ties to the cheaper; null when no point has pairs. */
  chosen: { label: string; point: string; reason: string } | null;
  /** The chosen point against the base on each forgetting suite, Holm-adjusted across them. */
  forgetting: FinetuneForgetting[];
}

/**
 * Every recipe of the run, or undefined for a run without `finetunes`.
 *
 * Choosing the best of k sweep points and then testing it is a multiple comparison: the best of k noisy estimates
 * is biased upwards. Holm's correction runs over every point (and metric) of a recipe, so the chosen point's p is
 * adjusted for the k it was picked from, and its pass-rate interval is a simultaneous one (Bonferroni, 1 − 0.05/k,
 * Holm's first step) — the interval the gate compares with the margin. One point: the plain 95 % interval.
 */
export function summarizeFinetunes(store: Store, run: RunRecord): FinetuneRecipeSummary[] | undefined {
  const recipes = run.options.finetunes;
  if (!recipes || recipes.length === 0) return undefined;
  const tables = foldPassTables(store, run.id, recipes);
  const metricPairs = foldMetricPairs(store, run.id, recipes);
  return recipes.map((recipe) => summarizeRecipe(store, recipe, tables, metricPairs));
}

function summarizeRecipe(
  store: Store,
  recipe: RunFinetune,
  tables: Map<string, PairCounts>,
  metricPairs: Map<string, Map<string, MetricPairs>>,
): FinetuneRecipeSummary {
  const confidence = recipe.points.length > 1 ? 1 - (1 - CONFIDENCE) / recipe.points.length : CONFIDENCE;
  const points = recipe.points.map((p): FinetunePointSummary => {
    const counts = tables.get(tableKey(recipe.id, { main: true }, p.label));
    const metrics = [...(metricPairs.get(`${recipe.id}\0${p.label}`) ?? new Map<string, MetricPairs>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([metric, pairs]) => metricComparison(metric, pairs));
    return {
      label: p.label,
      point: p.point,
      hyperparameters: p.hyperparameters,
      estimatedUsd: p.estimatedUsd,
      job: jobOf(store, p.hash),
      pass: counts ? passComparison(counts, confidence) : null,
      metrics,
    };
  });
  adjustFamily(points.flatMap((p) => [...(p.pass ? [p.pass] : []), ...p.metrics]));
  const chosen = choose(recipe.select, points);
  const forgetting = chosen ? forgettingOf(recipe, chosen.label, tables) : [];
  return { id: recipe.id, base: recipe.base, select: recipe.select, validation: { ...recipe.validation }, points, chosen, forgetting };
}

function passComparison(counts: PairCounts, confidence: number): FinetunePassComparison | null {
  const r = pairedProportionDiff(expand(counts), confidence);
  if (!r) return null;
  return {
    n: r.n,
    base: r.first,
    tuned: r.second,
    baseOnly: r.firstOnly,
    tunedOnly: r.secondOnly,
    difference: { estimate: r.estimate, low: r.low, high: r.high, method: 'newcombe', confidence },
    pValue: r.pValue,
    adjustedPValue: r.pValue,
    significant: false,
  };
}

function metricComparison(metric: string, pairs: MetricPairs): FinetuneMetricComparison[] {
  const r = pairedBootstrap(pairs.base, pairs.tuned, { confidence: CONFIDENCE });
  if (!r) return [];
  return [{
    metric,
    n: r.n,
    base: average(pairs.base),
    tuned: average(pairs.tuned),
    difference: { estimate: r.estimate, low: r.low, high: r.high, method: 'paired-bootstrap', confidence: CONFIDENCE },
    pValue: r.pValue,
    adjustedPValue: r.pValue,
    significant: false,
  }];
}

/** Holm over one family, in place. */
function adjustFamily(family: Array<{ pValue: number; adjustedPValue: number; significant: boolean }>): void {
  const adjusted = holm(family.map((f) => f.pValue));
  family.forEach((f, i) => {
    f.adjustedPValue = adjusted[i]!;
    f.significant = f.adjustedPValue < 1 - CONFIDENCE;
  });
}

/**
 * The best point on `select` among those with pairs: the tuned pass rate, or the tuned mean of that metric (a
 * point without it ranks last); equal values go to the lower estimated training cost, then to the suite's order.
 */
function choose(select: string, points: FinetunePointSummary[]): FinetuneRecipeSummary['chosen'] {
  const value = (p: FinetunePointSummary) =>
    select === 'pass' ? p.pass!.tuned : (p.metrics.find((m) => m.metric === select)?.tuned ?? -Infinity);
  const eligible = points.filter((p) => p.pass !== null);
  if (eligible.length === 0) return null;
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  const best = Math.max(...eligible.map(value));
  const tied = eligible.filter((p) => same(value(p), best));
  const cheapest = tied.reduce((a, b) => (b.estimatedUsd < a.estimatedUsd ? b : a));
  const what = select === 'pass' ? 'pass rate' : `mean ${select}`;
  const others = tied.filter((p) => p !== cheapest).map((p) => p.point || p.label);
  const tie = others.length > 0 ? `, tied with ${others.join(', ')}: the cheaper` : '';
  const reason = `best ${what} of ${points.length} point${points.length === 1 ? '' : 's'}${tie}`;
  return { label: cheapest.label, point: cheapest.point, reason };
}

function forgettingOf(recipe: RunFinetune, label: string, tables: Map<string, PairCounts>): FinetuneForgetting[] {
  const out = (recipe.forgetting ?? []).flatMap((f) => {
    const counts = tables.get(tableKey(recipe.id, { forgetting: f.name }, label));
    const pass = counts && passComparison(counts, CONFIDENCE);
    return pass ? [{ name: f.name, ...pass }] : [];
  });
  adjustFamily(out);
  return out;
}

function jobOf(store: Store, hash: string): FinetunePointSummary['job'] {
  const job = store.finetunes.latest(hash);
  if (!job) return null;
  return {
    status: job.status,
    ...(job.jobId === undefined ? {} : { jobId: job.jobId }),
    ...(job.model === undefined ? {} : { model: job.model }),
    ...(job.trainedTokens === undefined ? {} : { trainedTokens: job.trainedTokens }),
    ...(job.error === undefined ? {} : { error: job.error }),
  };
}

function average(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
