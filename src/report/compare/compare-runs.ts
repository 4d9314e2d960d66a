/**
 * `llmlab compare`: two stored runs over the cells they share, matched by test identity (provider label,
 * prompt id, test id, repeat index), never by position. Per target and overall: both pass rates with Wilson
 * intervals, the paired difference B − A with Newcombe's interval, McNemar's exact p (Holm-adjusted across
 * targets), the MDE, the tests that regressed or were fixed, and cost, tokens and median latency. Pairs stream
 * from the store; no output is read. Attack cells are compared apart, as security results (security-comparison.ts).
 */
import { LlmlabError } from '../../errors.js';
import { holm, wilson } from '../../stats/index.js';
import type { RunRecord, Store } from '../../store/index.js';
import {
  pairedCells,
  runTargets,
  testsOnlyIn,
  verdictCount,
  type PairSource,
  type PairedCell,
  type RunTarget,
} from '../../store/run-pairs.js';
import { COMPARE_SCHEMA_VERSION, CONFIDENCE, percentile } from '../shared.js';
import { countPair, pairedTest, type PairCounts } from './paired-test.js';
import { securityWarnings, warningsFor } from './warnings.js';
import { compareSecurity, type SecurityComparison } from './security-comparison.js';

export { findRun } from './refs.js';

type Verdict = PairedCell['statusA'];

/** What the header says about each run. */
export interface ComparedRun {
  id: string;
  status: RunRecord['status'];
  suite: { path: string; hash: string; description: string | null };
  gitSha: string | null;
  createdAt: string;
}

/** A pass rate over the paired cells with its Wilson interval. */
export interface RateWithInterval {
  passed: number;
  n: number;
  rate: number;
  low: number;
  high: number;
  method: 'wilson';
  confidence: number;
}

/** Cost, tokens and median latency of one run's side of the paired cells. */
export interface SideUsage {
  /** USD. */
  cost: number;
  tokens: { input: number; output: number; total: number };
  latencyP50Ms: number | null;
}

/** A test whose verdict changed between the runs. */
export interface ChangedTest {
  testId: string;
  repeatIndex: number;
  description: string | null;
  statusA: Verdict;
  statusB: Verdict;
}

/** Run B against run A over a set of paired cells (errors count as failures). */
export interface RunDelta {
  n: number;
  passRateA: RateWithInterval;
  passRateB: RateWithInterval;
  /** passRateB − passRateA with Newcombe's paired interval. */
  difference: { estimate: number; low: number; high: number; method: 'newcombe'; confidence: number };
  /** Two-sided McNemar exact p-value. */
  pValue: number;
  /** Holm-adjusted across targets; the overall line is one test of its own, so there it equals pValue. */
  adjustedPValue: number;
  /** adjustedPValue < 1 − confidence. */
  significant: boolean;
  /** Smallest true difference detectable at 80 % power; null with no discordant pairs. */
  mde: number | null;
  /** Pass in A, fail or error in B (McNemar's b). */
  regressions: number;
  /** Fail or error in A, pass in B (McNemar's c). */
  fixes: number;
  usage: { a: SideUsage; b: SideUsage };
}

/** One prompt × provider present in both runs, with every test that changed. */
export interface TargetDelta extends RunDelta {
  promptId: string;
  providerLabel: string;
  regressed: ChangedTest[];
  fixed: ChangedTest[];
}

export interface RunComparison {
  schemaVersion: typeof COMPARE_SCHEMA_VERSION;
  runA: ComparedRun;
  runB: ComparedRun;
  /** Different suites, a changed suite, unfinished runs: what makes the comparison partial. */
  warnings: string[];
  /** Cells with a verdict in each run, and the pairs among them. */
  cells: { a: number; b: number; paired: number };
  onlyInA: { tests: number; testIds: string[] };
  onlyInB: { tests: number; testIds: string[] };
  targetsOnlyInA: RunTarget[];
  targetsOnlyInB: RunTarget[];
  targets: TargetDelta[];
  /** Every paired cell; with none (runs that share only attack cells) n is 0, both rates 0 and p 1. */
  overall: RunDelta;
  /** Attack success compared, when both runs have attack cells with a verdict. */
  security?: SecurityComparison;
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Where the cells are: a run read from a report file is only in the TEMP source (see importReportCells). */
  source?: PairSource;
  /**
   * The runs are of the same suite file even though their paths differ (a base commit checked out in a git
   * worktree): no "different suites" warning.
   */
  sameSuite?: boolean;
}

