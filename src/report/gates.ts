/**
 * The suite's gates: what a run must meet to exit 0. Pure functions over a run's totals and, for
 * `maxRegression`, its comparison with a baseline, so `llmlab eval` and `llmlab report` reach the same verdict.
 * A drop beyond the tolerance fails only when it is real: McNemar's paired test per prompt × provider, with
 * Holm's correction across them (compare-runs computes both), unless `requireSignificance: false`.
 */
import type { Gates } from '../config/types.js';
import type { RunComparison, TargetDelta } from './compare-runs.js';

/** A gate's name: a `gates:` key, or `complete` (every planned cell ran) when a run was interrupted. */
export type GateName = 'complete' | 'minPassRate' | 'maxErrors' | 'maxCostUsd' | 'maxRegression';

/** `not-checked`: the gate could not be measured (no baseline); it does not fail the run. */
export type GateStatus = 'pass' | 'fail' | 'not-checked';

/** One gate's verdict, with what was measured against what. */
export interface GateCheck {
  gate: GateName;
  status: GateStatus;
  /**
   * A pass rate (minPassRate), a count of cells (complete, maxErrors), USD of generation and grading (maxCostUsd) or the largest
   * pass-rate drop over the targets as a fraction (maxRegression; negative when every target improved). Null
   * when not checked.
   */
  measured: number | null;
  threshold: number;
  /** The measured value as printed, e.g. `75.0% (30 of 40 cells)`. */
  measuredText: string;
  /** The threshold as printed, e.g. `≥ 90.0%`. */
  thresholdText: string;
  /** Why the gate failed or was not checked; for a passing maxRegression, why a large drop did not count. */
  reason?: string;
  /** minPassRate only: the suite set none, so every cell must pass. */
  default?: boolean;
  /** maxRegression only: the target with the largest drop (the worst failing one when any fails). */
  target?: RegressionTarget;
  /** maxRegression only: whether significance was required. */
  requireSignificance?: boolean;
}

/** The prompt × provider a maxRegression verdict is about. */
export interface RegressionTarget {
  promptId: string;
  providerLabel: string;
  /** Pass rate in the baseline and in this run, over the shared tests. */
  passRateBaseline: number;
  passRate: number;
  n: number;
  /** McNemar exact p, Holm-adjusted across the comparison's targets. */
  adjustedPValue: number;
  significant: boolean;
}

/** Result of the suite's gates. */
export interface GateResult {
  passed: boolean;
  /** One line per gate that failed. */
  reasons: string[];
  /** The suite's minPassRate, when it set one. */
  minPassRate?: number;
  /** Every gate in the order printed: complete (when cells are missing), minPassRate, maxErrors, maxCostUsd, maxRegression. */
  checks: GateCheck[];
  /** The run compared against for maxRegression; null without a baseline. */
  baseline: { runId: string; ref?: string } | null;
}

/** What the gates measure. */
export interface GateInput {
  totals: {
    passed: number;
    failed: number;
    errors: number;
    skipped: number;
    cells: number;
    passRate: number | null;
    /** USD of the generation calls. */
    cost: number;
    /** USD of the judge and embedding calls of model-graded assertions. */
    gradingCost?: number;
  };
  /** Planned cells that never ran (an interrupted run). */
  missing: number;
  /** Cells the budget skipped: written as `skipped`, but they did not run either. */
  budgetSkipped?: number;
  gates: Gates;
  /** The comparison with the baseline (baseline = A, this run = B), or why there is none usable. */
  baseline?: { comparison: RunComparison; ref?: string } | { unavailable: string; ref?: string };
}

/** Guards the comparisons against float noise: 0.9 − 0.88 is 0.020000000000000018, not more than 0.02. */
const EPSILON = 1e-9;

