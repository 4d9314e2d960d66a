/**
 * A suite's history: its runs oldest → newest and, per target (prompt × provider), the pass rate or one metric's
 * mean per run with its interval, the change points of that series (stats/change-point.ts), and which version of
 * each prompt every run used (`options.promptHashes`, named by the labels the studio saved). Built from the runs'
 * summaries, which the caller keeps (a 100,000-cell summary is built once, not per page).
 */
import { binomialChangePoints, meanChangePoints, wilson, zCritical, type ChangePoint } from '../../stats/index.js';
import type { PromptVersion, RunRecord, Store } from '../../store/index.js';
import { CONFIDENCE } from '../shared.js';
import type { MetricSummary } from './metric-summary.js';
import { shardLabel } from './partial-run.js';
import type { TargetSummary } from './totals.js';

/** What history reads of a run's summary (RunSummary has it). */
export interface HistorySummary {
  targets: ReadonlyArray<Pick<TargetSummary, 'promptId' | 'providerLabel' | 'cells' | 'passed' | 'skipped' | 'passRate' | 'passRateInterval'>>;
  metrics: ReadonlyArray<Pick<MetricSummary, 'promptId' | 'providerLabel' | 'metric' | 'n' | 'passRate' | 'meanScore' | 'meanScoreInterval' | 'binary'>>;
}

/** Options of {@link suiteHistory}. */
export interface HistoryOptions {
  /** `whole` (default): completed whole or merged runs; `all`: subsets, shards, studio and unfinished runs too. */
  include?: 'whole' | 'all';
  /** `pass` (default) or a metric name. */
  metric?: string;
  /** The newest runs shown at most (50). */
  limit?: number;
  /** The runs, when the caller already listed them with {@link historyRuns}. */
  listed?: { runs: RunRecord[]; olderRuns: number };
  summaryOf(run: RunRecord): HistorySummary;
}

/** Which saved version of a prompt a run used. */
export interface PromptVersionRef {
  hash: string;
  /** The label the studio saved it with, else the hash's first 8 characters. */
  label: string;
  /** Whether the studio saved this version (so it has a file and a time). */
  saved: boolean;
}

/** One run on the time axis. */
export interface HistoryRun {
  id: string;
  createdAt: number;
  status: RunRecord['status'];
  gitSha?: string;
  /** Set on a part of a run (`subset: --first 10`, `shard 2/4`) and on a studio run. */
  part?: string;
  /** Per prompt id, the version the run used; empty on runs stored before prompt hashes were recorded. */
  promptVersions: Record<string, PromptVersionRef>;
}

/** A target's value in one run. */
export interface HistoryPoint {
  runIndex: number;
  runId: string;
  value: number;
  /** The interval of value (Wilson for a pass rate, the metric's mean interval); null when none. */
  low: number | null;
  high: number | null;
  /** Cells behind the value. */
  n: number;
  /** The version of the target's prompt this run used. */
  version?: PromptVersionRef;
}

/** A supported shift, located on the runs. */
export interface HistoryChangePoint extends ChangePoint {
  /** The first run of the new level. */
  runIndex: number;
  runId: string;
}

/** Pooled pass rate of a target over the runs that used one prompt version. */
export interface VersionResult {
  version: PromptVersionRef;
  runs: number;
  passed: number;
  n: number;
  passRate: number | null;
  low: number | null;
  high: number | null;
}

/** One target's series. */
export interface HistorySeries {
  promptId: string;
  providerLabel: string;
  points: HistoryPoint[];
  changePoints: HistoryChangePoint[];
  /** Pass rates per prompt version, oldest version first; empty when no run recorded a version. */
  versions: VersionResult[];
}

/** Where a prompt's version changed between two runs. */
export interface VersionChange {
  runIndex: number;
  promptId: string;
  from: PromptVersionRef;
  to: PromptVersionRef;
}

/** Everything the History page draws for a suite. */
export interface SuiteHistory {
  suitePath: string;
  include: 'whole' | 'all';
  metric: string;
  /** Metric names any shown run has, sorted. */
  metrics: string[];
  runs: HistoryRun[];
  /** Runs of the suite left out because older than the newest `limit`. */
  olderRuns: number;
  /** Runs left out for now because their summary is still being built (set by the view). */
  pendingRuns?: number;
  series: HistorySeries[];
  versionChanges: VersionChange[];
}

/** Runs of a suite the history shows, oldest first, and how many older ones were left out. */
export function historyRuns(store: Store, suitePath: string, include: 'whole' | 'all', limit: number): { runs: RunRecord[]; olderRuns: number } {
  const listed = store.runs.list(100_000, { suitePath, wholeRuns: include === 'whole' });
  const kept = include === 'all' ? listed : listed.filter((r) => r.status === 'completed' && r.options.studio === undefined);
  return { runs: kept.slice(0, limit).reverse(), olderRuns: Math.max(0, kept.length - limit) };
}

