/** What makes a comparison of two runs partial: different or changed suites, unfinished runs, attacks on one side. */
import type { RunRecord, Store } from '../../store/index.js';
import { attackVerdictCount, type PairSource } from '../../store/run-pairs.js';
import type { SecurityComparison } from './security-comparison.js';
import { subsetLine } from '../model/subset.js';

/** Warnings about the runs themselves; `sameSuite` silences "different suites" (a base commit checked out elsewhere). */
export function warningsFor(a: RunRecord, b: RunRecord, sameSuite: boolean): string[] {
  const warnings: string[] = [];
  if (a.id === b.id) warnings.push(`both sides are run ${a.id}: every difference is zero`);
  if (a.suitePath !== b.suitePath && !sameSuite) {
    warnings.push(`the runs are of different suites (${a.suitePath} and ${b.suitePath}); only the cells they share are compared`);
  } else if (a.suiteHash !== b.suiteHash) {
    warnings.push(`the suite changed between the runs (hash ${a.suiteHash.slice(0, 12)} → ${b.suiteHash.slice(0, 12)}); only the cells they share are compared`);
  }
  for (const [side, run] of [['A', a], ['B', b]] as const) {
    if (run.status !== 'completed') warnings.push(`run ${side} (${run.id}) is ${run.status}: cells it did not finish are not compared`);
    // Tests only in the other run are then left out by choice, not missing.
    if (run.options.subset) warnings.push(`run ${side} (${run.id}) is a ${subsetLine(run.options.subset)}: only the cells they share are compared`);
  }
  return warnings;
}

/** Attack cells on one side only: said, so a missing security comparison is not read as "nothing changed". */
export function securityWarnings(store: Store, a: RunRecord, b: RunRecord, source: PairSource, security: SecurityComparison | undefined): string[] {
  if (security) return security.cells.paired > 0 ? [] : ['the runs share no attack test: security results are not compared'];
  const only = (run: RunRecord) => attackVerdictCount(store.db, run.id, source) > 0;
  if (only(a)) return ['only run A has attack cells: security results are not compared'];
  if (only(b)) return ['only run B has attack cells: security results are not compared'];
  return [];
}
