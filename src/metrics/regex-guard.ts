/**
 * Keeps a regular expression run on model output from hanging the run with catastrophic backtracking
 * (`^(a+)+$` against "aaaa…!"). Shared by the `regex` metric and the `regex` transform step.
 *
 * Why this mechanism: rejecting "vulnerable" patterns up front (star height, ambiguity checks) refuses common
 * harmless patterns such as `(\d+,)*` and still misses some bad ones, and running every match under a watchdog
 * costs about 0.1 ms per call. Instead V8's linear-time engine takes over a match after excessive backtracking —
 * the right answer, in linear time, and nothing at all on the normal path. V8 has that engine only for patterns
 * without backreferences or lookaround, and (in Node 20) without the i, u, v or d flags; only those patterns pay
 * for a watchdog (node:vm's timeout, see time-limit.ts), which stops them after {@link REGEX_TIME_LIMIT_MS}.
 */
import { setFlagsFromString } from 'node:v8';
import { callWithTimeLimit } from './time-limit.js';

/** Longest one regex step may run on one output: a sane match on a model answer takes microseconds. */
export const REGEX_TIME_LIMIT_MS = 1000;

// Read when a regex is compiled and run, so setting them now is effective (Node runs with
// --no-freeze-flags-after-init so that v8.setFlagsFromString works). The second one lets us ask V8, with the
// `l` flag, whether it has a linear-time engine for a pattern.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString('--enable-experimental-regexp-engine');

/** Runs the work of one regex step; throws METRIC_ERROR "`label` timed out after N ms" when it runs away. */
export type RegexGuard = <T>(run: () => T) => T;

/**
 * The guard `pattern` needs: none when V8 can fall back to its linear engine, else a time limit. `shown` is how
 * the error names the pattern (as the user wrote it, without flags we added).
 */
export function regexGuard(pattern: RegExp, shown = String(pattern)): RegexGuard {
  if (hasLinearEngine(pattern)) return (run) => run();
  const label = `regex ${shown}`;
  const hint = 'the pattern backtracks catastrophically on this output: avoid nested quantifiers such as (a+)+';
  return <T>(run: () => T): T => callWithTimeLimit(run, REGEX_TIME_LIMIT_MS, label, { bound: 'sync', hint }) as T;
}

function hasLinearEngine(pattern: RegExp): boolean {
  try {
    new RegExp(pattern.source, `${pattern.flags}l`);
    return true;
  } catch {
    return false;
  }
}
