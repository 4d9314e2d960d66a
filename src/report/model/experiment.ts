/**
 * The numbers of an A/B experiment's report: per arm the units, requests, cost and mean outcome with its interval;
 * each treatment against the control with the anytime-valid comparison (src/stats/sequential.ts), which stays
 * valid however often the report is looked at; the sample-ratio-mismatch check; and a verdict in plain words.
 * Plain data in, plain data out: the experiment's definition comes as {@link ExperimentDefinition}, not as the
 * gateway's config type, so the report tier does not depend on the gateway.
 */
import type { ArmUnits } from '../../store/gateway-types.js';
import type { Interval } from '../../stats/descriptive.js';
import { tInterval } from '../../stats/means.js';
import { wilson } from '../../stats/proportions.js';
import { DEFAULT_BURN_IN, sequentialTest, unitsNeeded, type SequentialResult } from '../../stats/sequential.js';
import { sampleRatioMismatch, type SrmResult } from '../../stats/srm.js';
import { CONFIDENCE, formatP } from '../shared.js';

/** What the report needs to know of an experiment. */
export interface ExperimentDefinition {
  name: string;
  /** Arm names in the config's order. */
  arms: string[];
  /** The arm every other one is compared with (the first arm). */
  control: string;
  /** Configured shares by arm (fixed split); unset for a bandit. */
  shares?: Record<string, number>;
  /** `split: bandit`: allocation moves with the outcomes, so the SRM check does not apply. */
  bandit: boolean;
  /** Error rate of the anytime-valid comparison. */
  alpha: number;
  /** `thumbs` (0/1 feedback: rates, Wilson intervals) or `score` (0..1: means, t intervals). */
  metric: 'thumbs' | 'score';
}

/** One arm's row. */
export interface ArmSummary {
  arm: string;
  /** Units assigned (that made at least one request). */
  units: number;
  requests: number;
  /** Units with at least one outcome: the n of the mean. */
  n: number;
  /** Mean outcome per unit with its 95 % interval; null without outcomes (or, for `t`, below two). */
  mean: Interval | null;
  /** `wilson` when every unit's outcome is 0 or 1 (thumbs), `t` otherwise. */
  method: 'wilson' | 't';
  costUsd: number;
}

/** What a comparison says, as a code for JSON readers; the sentence is in `verdict`. */
export type ComparisonStatus = 'better' | 'worse' | 'no-difference-yet' | 'too-few-units';

/** One treatment against the control. */
export interface ArmComparison {
  control: string;
  treatment: string;
  result: SequentialResult;
  status: ComparisonStatus;
  /**
   * With no difference yet: units per arm at which the always-valid interval would exclude 0 if the difference
   * stayed as estimated (at least {@link MIN_EFFECT}); null when it cannot be estimated.
   */
  unitsNeeded: number | null;
  verdict: string;
}

/** The SRM check, or why it was skipped. */
export type SrmCheck = { checked: true; result: SrmResult } | { checked: false; reason: string };

export interface ExperimentReport {
  experiment: ExperimentDefinition;
  arms: ArmSummary[];
  comparisons: ArmComparison[];
  srm: SrmCheck;
  /** Every comparison's verdict, or the SRM warning first when the split is broken. */
  verdict: string;
  /** When the report was made (ms since epoch). */
  at: number;
}

/** The smallest difference the "n needed" estimate plans for: below this, estimates would run to the millions. */
export const MIN_EFFECT = 0.02;

/** Builds the report from the store's per-arm units (`GatewayStore.outcomes.byArm`). */
export function experimentReport(definition: ExperimentDefinition, data: readonly ArmUnits[], at = Date.now()): ExperimentReport {
  const byArm = new Map(data.map((a) => [a.arm, a]));
  const empty = (arm: string): ArmUnits => ({ arm, assigned: 0, outcomes: [], requests: 0, costUsd: 0 });
  const units = definition.arms.map((arm) => byArm.get(arm) ?? empty(arm));
  const arms = units.map(armSummary);
  const control = units.find((u) => u.arm === definition.control) ?? empty(definition.control);
  const comparisons = units.filter((u) => u.arm !== definition.control).map((t) => compare(definition, control, t));
  const srm = srmCheck(definition, units);
  const lines = comparisons.map((c) => c.verdict);
  if (srm.checked && srm.result.mismatch) {
    lines.unshift(
      `SRM: do not trust these results — units per arm ${srm.result.observed.join(' / ')} vs expected ` +
        `${srm.result.expected.map((e) => Math.round(e)).join(' / ')} (p=${srm.result.pValue.toExponential(1)}); ` +
        'check for bots, crashes before logging, or a changed split',
    );
  }
  return { experiment: definition, arms, comparisons, srm, verdict: lines.join('\n') || 'no treatment arm to compare', at };
}

