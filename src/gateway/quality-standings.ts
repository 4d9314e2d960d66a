/**
 * How each candidate of a virtual model stands in one stored run, on the metric its `quality:` rule names: the
 * rate, its 95 % interval, and whether the LOWER bound meets `minRate`. A lower bound, not the point estimate:
 * 46 of 50 is 92 % but could well be 85 % in truth, and routing users to it on a lucky sample is what the rule
 * exists to prevent.
 */
import { LlmlabError } from '../errors.js';
import { CONFIDENCE, pct } from '../report/shared.js';
import { clusteredInterval, quantileSorted, tInterval, wilson } from '../stats/index.js';
import type { Store } from '../store/index.js';
import { metricCellRows, runMetricNames } from '../store/quality-rows.js';
import type { GatewayCandidate, QualityRule } from './types.js';

/** One candidate in the quality table. */
export interface CandidateStanding {
  label: string;
  /** Cells counted (0: the candidate is not in the run, or only skipped there). */
  n: number;
  /** The pass rate or the metric's mean score. */
  rate: number;
  /** The 95 % interval of `rate`; [0, 1] when it cannot be computed (fewer than two cells). */
  lower: number;
  upper: number;
  /** Median latency of the candidate's calls in the run (cached ones at their recorded latency). */
  medianLatencyMs?: number;
  /** `lower` ≥ `minRate`: the candidate may serve. */
  qualifies: boolean;
  /** Why it does not qualify, for logs and the start-up error. */
  reason?: string;
}

/** A target (provider label) of the run, with its id, as results store it. */
interface RunTarget {
  providerId: string;
  providerLabel: string;
}

/**
 * The standing of every candidate, in candidate order. Throws (CONFIG_INVALID / UNKNOWN_METRIC) when the rule
 * names a prompt or a metric the run does not have: routing on nothing would look like routing on something.
 */
export function standingsOf(
  store: Store,
  runId: string,
  rule: QualityRule,
  candidates: readonly GatewayCandidate[],
  repeat: number,
): CandidateStanding[] {
  const totals = store.results.totals(runId);
  if (rule.prompt !== undefined && !totals.some((t) => t.promptId === rule.prompt)) {
    const prompts = [...new Set(totals.map((t) => t.promptId))].join(', ');
    throw new LlmlabError('CONFIG_INVALID', `quality.prompt '${rule.prompt}' is not a prompt of run ${runId} (its prompts: ${prompts || 'none'})`, {
      hint: 'name a prompt id of the suite, or drop `prompt` to pool every prompt',
    });
  }
  const inPrompt = totals.filter((t) => rule.prompt === undefined || t.promptId === rule.prompt);
  const labelOf = targetMatcher(inPrompt);
  const counts = rule.metric === 'pass' ? passCounts(inPrompt) : metricCounts(store, runId, rule, repeat);
  return candidates.map((candidate) => {
    const label = labelOf(candidate);
    const latencies = inPrompt.filter((t) => t.providerLabel === label).flatMap((t) => t.latencies).sort((a, b) => a - b);
    const interval = label === undefined ? undefined : counts.get(label);
    const medianLatencyMs = latencies.length > 0 ? quantileSorted(latencies, 0.5) : undefined;
    const base = { label: candidate.label, ...(medianLatencyMs === undefined ? {} : { medianLatencyMs }) };
    if (!interval || interval.n === 0) {
      const reason = label === undefined ? `not in run ${runId}` : `no ${rule.metric === 'pass' ? 'graded cells' : `'${rule.metric}' scores`} in run ${runId}`;
      return { ...base, n: 0, rate: 0, lower: 0, upper: 1, qualifies: false, reason };
    }
    const qualifies = interval.lower >= rule.minRate;
    return {
      ...base,
      ...interval,
      qualifies,
      ...(qualifies ? {} : { reason: `lower bound ${pct(interval.lower)} < minRate ${pct(rule.minRate)} (${pct(interval.rate)} of ${interval.n})` }),
    };
  });
}

/**
 * Which run target a candidate is: its label named as a label, else its id as a label, else the one target whose
 * provider id is the candidate's id or label (two targets of one id, e.g. at two temperatures, match neither).
 */