/** Why two runs have no comparison: they share no cell (renamed tests or prompts, another suite). */
export interface NothingInCommon {
  nothingInCommon: string;
  hint: string;
}

/**
 * Compares run B against run A; a USAGE error when they share no cell. For `llmlab compare`, where comparing
 * such runs is the user's mistake; reports and gates use {@link tryCompareRuns} and say so instead.
 */
export function compareRuns(store: Store, runA: RunRecord, runB: RunRecord, options: CompareOptions = {}): RunComparison {
  const result = tryCompareRuns(store, runA, runB, options);
  if ('nothingInCommon' in result) throw new LlmlabError('USAGE', result.nothingInCommon, { hint: result.hint });
  return result;
}

/** Compares run B against run A, or says that they share no cell (ordinary or attack). */
export function tryCompareRuns(store: Store, runA: RunRecord, runB: RunRecord, options: CompareOptions = {}): RunComparison | NothingInCommon {
  const source = options.source ?? 'results';
  const folds = new Map<string, Fold>();
  const overall = newFold();
  for (const cell of pairedCells(store.db, runA.id, runB.id, source)) {
    const key = `${cell.promptId}\0${cell.providerLabel}`;
    let fold = folds.get(key);
    if (!fold) folds.set(key, (fold = { ...newFold(), promptId: cell.promptId, providerLabel: cell.providerLabel }));
    add(fold, cell, true);
    add(overall, cell, false);
  }
  const security = compareSecurity(store, runA.id, runB.id, source);
  if (overall.n === 0 && !security?.cells.paired) {
    return {
      nothingInCommon: `runs ${runA.id} and ${runB.id} share no cells: nothing to compare`,
      hint: 'cells are matched by provider label, prompt id, test id and repeat; compare two runs of the same suite',
    };
  }
  const ordered = targetOrder([...folds.values()], runB, runA);
  const targetDeltas = ordered.map((f) => delta(f));
  const adjusted = holm(targetDeltas.map((d) => d.pValue));
  const targets = ordered.map((f, i): TargetDelta => {
    const d = { ...targetDeltas[i]!, adjustedPValue: adjusted[i]! };
    d.significant = d.adjustedPValue < 1 - CONFIDENCE;
    return { promptId: f.promptId!, providerLabel: f.providerLabel!, ...d, regressed: f.regressed, fixed: f.fixed };
  });
  const onlyA = testsOnlyIn(store.db, runA.id, runB.id, source);
  const onlyB = testsOnlyIn(store.db, runB.id, runA.id, source);
  const targetsA = runTargets(store.db, runA.id, source);
  const targetsB = runTargets(store.db, runB.id, source);
  const has = (list: RunTarget[], t: RunTarget) => list.some((x) => x.promptId === t.promptId && x.providerLabel === t.providerLabel);
  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    runA: describeRun(runA),
    runB: describeRun(runB),
    warnings: [...warningsFor(runA, runB, options.sameSuite ?? false), ...securityWarnings(store, runA, runB, source, security)],
    cells: { a: verdictCount(store.db, runA.id, source), b: verdictCount(store.db, runB.id, source), paired: overall.n },
    onlyInA: { tests: onlyA.length, testIds: onlyA },
    onlyInB: { tests: onlyB.length, testIds: onlyB },
    targetsOnlyInA: targetsA.filter((t) => !has(targetsB, t)),
    targetsOnlyInB: targetsB.filter((t) => !has(targetsA, t)),
    targets,
    overall: overall.n === 0 ? noDelta() : delta(overall),
    ...(security ? { security } : {}),
  };
}