function armSummary(u: ArmUnits): ArmSummary {
  const binary = u.outcomes.every((x) => x === 0 || x === 1);
  const successes = u.outcomes.filter((x) => x === 1).length;
  const mean = binary ? wilson(successes, u.outcomes.length, CONFIDENCE) : tInterval(u.outcomes, CONFIDENCE);
  return {
    arm: u.arm,
    units: u.assigned,
    requests: u.requests,
    n: u.outcomes.length,
    mean,
    method: binary ? 'wilson' : 't',
    costUsd: u.costUsd,
  };
}

function compare(definition: ExperimentDefinition, control: ArmUnits, treatment: ArmUnits): ArmComparison {
  const stream = (u: ArmUnits) => ({ values: u.outcomes, ...(u.outcomeTimes ? { times: u.outcomeTimes } : {}) });
  const result = sequentialTest(stream(control), stream(treatment), { alpha: definition.alpha });
  const base = { control: control.arm, treatment: treatment.arm, result };
  const show = formatterOf(definition.metric);
  const interval = `always-valid ${Math.round((1 - definition.alpha) * 100)} % CI ${show.diff(result.low)} to ${show.diff(result.high)}`;
  if (!result.considered) {
    const fewest = Math.min(result.n.control, result.n.treatment);
    return {
      ...base,
      status: 'too-few-units',
      unitsNeeded: null,
      verdict: `${treatment.arm} vs ${control.arm}: too few units with an outcome yet (${fewest} of the ${DEFAULT_BURN_IN} per arm the test starts from)`,
    };
  }
  if (result.significant) {
    const better = result.difference > 0;
    return {
      ...base,
      status: better ? 'better' : 'worse',
      unitsNeeded: null,
      verdict: `${treatment.arm} ${better ? 'better' : 'worse'} than ${control.arm}: ${show.diff(result.difference)} (${interval}, ${formatP(result.pValue, 'always-valid p')})`,
    };
  }
  const effect = Math.max(Math.abs(result.difference), MIN_EFFECT);
  const needed = unitsNeeded(result.variance, effect, { alpha: definition.alpha, tau2: result.tau2 });
  const perArm = Number.isFinite(needed) ? `about ${needed.toLocaleString('en-US')} units per arm` : 'more units than can be estimated';
  return {
    ...base,
    status: 'no-difference-yet',
    unitsNeeded: Number.isFinite(needed) ? needed : null,
    verdict:
      `${treatment.arm} vs ${control.arm}: no difference detected yet (${show.diff(result.difference)}, ${interval}); ` +
      `n needed: ${perArm} to detect a difference of ${show.magnitude(effect)}`,
  };
}

function srmCheck(definition: ExperimentDefinition, units: ArmUnits[]): SrmCheck {
  if (definition.bandit) return { checked: false, reason: 'split: bandit moves the shares on purpose, so there is no fixed ratio to check' };
  if (!definition.shares) return { checked: false, reason: 'the experiment has no configured shares' };
  const shares = definition.shares;
  return { checked: true, result: sampleRatioMismatch(units.map((u) => u.assigned), units.map((u) => shares[u.arm] ?? 0)) };
}

/** How a metric's values print: thumbs as rates and percentage points, scores as 0..1 numbers. */
export function formatterOf(metric: ExperimentDefinition['metric']) {
  const sign = (x: number, text: string) => (/^[0.]*$/.test(text) ? text : `${x > 0 ? '+' : '−'}${text}`);
  if (metric === 'thumbs') {
    return {
      value: (x: number) => `${(x * 100).toFixed(1)}%`,
      diff: (x: number) => (Number.isFinite(x) ? `${sign(x, (Math.abs(x) * 100).toFixed(1))} pp` : x > 0 ? '+∞' : '−∞'),
      magnitude: (x: number) => `${(x * 100).toFixed(1)} pp`,
    };
  }
  return {
    value: (x: number) => x.toFixed(3),
    diff: (x: number) => (Number.isFinite(x) ? sign(x, Math.abs(x).toFixed(3)) : x > 0 ? '+∞' : '−∞'),
    magnitude: (x: number) => x.toFixed(3),
  };
}
