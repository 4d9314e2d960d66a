/**
 * The `finetune` gate: one check per recipe, on the point the comparison chose. It passes when (a) the tuned
 * pass rate beats the base's by more than `margin` (with `requireSignificance`, the interval's lower bound does),
 * (b) no metric dropped significantly (Holm-adjusted), and (c) no forgetting suite dropped more than `maxForgetting`
 * (with `requireSignificance`, only a significant drop that large fails). A point without tuned cells (its job
 * failed, or never ran) fails the recipe with the job's error: what was not evaluated cannot pass.
 */
import type { FinetuneRecipeSummary } from '../model/finetune-summary.js';
import { formatP, signedPoints } from '../shared.js';
import type { GateCheck, GateInput } from './types.js';

/** Guards the comparisons against float noise. */
const EPSILON = 1e-9;

type FinetuneGates = NonNullable<GateInput['gates']['finetune']>;

/** One check per recipe; a single not-checked line when the run has no recipe. */
export function finetuneGates(recipes: readonly FinetuneRecipeSummary[] | undefined, gate: FinetuneGates): GateCheck[] {
  const margin = gate.margin ?? 0;
  const thresholdText = `> ${points(margin)} pts${(gate.requireSignificance ?? true) ? ' (lower bound of the interval)' : ' (estimate)'}`;
  if (!recipes || recipes.length === 0) {
    return [{ gate: 'finetune', status: 'not-checked', measured: null, threshold: margin, measuredText: 'not checked', thresholdText, reason: 'not checked: the run has no fine-tune recipe' }];
  }
  return recipes.map((r) => recipeCheck(r, gate, margin, thresholdText));
}

function recipeCheck(recipe: FinetuneRecipeSummary, gate: FinetuneGates, margin: number, thresholdText: string): GateCheck {
  const requireSignificance = gate.requireSignificance ?? true;
  const maxForgetting = gate.maxForgetting ?? 0.05;
  const base = { gate: 'finetune' as const, threshold: margin, thresholdText, recipe: recipe.id, requireSignificance };
  const missing = recipe.points.filter((p) => p.pass === null);
  const chosen = recipe.points.find((p) => p.label === recipe.chosen?.label);
  if (missing.length > 0 || !chosen?.pass) {
    const reasons = missing.map((p) => `${p.label}: ${p.job?.error ?? (p.job ? `job ${p.job.status}, no tuned cells ran` : 'no training job and no tuned cells')}`);
    return { ...base, status: 'fail', measured: null, measuredText: `${recipe.id}: not evaluated`, reason: `${recipe.id}: ${reasons.join('; ')}` };
  }
  const pass = chosen.pass;
  const d = pass.difference;
  const measuredText = `${recipe.id}: ${signedPoints(d.estimate)} pts [${signedPoints(d.low)}, ${signedPoints(d.high)}] (n=${pass.n})`;
  const failures: string[] = [];
  if (d.estimate <= margin + EPSILON) failures.push(`the pass-rate difference ${signedPoints(d.estimate)} pts is not above the margin ${points(margin)} pts`);
  else if (requireSignificance && d.low <= margin + EPSILON) {
    failures.push(`the interval's lower bound ${signedPoints(d.low)} pts is not above the margin ${points(margin)} pts (not significant)`);
  }
  for (const m of chosen.metrics) {
    if (m.significant && m.difference.estimate < 0) {
      failures.push(`metric ${m.metric} dropped ${(-m.difference.estimate).toFixed(2)} (${m.base.toFixed(2)} → ${m.tuned.toFixed(2)}, ${formatP(m.adjustedPValue, 'Holm p')})`);
    }
  }
  for (const f of recipe.forgetting) {
    const drop = -f.difference.estimate;
    if (drop > maxForgetting + EPSILON && (!requireSignificance || f.significant)) {
      failures.push(`forgetting ${f.name} dropped ${points(drop)} pts, more than maxForgetting ${points(maxForgetting)} pts`);
    }
  }
  return {
    ...base,
    status: failures.length > 0 ? 'fail' : 'pass',
    measured: d.estimate,
    measuredText,
    ...(failures.length > 0 ? { reason: `${recipe.id}: ${failures.join('; ')}` } : {}),
  };
}

/** A fraction as points, sign only when negative: 0 → `0.0`, 0.05 → `5.0`, −0.02 → `−2.0`. */
function points(fraction: number): string {
  return fraction < 0 ? signedPoints(fraction) : (fraction * 100).toFixed(1);
}
