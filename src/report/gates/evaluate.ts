/**
 * The suite's gates: what a run must meet to exit 0. Pure functions over a run's totals and, for
 * `maxRegression`, its comparison with a baseline, so `llmlab eval` and `llmlab report` reach the same verdict
 * (maxRegression: regression.ts). Pass-rate gates read ordinary cells only; attack cells count toward `complete`, `maxErrors` and `maxCostUsd`, and
 * have their own `security` gate (security.ts).
 */
import { finetuneGates } from './finetune.js';
import { partialGate } from './partial.js';
import { regressionGate } from './regression.js';
import { securityGate } from './security.js';
import type { GateCheck, GateInput, GateResult } from './types.js';
import { formatUsd } from '../shared.js';

export type * from './types.js';

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
  const forgetting = input.forgetting;
  if (gates.maxErrors !== undefined) {
    checks.push(errorsGate(input.totals.errors + (forgetting?.errors ?? 0), security?.errors ?? 0, gates.maxErrors));
  }
  if (gates.maxCostUsd !== undefined) {
    const generation = input.totals.cost + (security?.cost ?? 0) + (forgetting?.cost ?? 0);
    const grading = (input.totals.gradingCost ?? 0) + (security?.gradingCost ?? 0) + (forgetting?.gradingCost ?? 0);
    checks.push(costGate(generation, grading, gates.maxCostUsd));
  }
  if (gates.maxRegression !== undefined) {
    checks.push(regressionGate(input.baseline, gates.maxRegression, gates.requireSignificance ?? true));
  }
  if (gates.finetune !== undefined) checks.push(...finetuneGates(input.finetunes, gates.finetune));
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
    ...(input.subset ? { subset: input.subset } : {}),
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

const dollars = formatUsd;
