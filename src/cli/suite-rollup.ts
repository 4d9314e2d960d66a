/**
 * The last line of `llmlab eval` over several suites: how many passed their gates and which failed on what, so the
 * exit code is explained at the end of the log, not only in each suite's block scrolled far above.
 */
import type { GateResult } from '../report/gates/types.js';

/** One suite's verdict: the suite as shown, and why it failed (gate names, or `budget`); empty when it passed. */
export interface SuiteVerdict {
  suite: string;
  failed: string[];
}

/** The verdict of a suite whose gates ran. */
export function gateVerdict(suite: string, gate: GateResult): SuiteVerdict {
  return { suite, failed: gate.passed ? [] : gate.checks.filter((c) => c.status === 'fail').map((c) => c.gate) };
}

/**
 * `3 of 4 suites passed; failed: suites/a.yaml (minPassRate); exit code 1`, or undefined for a single suite (its
 * gate lines already say it all).
 */
export function rollupLine(verdicts: readonly SuiteVerdict[], exitCode: number): string | undefined {
  if (verdicts.length < 2) return undefined;
  const failed = verdicts.filter((v) => v.failed.length > 0);
  const names = failed.map((v) => `${v.suite} (${v.failed.length > 0 ? v.failed.join(', ') : 'gate'})`);
  const passed = `${verdicts.length - failed.length} of ${verdicts.length} suites passed`;
  return `${passed}${names.length > 0 ? `; failed: ${names.join(', ')}` : ''}; exit code ${exitCode}`;
}