/** Checks every gate the suite sets (and the default "every cell passes" when it sets no minPassRate). */
export function evaluateGates(input: GateInput): GateResult {
  const { gates } = input;
  const checks: GateCheck[] = [];
  const budgetSkipped = input.budgetSkipped ?? 0;
  if (input.missing > 0 || budgetSkipped > 0) checks.push(completeGate(input.missing, budgetSkipped));
  checks.push(passRateGate(input.totals, gates.minPassRate));
  if (gates.maxErrors !== undefined) checks.push(errorsGate(input.totals.errors, gates.maxErrors));
  if (gates.maxCostUsd !== undefined) checks.push(costGate(input.totals.cost, input.totals.gradingCost ?? 0, gates.maxCostUsd));
  if (gates.maxRegression !== undefined) {
    checks.push(regressionGate(input.baseline, gates.maxRegression, gates.requireSignificance ?? true));
  }
  const failed = checks.filter((c) => c.status === 'fail');
  const baseline = input.baseline && 'comparison' in input.baseline ? input.baseline.comparison.runA.id : undefined;
  return {
    passed: failed.length === 0,
    reasons: failed.map((c) => c.reason ?? `${c.gate} failed`),
    ...(gates.minPassRate === undefined ? {} : { minPassRate: gates.minPassRate }),
    checks,
    baseline: baseline === undefined ? null : { runId: baseline, ...(input.baseline?.ref ? { ref: input.baseline.ref } : {}) },
  };
}

/** A run stopped early (interrupted, or by the budget) cannot pass: what it did not run is unknown. */
function completeGate(missing: number, budgetSkipped: number): GateCheck {
  const parts = [
    ...(missing > 0 ? [`${missing} cells did not run`] : []),
    ...(budgetSkipped > 0 ? [missing > 0 ? `${budgetSkipped} skipped by the budget` : `${budgetSkipped} cells skipped by the budget`] : []),
  ];
  const reason =
    missing > 0 && budgetSkipped === 0
      ? `${missing} cells did not run (interrupted); resume with --resume`
      : missing === 0
        ? `${budgetSkipped} cells skipped by the budget; resume with a larger --budget-usd`
        : `${parts.join(', ')}; resume with --resume (and a larger --budget-usd)`;
  return {
    gate: 'complete',
    status: 'fail',
    measured: missing + budgetSkipped,
    threshold: 0,
    measuredText: parts.join(', '),
    thresholdText: 'every cell runs',
    reason,
  };
}

function passRateGate(totals: GateInput['totals'], minPassRate: number | undefined): GateCheck {
  const counted = totals.cells - totals.skipped;
  const rate = totals.passRate ?? 0;
  const measuredText = counted > 0 ? `${pct(rate)} (${totals.passed} of ${counted} cells)` : 'no cells ran';
  if (minPassRate === undefined) {
    const bad = totals.failed + totals.errors;
    return {
      gate: 'minPassRate',
      status: bad > 0 ? 'fail' : 'pass',
      measured: totals.passRate,
      threshold: 1,
      measuredText,
      thresholdText: '100% (default: every cell must pass)',
      default: true,
      ...(bad > 0
        ? { reason: `${totals.failed} failed and ${totals.errors} errored cells (set gates.minPassRate to tolerate some)` }
        : {}),
    };
  }
  const failed = rate < minPassRate - EPSILON;
  return {
    gate: 'minPassRate',
    status: failed ? 'fail' : 'pass',
    measured: totals.passRate,
    threshold: minPassRate,
    measuredText,
    thresholdText: `≥ ${pct(minPassRate)}`,
    ...(failed ? { reason: `pass rate ${pct(rate)} is below minPassRate ${pct(minPassRate)}` } : {}),
  };
}

function errorsGate(errors: number, maxErrors: number): GateCheck {
  const failed = errors > maxErrors;
  return {
    gate: 'maxErrors',
    status: failed ? 'fail' : 'pass',
    measured: errors,
    threshold: maxErrors,
    measuredText: `${errors} errored cell${errors === 1 ? '' : 's'}`,
    thresholdText: `≤ ${maxErrors}`,
    ...(failed ? { reason: `${errors} cells errored, more than maxErrors ${maxErrors}` } : {}),
  };
}

