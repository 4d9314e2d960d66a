/**
 * What changed since the previous watch iteration, from `llmlab compare`'s model of two stored runs: the pass
 * rate delta per prompt × provider and the cells that flipped pass → fail and fail → pass; then the tests edited
 * since (new id, paired with their previous version by watch-edits.ts) with old → new verdicts, and added tests.
 */
import type { ChangedTest, RunComparison, TargetDelta } from '../report/compare/compare-runs.js';
import type { EditedCell, TestEdits } from './watch-edits.js';

/** How many flipped cells are listed before "… and N more". */
export const FLIP_LIST_LIMIT = 10;

/** `subset`: run B holds part of the suite (`f`), so targets it did not run are not gone. */
export function formatWatchDiff(c: RunComparison, limit = FLIP_LIST_LIMIT, subset = false): string {
  const { regressions, fixes } = c.overall;
  const lines = [
    regressions + fixes === 0
      ? `no verdict changed since run ${c.runA.id} (${c.cells.paired} cells compared)`
      : `since run ${c.runA.id}: ${regressions} pass → fail, ${fixes} fail → pass (${c.cells.paired} cells compared)`,
  ];
  const changed = c.targets.filter((t) => t.passRateA.passed !== t.passRateB.passed || t.passRateA.n !== t.passRateB.n);
  for (const t of changed) {
    lines.push(`  ${t.promptId} × ${t.providerLabel}  ${rate(t.passRateA.rate)} → ${rate(t.passRateB.rate)}  (${points(t.difference.estimate)} pts)`);
  }
  if (changed.length > 0 && changed.length < c.targets.length) {
    lines.push(`  ${c.targets.length - changed.length} other prompt × provider unchanged`);
  }
  for (const t of c.targetsOnlyInB) lines.push(`  new: ${t.promptId} × ${t.providerLabel}`);
  if (!subset) for (const t of c.targetsOnlyInA) lines.push(`  gone: ${t.promptId} × ${t.providerLabel}`);
  lines.push(...flips('pass → fail', c.targets, (t) => t.regressed, limit));
  lines.push(...flips('fail → pass', c.targets, (t) => t.fixed, limit));
  return lines.join('\n');
}

function flips(heading: string, targets: TargetDelta[], pick: (t: TargetDelta) => ChangedTest[], limit: number): string[] {
  const all = targets.flatMap((t) => pick(t).map((test) => ({ t, test })));
  const lines = all.slice(0, limit).map(({ t, test }) => {
    const id = test.repeatIndex > 0 ? `${test.testId} (repeat ${test.repeatIndex + 1})` : test.testId;
    const description = test.description ? ` "${test.description}"` : '';
    return `  ${heading}  ${t.promptId} × ${t.providerLabel}  ${id}${description}  (${test.statusA} → ${test.statusB})`;
  });
  if (all.length > limit) lines.push(`  … and ${all.length - limit} more ${heading}`);
  return lines;
}

/**
 * The edited tests' cells with their previous and new verdicts (shown even when the verdict stayed: the edit is
 * what the user wants to see judged), the added tests' verdicts and how many tests were removed; '' for none.
 */
export function formatEdits(
  edits: TestEdits,
  cells: { edited: EditedCell[]; added: EditedCell[] },
  limit = FLIP_LIST_LIMIT,
): string {
  const { edited, added, removed } = edits;
  if (edited.length + added.length + removed.length === 0) return '';
  const counts = [
    ...(edited.length > 0 ? [`${edited.length} edited`] : []),
    ...(added.length > 0 ? [`${added.length} added`] : []),
    ...(removed.length > 0 ? [`${removed.length} removed`] : []),
  ];
  const lines = [`tests changed: ${counts.join(', ')}`];
  const list = (heading: string, all: EditedCell[]) => {
    for (const c of all.slice(0, limit)) {
      const id = c.repeatIndex > 0 ? `${c.test.id} (repeat ${c.repeatIndex + 1})` : c.test.id;
      const description = c.test.description ? ` "${c.test.description}"` : '';
      const verdict = heading === 'added' ? c.after : `${c.before ?? '–'} → ${c.after}`;
      lines.push(`  ${heading}  ${c.promptId} × ${c.providerLabel}  ${id}${description}  (${verdict})`);
    }
    if (all.length > limit) lines.push(`  … and ${all.length - limit} more ${heading}`);
  };
  list('edited', cells.edited);
  list('added', cells.added);
  return lines.join('\n');
}

function rate(r: number): string {
  return Number.isFinite(r) ? `${(r * 100).toFixed(1)}%` : '–';
}

/** Signed percentage points with a typographic minus, as `llmlab compare` prints them. */
function points(difference: number): string {
  const magnitude = Math.abs(difference * 100).toFixed(1);
  if (magnitude === '0.0') return '±0.0';
  return `${difference > 0 ? '+' : '−'}${magnitude}`;
}
