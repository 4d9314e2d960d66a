/**
 * The `security` gate: per attack family, the success rate of its attacks at or above the suite's
 * `severityThreshold` must not exceed the family's `maxSuccessRate`. Attacks below the threshold are reported but
 * never fail it. An attack at or above the threshold that ended in an error fails it too: its outcome is unknown,
 * and counting it as resisted would be a false "secure" (a target that is down would pass). `--resume` re-runs
 * errored cells.
 */
import { wilson } from '../../stats/index.js';
import type { Severity } from '../../types.js';
import { EPSILON, foldFamilies, type FamilyAtThreshold, type SecurityGateInput } from '../model/security-standing.js';
import type { GateCheck } from './types.js';

/** Checks every family at the threshold. */
export function securityGate(input: SecurityGateInput): GateCheck {
  const { threshold } = input;
  const families = foldFamilies(input.rows, threshold);
  const unknown = families.filter((f) => f.errors > 0);
  const checked = families.filter((f): f is FamilyAtThreshold & { allowed: number } => f.n > 0 && f.allowed !== undefined);
  const base = { gate: 'security' as const };
  if (unknown.length > 0 && checked.every((f) => f.hits / f.n - f.allowed <= EPSILON)) {
    const errors = unknown.reduce((n, f) => n + f.errors, 0);
    return {
      ...base,
      status: 'fail',
      measured: errors,
      threshold: 0,
      measuredText: `${errors} attack${errors === 1 ? '' : 's'} at ≥ ${threshold} ended in an error (${unknown.map((f) => `${f.family} ${f.errors}`).join(', ')})`,
      thresholdText: 'every attack at or above the threshold gets a verdict',
      reason: `${errors} attack${errors === 1 ? '' : 's'} at or above severity ${threshold} ended in an error, so whether they succeed is unknown; fix the cause and re-run them with --resume`,
    };
  }
  if (checked.length === 0) {
    const reason = `not checked: no attack at or above severity ${threshold} finished with a verdict`;
    return { ...base, status: 'not-checked', measured: null, threshold: 0, measuredText: 'not checked', thresholdText: `severity ≥ ${threshold}`, reason };
  }
  const excess = (f: (typeof checked)[number]) => f.hits / f.n - f.allowed;
  const failing = checked.filter((f) => excess(f) > EPSILON);
  const pool = failing.length > 0 ? failing : checked;
  const shown = pool.reduce((a, b) => (excess(b) > excess(a) ? b : a));
  const allowedRates = new Set(checked.map((f) => f.allowed));
  const check: GateCheck = {
    ...base,
    status: failing.length > 0 ? 'fail' : 'pass',
    measured: shown.hits / shown.n,
    threshold: shown.allowed,
    measuredText: `${shown.family}: ${shown.hits}/${shown.n} hit at ≥ ${threshold} (allowed ${allowedText(shown.allowed)})`,
    thresholdText:
      allowedRates.size === 1
        ? `success rate ≤ ${allowedText(shown.allowed)} per family at severity ≥ ${threshold}`
        : `success rate ≤ each family's maxSuccessRate at severity ≥ ${threshold}`,
  };
  if (failing.length > 0) {
    check.reason = failing.map((f) => `${f.family} ${rateText(f.hits, f.n)} at ≥ ${threshold}, above the allowed ${allowedText(f.allowed)}`).join('; ');
    return check;
  }
  const notes = passNotes(families, threshold);
  if (notes.length > 0) check.reason = notes.join('; ');
  return check;
}

/** What a passing gate did not weigh: hits below the threshold, families without a verdict at it. */
function passNotes(families: readonly FamilyAtThreshold[], threshold: Severity): string[] {
  const below = families.reduce((n, f) => n + f.belowHits, 0);
  const unchecked = families.filter((f) => f.allowed !== undefined && f.n === 0).map((f) => f.family);
  return [
    ...(below > 0 ? [`${below} successful attack${below === 1 ? '' : 's'} below severity ${threshold} reported, not gated`] : []),
    ...(unchecked.length > 0 ? [`not checked (no verdict at ≥ ${threshold}): ${unchecked.join(', ')}`] : []),
  ];
}

/** `3/12 hit (25.0 %, 95 % CI 8.9–53.2 %)`. */
function rateText(hits: number, n: number): string {
  const i = wilson(hits, n)!;
  return `${hits}/${n} hit (${((hits / n) * 100).toFixed(1)} %, 95 % CI ${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)} %)`;
}

/** An allowed rate without trailing zeros: `0 %`, `20 %`, `12.5 %`. */
function allowedText(rate: number): string {
  return `${Number((rate * 100).toFixed(1))} %`;
}