/** Generation and grading together: a judge's calls are paid for like the model's. */
function costGate(generation: number, grading: number, maxCostUsd: number): GateCheck {
  const cost = generation + grading;
  const failed = cost > maxCostUsd + EPSILON;
  return {
    gate: 'maxCostUsd',
    status: failed ? 'fail' : 'pass',
    measured: cost,
    threshold: maxCostUsd,
    measuredText: grading > 0 ? `${dollars(cost)} (${dollars(generation)} generation + ${dollars(grading)} grading)` : dollars(cost),
    thresholdText: `≤ ${dollars(maxCostUsd)}`,
    ...(failed ? { reason: `cost ${dollars(cost)} is above maxCostUsd ${dollars(maxCostUsd)}` } : {}),
  };
}

function regressionGate(baseline: GateInput['baseline'], tolerance: number, requireSignificance: boolean): GateCheck {
  const base = {
    gate: 'maxRegression' as const,
    threshold: tolerance,
    thresholdText: `drop ≤ ${points(tolerance)} pts${requireSignificance ? ', significant drops only' : ''}`,
    requireSignificance,
  };
  if (!baseline || 'unavailable' in baseline) {
    const reason = baseline ? baseline.unavailable : 'no baseline (run with --baseline <run | report.json | git:REF>)';
    return { ...base, status: 'not-checked', measured: null, measuredText: 'not checked', reason: `not checked: ${reason}` };
  }
  const targets = baseline.comparison.targets.map((t) => ({ t, drop: t.passRateA.rate - t.passRateB.rate }));
  if (targets.length === 0) {
    const reason = 'not checked: the baseline shares no prompt × provider with this run';
    return { ...base, status: 'not-checked', measured: null, measuredText: 'not checked', reason };
  }
  const beyond = targets.filter(({ drop }) => drop > tolerance + EPSILON);
  const failing = beyond.filter(({ t }) => !requireSignificance || t.significant);
  const worst = (list: typeof targets) => list.reduce((a, b) => (b.drop > a.drop ? b : a));
  const shown = worst(failing.length > 0 ? failing : targets);
  const measuredText =
    shown.drop > 0
      ? `largest drop ${points(shown.drop)} pts (${describe(shown.t)})`
      : `no drop (${targets.length === 1 ? describe(shown.t) : `${targets.length} targets`})`;
  const check: GateCheck = {
    ...base,
    status: failing.length > 0 ? 'fail' : 'pass',
    measured: shown.drop,
    measuredText,
    target: regressionTarget(shown.t),
  };
  if (failing.length > 0) {
    const more = failing.length > 1 ? ` (and ${failing.length - 1} more target${failing.length > 2 ? 's' : ''})` : '';
    const why = requireSignificance
      ? `, more than the ${points(tolerance)} pts tolerated, and significant (McNemar, Holm p=${pValue(shown.t.adjustedPValue)})`
      : `, more than the ${points(tolerance)} pts tolerated`;
    check.reason = `${shown.t.providerLabel} × ${shown.t.promptId}: pass rate dropped ${points(shown.drop)} pts${why}${more}`;
  } else if (beyond.length > 0) {
    const big = worst(beyond);
    check.reason =
      `${big.t.providerLabel} × ${big.t.promptId} dropped ${points(big.drop)} pts, but not significantly ` +
      `(McNemar, Holm p=${pValue(big.t.adjustedPValue)}, n=${big.t.n}): could be noise`;
  }
  return check;
}

function regressionTarget(t: TargetDelta): RegressionTarget {
  return {
    promptId: t.promptId,
    providerLabel: t.providerLabel,
    passRateBaseline: t.passRateA.rate,
    passRate: t.passRateB.rate,
    n: t.n,
    adjustedPValue: t.adjustedPValue,
    significant: t.significant,
  };
}

function describe(t: TargetDelta): string {
  return `${t.providerLabel} × ${t.promptId}: ${pct(t.passRateA.rate)} → ${pct(t.passRateB.rate)}, n=${t.n}, Holm p=${pValue(t.adjustedPValue)}`;
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** A fraction as percentage points: 0.025 → `2.5`. */
function points(fraction: number): string {
  return (fraction * 100).toFixed(1);
}

function dollars(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

function pValue(p: number): string {
  return p < 0.001 ? '<0.001' : String(Number(p.toPrecision(2)));
}