/** The overall delta of runs that share attack cells only: nothing measured, so nothing changed. */
function noDelta(): RunDelta {
  const none: RateWithInterval = { passed: 0, n: 0, rate: 0, low: 0, high: 1, method: 'wilson', confidence: CONFIDENCE };
  const side = (): SideUsage => ({ cost: 0, tokens: { input: 0, output: 0, total: 0 }, latencyP50Ms: null });
  return {
    n: 0,
    passRateA: none,
    passRateB: { ...none },
    difference: { estimate: 0, low: -1, high: 1, method: 'newcombe', confidence: CONFIDENCE },
    pValue: 1,
    adjustedPValue: 1,
    significant: false,
    mde: null,
    regressions: 0,
    fixes: 0,
    usage: { a: side(), b: side() },
  };
}

interface Fold {
  promptId?: string;
  providerLabel?: string;
  n: number;
  /** Both pass, A only, B only, neither. */
  counts: PairCounts;
  a: Omit<SideUsage, 'latencyP50Ms'> & { latencies: number[] };
  b: Omit<SideUsage, 'latencyP50Ms'> & { latencies: number[] };
  regressed: ChangedTest[];
  fixed: ChangedTest[];
}

function newFold(): Fold {
  const side = () => ({ cost: 0, tokens: { input: 0, output: 0, total: 0 }, latencies: [] as number[] });
  return { n: 0, counts: [0, 0, 0, 0], a: side(), b: side(), regressed: [], fixed: [] };
}

function add(fold: Fold, cell: PairedCell, keepChanges: boolean): void {
  const passA = cell.statusA === 'pass';
  const passB = cell.statusB === 'pass';
  fold.n++;
  countPair(fold.counts, passA, passB);
  addSide(fold.a, cell.costA, cell.inputTokensA, cell.outputTokensA, cell.latencyA);
  addSide(fold.b, cell.costB, cell.inputTokensB, cell.outputTokensB, cell.latencyB);
  if (!keepChanges || passA === passB) return;
  const { testId, repeatIndex, description, statusA, statusB } = cell;
  (passA ? fold.regressed : fold.fixed).push({ testId, repeatIndex, description, statusA, statusB });
}

function addSide(side: Fold['a'], cost: number, input: number, output: number, latency: number): void {
  side.cost += cost;
  side.tokens.input += input;
  side.tokens.output += output;
  side.tokens.total += input + output;
  side.latencies.push(latency);
}

function delta(fold: Fold): RunDelta {
  const [both, aOnly, bOnly] = fold.counts;
  return {
    n: fold.n,
    passRateA: rate(both + aOnly, fold.n),
    passRateB: rate(both + bOnly, fold.n),
    ...pairedTest(fold.counts),
    regressions: aOnly,
    fixes: bOnly,
    usage: { a: usage(fold.a), b: usage(fold.b) },
  };
}

function rate(passed: number, n: number): RateWithInterval {
  const w = wilson(passed, n, CONFIDENCE)!;
  return { passed, n, rate: passed / n, low: w.low, high: w.high, method: 'wilson', confidence: CONFIDENCE };
}

function usage({ cost, tokens, latencies }: Fold['a']): SideUsage {
  return { cost, tokens, latencyP50Ms: percentile(latencies.sort((x, y) => x - y), 0.5) };
}

/** Targets in the newer suite's order (providers as listed, then prompts), then the older's, then as found. */
function targetOrder(folds: Fold[], ...runs: RunRecord[]): Fold[] {
  const rank = (pick: (r: RunRecord) => string[] | undefined, name: string) => {
    for (const [i, run] of runs.entries()) {
      const at = pick(run)?.indexOf(name) ?? -1;
      if (at !== -1) return i * 1e6 + at;
    }
    return Number.MAX_SAFE_INTEGER;
  };
  return folds
    .map((f, i) => ({ f, i }))
    .sort(
      (x, y) =>
        rank((r) => r.options.providers, x.f.providerLabel!) - rank((r) => r.options.providers, y.f.providerLabel!) ||
        rank((r) => r.options.prompts, x.f.promptId!) - rank((r) => r.options.prompts, y.f.promptId!) ||
        x.i - y.i,
    )
    .map(({ f }) => f);
}

function describeRun(run: RunRecord): ComparedRun {
  return {
    id: run.id,
    status: run.status,
    suite: { path: run.suitePath, hash: run.suiteHash, description: run.description ?? null },
    gitSha: run.gitSha ?? null,
    createdAt: new Date(run.createdAt).toISOString(),
  };
}