function partOf(run: RunRecord): string | undefined {
  const parts = [
    ...(run.options.subset ? [`subset: ${run.options.subset.flags}`] : []),
    ...(run.shard ? [run.shard.merged ? `merged ${shardLabel(run.shard)}` : shardLabel(run.shard)] : []),
    ...(run.options.studio ? ['studio'] : []),
    ...(run.status === 'completed' ? [] : [run.status]),
  ];
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Labels of saved versions by prompt and hash; a version saved twice keeps its newest label. */
function versionLabels(saved: readonly PromptVersion[]): Map<string, string | undefined> {
  const labels = new Map<string, string | undefined>();
  for (const v of saved) labels.set(`${v.promptId}\u0000${v.hash}`, v.label ?? labels.get(`${v.promptId}\u0000${v.hash}`));
  return labels;
}

function versionsOf(run: RunRecord, labels: Map<string, string | undefined>): Record<string, PromptVersionRef> {
  const out: Record<string, PromptVersionRef> = {};
  for (const [promptId, hash] of Object.entries(run.options.promptHashes ?? {})) {
    const key = `${promptId}\u0000${hash}`;
    out[promptId] = { hash, label: labels.get(key) ?? hash.slice(0, 8), saved: labels.has(key) };
  }
  return out;
}

/** The standard error behind a two-sided interval at `confidence`. */
function standardError(low: number, high: number, confidence: number): number {
  return (high - low) / (2 * zCritical(confidence));
}

/** Builds the history of `suitePath`; see {@link SuiteHistory}. */
export function suiteHistory(store: Store, suitePath: string, options: HistoryOptions): SuiteHistory {
  const include = options.include ?? 'whole';
  const metric = options.metric ?? 'pass';
  const { runs, olderRuns } = options.listed ?? historyRuns(store, suitePath, include, options.limit ?? 50);
  const labels = versionLabels(store.promptVersions.list(suitePath));
  const historyRunsOut: HistoryRun[] = runs.map((run) => {
    const part = partOf(run);
    return {
      id: run.id,
      createdAt: run.createdAt,
      status: run.status,
      ...(run.gitSha ? { gitSha: run.gitSha } : {}),
      ...(part ? { part } : {}),
      promptVersions: versionsOf(run, labels),
    };
  });
  const summaries = runs.map((run) => options.summaryOf(run));
  const metricNames = new Set<string>();
  for (const s of summaries) for (const m of s.metrics) metricNames.add(m.metric);

  // Targets in the newest run's order, then any only older runs had.
  const targets = new Map<string, { promptId: string; providerLabel: string }>();
  for (let i = summaries.length - 1; i >= 0; i--) {
    for (const t of summaries[i]!.targets) targets.set(`${t.promptId}\u0000${t.providerLabel}`, { promptId: t.promptId, providerLabel: t.providerLabel });
  }
  const series = [...targets.values()].map((target) => targetSeries(target, summaries, runs, historyRunsOut, metric));
  return {
    suitePath,
    include,
    metric,
    metrics: [...metricNames].sort(),
    runs: historyRunsOut,
    olderRuns,
    series,
    versionChanges: versionChanges(historyRunsOut),
  };
}

function targetSeries(
  target: { promptId: string; providerLabel: string },
  summaries: readonly HistorySummary[],
  runs: readonly RunRecord[],
  historyRunsOut: readonly HistoryRun[],
  metric: string,
): HistorySeries {
  const points: HistoryPoint[] = [];
  // Inputs of the change-point test, parallel to points.
  const passes: number[] = [];
  const trials: number[] = [];
  const means: number[] = [];
  const errors: number[] = [];
  let binomial = true;
  const versionTotals = new Map<string, VersionResult>();
  summaries.forEach((summary, runIndex) => {
    const version = historyRunsOut[runIndex]!.promptVersions[target.promptId];
    const t = summary.targets.find((x) => x.promptId === target.promptId && x.providerLabel === target.providerLabel);
    if (t && version && t.passRate !== null) {
      const pooled = versionTotals.get(version.hash) ?? { version, runs: 0, passed: 0, n: 0, passRate: null, low: null, high: null };
      pooled.runs++;
      pooled.passed += t.passed;
      pooled.n += t.cells - t.skipped;
      versionTotals.set(version.hash, pooled);
    }
    const base = { runIndex, runId: runs[runIndex]!.id, ...(version ? { version } : {}) };
    if (metric === 'pass') {
      if (!t || t.passRate === null) return;
      points.push({ ...base, value: t.passRate, low: t.passRateInterval?.low ?? null, high: t.passRateInterval?.high ?? null, n: t.cells - t.skipped });
      passes.push(t.passed);
      trials.push(t.cells - t.skipped);
      return;
    }
    const m = summary.metrics.find((x) => x.metric === metric && x.promptId === target.promptId && x.providerLabel === target.providerLabel);
    if (!m || m.n === 0) return;
    const interval = m.meanScoreInterval;
    points.push({ ...base, value: m.meanScore, low: interval?.low ?? null, high: interval?.high ?? null, n: m.n });
    // A 0/1 metric is a pass count; anything else a mean with its standard error.
    binomial &&= m.binary;
    passes.push(Math.round(m.passRate * m.n));
    trials.push(m.n);
    means.push(m.meanScore);
    errors.push(interval ? standardError(interval.low, interval.high, interval.confidence) : 0);
  });
  const found = binomial ? binomialChangePoints(passes, trials) : meanChangePoints(means, errors);
  const versions = [...versionTotals.values()].map((v) => {
    const interval = wilson(v.passed, v.n, CONFIDENCE);
    return { ...v, passRate: v.n > 0 ? v.passed / v.n : null, low: interval?.low ?? null, high: interval?.high ?? null };
  });
  return {
    ...target,
    points,
    changePoints: found.map((c) => ({ ...c, runIndex: points[c.index]!.runIndex, runId: points[c.index]!.runId })),
    versions,
  };
}

function versionChanges(runs: readonly HistoryRun[]): VersionChange[] {
  const changes: VersionChange[] = [];
  for (let i = 1; i < runs.length; i++) {
    for (const [promptId, to] of Object.entries(runs[i]!.promptVersions)) {
      const from = runs[i - 1]!.promptVersions[promptId];
      if (from && from.hash !== to.hash) changes.push({ runIndex: i, promptId, from, to });
    }
  }
  return changes;
}
