/**
 * The suite's gates: what a run must meet to exit 0. Pure functions over a run's totals and, for
 * `maxRegression`, its comparison with a baseline, so `llmlab eval` and `llmlab report` reach the same verdict
 * (maxRegression: gates-regression.ts). Pass-rate gates read ordinary cells only; attack cells count toward `complete`, `maxErrors` and `maxCostUsd`, and
 * have their own `security` gate (gates-security.ts).
 */
import type { Gates } from '../config/types.js';
import type { RunComparison } from './compare-runs.js';
import { regressionGate } from './gates-regression.js';
import { securityGate, type SecurityGateInput } from './gates-security.js';
import { partialGate, type PartialRun } from './partial-run.js';

export type { SecurityGateInput } from './gates-security.js';

/**
 * A gate's name: a `gates:` key, `complete` (every planned cell ran) when a run was interrupted, or `security`
 * when the run has attack cells.
 */
export type GateName = 'complete' | 'minPassRate' | 'maxErrors' | 'maxCostUsd' | 'maxRegression' | 'security';

/** `not-checked`: the gate could not be measured (no baseline); it does not fail the run. */
export type GateStatus = 'pass' | 'fail' | 'not-checked';

/** One gate's verdict, with what was measured against what. */
export interface GateCheck {
  gate: GateName;
  status: GateStatus;
  /**
   * A pass rate (minPassRate), a count of cells (complete, maxErrors), USD of generation and grading (maxCostUsd), the largest
   * pass-rate drop over the targets as a fraction (maxRegression; negative when every target improved) or the
   * shown family's attack success rate (security). Null when not checked.
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
  /**
   * Every gate in the order printed: complete (when cells are missing), minPassRate, maxErrors, maxCostUsd,
   * maxRegression, security (when the run has attack cells).
   */
  checks: GateCheck[];
  /** The run compared against for maxRegression; null without a baseline. */
  baseline: { runId: string; ref?: string } | null;
  /** Set when the run holds only some shards (`shard 2/8: partial`): the gates cannot pass it. */
  partial?: string;
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
  /** Planned cells that never ran (an interrupted run), attack cells included. */
  missing: number;
  /** Cells the budget skipped: written as `skipped`, but they did not run either. */
  budgetSkipped?: number;
  gates: Gates;
  /** The comparison with the baseline (baseline = A, this run = B), or why there is none usable. */
  baseline?: { comparison: RunComparison; ref?: string } | { unavailable: string; ref?: string };
  /** The run's attack cells, when it has any (`totals` holds the ordinary cells only). */
  security?: SecurityGateInput;
  /** A shard's run, or a merge missing shards: the other gates still measure its cells, but it cannot pass. */
  partial?: PartialRun;
}

/** Guards the comparisons against float noise: 0.9 − 0.88 is 0.020000000000000018, not more than 0.02. */
const EPSILON = 1e-9;

/** Checks every gate the suite sets (and the default "every cell passes" when it sets no minPassRate). */
export function evaluateGates(input: GateInput): GateResult {
  const { gates } = input;
  const checks: GateCheck[] = [];
  const budgetSkipped = input.budgetSkipped ?? 0;
  if (input.partial) checks.push(partialGate(input.partial));
  if (input.missing > 0 || budgetSkipped > 0) checks.push(completeGate(input.missing, budgetSkipped));
  const security = input.security;
  // An attacks-only run has no test cells: a pass-rate line would only say so on every `llmlab redteam`.
  if (!(security && input.totals.cells === 0)) checks.push(passRateGate(input.totals, gates.minPassRate));
  if (gates.maxErrors !== undefined) checks.push(errorsGate(input.totals.errors, security?.errors ?? 0, gates.maxErrors));
  if (gates.maxCostUsd !== undefined) {
    const generation = input.totals.cost + (security?.cost ?? 0);
    checks.push(costGate(generation, (input.totals.gradingCost ?? 0) + (security?.gradingCost ?? 0), gates.maxCostUsd));
  }
  if (gates.maxRegression !== undefined) {
    checks.push(regressionGate(input.baseline, gates.maxRegression, gates.requireSignificance ?? true));
  }
  if (security) checks.push(securityGate(security));
  const failed = checks.filter((c) => c.status === 'fail');
  const baseline = input.baseline && 'comparison' in input.baseline ? input.baseline.comparison.runA.id : undefined;
  return {
    passed: failed.length === 0,
    reasons: failed.map((c) => c.reason ?? `${c.gate} failed`),
    ...(gates.minPassRate === undefined ? {} : { minPassRate: gates.minPassRate }),
    checks,
    baseline: baseline === undefined ? null : { runId: baseline, ...(input.baseline?.ref ? { ref: input.baseline.ref } : {}) },
    ...(input.partial ? { partial: input.partial.label } : {}),
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
  if (counted === 0) {
    // Nothing to rate (an attacks-only suite, or nothing ran): a missing cell is the complete gate's to fail.
    return {
      gate: 'minPassRate',
      status: 'not-checked',
      measured: null,
      threshold: minPassRate ?? 1,
      measuredText: 'not checked',
      thresholdText: minPassRate === undefined ? '100% (default: every cell must pass)' : `≥ ${pct(minPassRate)}`,
      ...(minPassRate === undefined ? { default: true } : {}),
      reason: 'not checked: no test cells ran',
    };
  }
  const measuredText = `${pct(rate)} (${totals.passed} of ${counted} cells)`;
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

/** Ordinary and attack cells alike: an attack that errored has no verdict either. */
function errorsGate(ordinary: number, attacks: number, maxErrors: number): GateCheck {
  const errors = ordinary + attacks;
  const failed = errors > maxErrors;
  return {
    gate: 'maxErrors',
    status: failed ? 'fail' : 'pass',
    measured: errors,
    threshold: maxErrors,
    measuredText: `${errors} errored cell${errors === 1 ? '' : 's'}${attacks > 0 ? ` (${attacks} attack${attacks === 1 ? '' : 's'})` : ''}`,
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

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function dollars(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
