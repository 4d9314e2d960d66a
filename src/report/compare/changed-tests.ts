/** The tests that changed verdict between two runs, across targets, for the lists that show a few of them. */
import type { RunTarget } from '../../store/run-pairs.js';
import type { ChangedTest, RunComparison } from './compare-runs.js';

/** Changed tests taken from each target in turn, so a cut list still shows every target that changed. */
export function changedTests(comparison: RunComparison, kind: 'regressed' | 'fixed'): Array<ChangedTest & RunTarget> {
  const lists = comparison.targets.map((t) => t[kind].map((c) => ({ ...c, promptId: t.promptId, providerLabel: t.providerLabel })));
  const total = lists.reduce((n, l) => n + l.length, 0);
  const out: Array<ChangedTest & RunTarget> = [];
  for (let i = 0; out.length < total; i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]!);
  }
  return out;
}
