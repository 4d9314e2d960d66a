/** The console lines of the gates: one per gate (name, verdict, measured value, threshold, reason), then the verdict. */
import { formatRunComparison } from './compare-lines.js';
import type { BaselineComparison } from '../compare/baseline.js';
import type { GateCheck, GateResult } from '../gates/types.js';

const VERDICT: Record<GateCheck['status'], string> = { pass: 'pass', fail: 'FAIL', 'not-checked': 'not checked' };

/**
 * `gate minPassRate: FAIL — 25.0% (1 of 4 cells), threshold ≥ 90.0%: pass rate 25.0% is below minPassRate 90.0%`
 * per gate, then `gate passed` or `gate failed: minPassRate, maxRegression`, or for a run holding only some shards
 * `gate not decided: shard 2/8: partial; …`.
 */
export function formatGateLines(result: GateResult): string[] {
  const lines = result.checks.map(gateLine);
  const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.gate);
  if (result.partial) lines.push(`gate not decided: ${result.partial}; the gates judge the merged run of all shards`);
  else lines.push(failed.length === 0 ? `gate passed (${countOf(result.checks)})` : `gate failed: ${failed.join(', ')}`);
  // A verdict on part of the suite says so where it is read, so a green subset is not taken for a green suite.
  if (result.subset) lines[lines.length - 1] += ` — judged a ${result.subset}`;
  return lines;
}

/** One gate's line; a not-checked gate shows why instead of a measured value. */
export function gateLine(check: GateCheck): string {
  const head = `gate ${check.gate}: ${VERDICT[check.status]}`;
  if (check.status === 'not-checked') return `${head} — ${check.reason?.replace(/^not checked: /, '') ?? ''}, threshold ${check.thresholdText}`;
  const line = `${head} — ${check.measuredText}, threshold ${check.thresholdText}`;
  return check.reason ? `${line}: ${check.reason}` : line;
}

function countOf(checks: GateCheck[]): string {
  const checked = checks.filter((c) => c.status !== 'not-checked').length;
  const skipped = checks.length - checked;
  return `${checked} gate${checked === 1 ? '' : 's'} checked${skipped > 0 ? `, ${skipped} not checked` : ''}`;
}

/** The comparison with the baseline as `llmlab compare` prints it, or why there is none; printed after the summary. */
export function formatBaselineSection(baseline: BaselineComparison, cwd = process.cwd()): string {
  if ('unavailable' in baseline) return `\nbaseline ${baseline.ref ?? ''}: ${baseline.unavailable}`;
  return `\nbaseline ${baseline.ref ?? baseline.comparison.runA.id}\n${formatRunComparison(baseline.comparison, cwd)}`;
}
