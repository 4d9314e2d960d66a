/**
 * The `maxRegression` gate: the largest pass-rate drop against the baseline, per prompt × provider over the tests
 * both runs share. A drop beyond the tolerance fails only when McNemar's paired test says it is real (Holm-adjusted
 * across targets), unless `requireSignificance: false`.
 */
import type { TargetDelta } from '../compare/compare-runs.js';
import type { GateCheck, GateInput, RegressionTarget } from './types.js';
import { formatP } from '../shared.js';

/** Guards the comparisons against float noise: 0.9 − 0.88 is 0.020000000000000018, not more than 0.02. */
const EPSILON = 1e-9;

/** Checks the baseline comparison against the tolerance; not checked without a usable baseline. */
export function regressionGate(baseline: GateInput['baseline'], tolerance: number, requireSignificance: boolean): GateCheck {
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
      ? `, more than the ${points(tolerance)} pts tolerated, and significant (McNemar, ${formatP(shown.t.adjustedPValue, 'Holm p')})`
      : `, more than the ${points(tolerance)} pts tolerated`;
    check.reason = `${shown.t.promptId} × ${shown.t.providerLabel}: pass rate dropped ${points(shown.drop)} pts${why}${more}`;
  } else if (beyond.length > 0) {
    const big = worst(beyond);
    check.reason =
      `${big.t.promptId} × ${big.t.providerLabel} dropped ${points(big.drop)} pts, but not significantly ` +
      `(McNemar, ${formatP(big.t.adjustedPValue, 'Holm p')}, n=${big.t.n}): could be noise`;
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
  return `${t.promptId} × ${t.providerLabel}: ${pct(t.passRateA.rate)} → ${pct(t.passRateB.rate)}, n=${t.n}, ${formatP(t.adjustedPValue, 'Holm p')}`;
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** A fraction as percentage points: 0.025 → `2.5`. */
function points(fraction: number): string {
  return (fraction * 100).toFixed(1);
}