function targetMatcher(targets: readonly RunTarget[]): (candidate: GatewayCandidate) => string | undefined {
  const labels = new Set(targets.map((t) => t.providerLabel));
  const byId = new Map<string, Set<string>>();
  for (const t of targets) byId.set(t.providerId, (byId.get(t.providerId) ?? new Set()).add(t.providerLabel));
  return (candidate) => {
    for (const name of [candidate.label, candidate.provider.id]) if (labels.has(name)) return name;
    for (const name of [candidate.provider.id, candidate.label]) {
      const found = byId.get(name);
      if (found?.size === 1) return [...found][0];
    }
    return undefined;
  };
}

interface Counted {
  n: number;
  rate: number;
  lower: number;
  upper: number;
}

/** `pass`: Wilson on passed / (total − skipped) per label, prompts pooled; an errored cell is a failure. */
function passCounts(totals: ReturnType<Store['results']['totals']>): Map<string, Counted> {
  const sums = new Map<string, { passed: number; n: number }>();
  for (const t of totals) {
    const s = sums.get(t.providerLabel) ?? { passed: 0, n: 0 };
    s.passed += t.passed;
    s.n += t.total - t.skipped;
    sums.set(t.providerLabel, s);
  }
  const out = new Map<string, Counted>();
  for (const [label, { passed, n }] of sums) {
    const w = wilson(passed, n, CONFIDENCE);
    out.set(label, { n, rate: n === 0 ? 0 : passed / n, lower: w?.low ?? 0, upper: w?.high ?? 1 });
  }
  return out;
}

/**
 * A named metric: the mean score per label with its interval. All-0/1 scores get Wilson's interval (a t interval
 * of an all-pass sample has zero width); other scores a t interval, cluster-robust when cells are not
 * independent (repeats, tests with a `cluster`, or several prompts pooled on one test), clamped to the scores'
 * range like the report's.
 */
function metricCounts(store: Store, runId: string, rule: QualityRule, repeat: number): Map<string, Counted> {
  const names = runMetricNames(store.db, runId);
  if (!names.includes(rule.metric)) {
    throw new LlmlabError('UNKNOWN_METRIC', `quality.metric '${rule.metric}' is not graded in run ${runId} (its metrics: ${names.join(', ') || 'none'})`, {
      hint: 'use `pass` for the pass rate, or the name of a metric of the suite',
    });
  }
  const groups = new Map<string, { scores: number[]; clusters: string[]; prompts: Set<string>; clustered: boolean }>();
  for (const row of metricCellRows(store.db, runId, rule.metric)) {
    if (rule.prompt !== undefined && row.promptId !== rule.prompt) continue;
    let g = groups.get(row.providerLabel);
    if (!g) groups.set(row.providerLabel, (g = { scores: [], clusters: [], prompts: new Set(), clustered: repeat > 1 }));
    g.scores.push(row.score);
    g.clusters.push(row.cluster ?? `\u0000${row.testId}`);
    g.prompts.add(row.promptId);
    if (row.cluster !== null) g.clustered = true;
  }
  const out = new Map<string, Counted>();
  for (const [label, g] of groups) {
    const n = g.scores.length;
    const sum = g.scores.reduce((a, b) => a + b, 0);
    const rate = sum / n;
    if (g.scores.every((s) => s === 0 || s === 1)) {
      const w = wilson(sum, n, CONFIDENCE);
      out.set(label, { n, rate, lower: w?.low ?? 0, upper: w?.high ?? 1 });
      continue;
    }
    const interval = g.clustered || g.prompts.size > 1 ? clusteredInterval(g.scores, g.clusters, CONFIDENCE) : tInterval(g.scores, CONFIDENCE);
    const bounded = g.scores.every((s) => s >= 0 && s <= 1);
    const lower = interval ? (bounded ? Math.max(0, interval.low) : interval.low) : 0;
    const upper = interval ? (bounded ? Math.min(1, interval.high) : interval.high) : 1;
    out.set(label, { n, rate, lower, upper });
  }
  return out;
}
