/**
 * The pairs behind the fine-tune comparison, folded from the store in one pass each: for every recipe and every
 * training point, a 2×2 table of base versus tuned verdicts over the same (prompt, test, repeat), one for the
 * suite's own prompts and one per forgetting suite; and per metric name the paired scores over the suite's own
 * prompts. Verdicts stream grouped by (test, repeat), so only one group is held at a time.
 */
import type { Store } from '../../store/index.js';
import type { RunFinetune } from '../../store/runs.js';
import { metricScoreRows } from '../../store/score-rows.js';
import { forgettingPrefix, isForgettingPrompt } from './forgetting-cells.js';

/** Both pass, base only, tuned only, both fail. */
export type PairCounts = [number, number, number, number];

/** Where a table's pairs come from: the suite's own prompts, or one forgetting suite (by name). */
export type PairScope = { main: true } | { forgetting: string };

/** Key of a table: recipe, scope, tuned label. */
export function tableKey(recipe: string, scope: PairScope, label: string): string {
  return `${recipe}\0${'main' in scope ? '' : scope.forgetting}\0${label}`;
}

/** Base and tuned scores of one metric on the same cells, in pair order. */
export interface MetricPairs {
  base: number[];
  tuned: number[];
}

/** Folds the run's verdicts into base-versus-tuned tables for every recipe, point and scope. */
export function foldPassTables(store: Store, runId: string, recipes: readonly RunFinetune[]): Map<string, PairCounts> {
  const tables = new Map<string, PairCounts>();
  // prompt id → provider label → passed, for the current (test, repeat) group.
  let byPrompt = new Map<string, Map<string, boolean>>();
  let group: string | undefined;
  const flush = () => {
    for (const [promptId, verdicts] of byPrompt) {
      for (const recipe of recipes) {
        const scope = scopeOf(recipe, promptId);
        const base = scope && verdicts.get(recipe.base);
        if (!scope || base === undefined) continue;
        for (const point of recipe.points) {
          const tuned = verdicts.get(point.label);
          if (tuned === undefined) continue;
          const key = tableKey(recipe.id, scope, point.label);
          const counts = tables.get(key) ?? [0, 0, 0, 0];
          counts[base ? (tuned ? 0 : 1) : tuned ? 2 : 3]++;
          tables.set(key, counts);
        }
      }
    }
    byPrompt = new Map();
  };
  for (const v of store.results.verdicts(runId)) {
    const key = `${v.testId}\0${v.repeatIndex}`;
    if (key !== group) {
      if (group !== undefined) flush();
      group = key;
    }
    const verdicts = byPrompt.get(v.promptId) ?? new Map<string, boolean>();
    verdicts.set(v.providerLabel, v.status === 'pass');
    byPrompt.set(v.promptId, verdicts);
  }
  if (group !== undefined) flush();
  return tables;
}

/**
 * Per recipe, point label and metric name: paired scores over the suite's own prompts (forgetting cells are their
 * own suites, compared by pass rate only). A cell with several assertions of a name is one observation, as in the
 * per-metric summary.
 */
export function foldMetricPairs(store: Store, runId: string, recipes: readonly RunFinetune[]): Map<string, Map<string, MetricPairs>> {
  const labels = new Set(recipes.flatMap((r) => [r.base, ...r.points.map((p) => p.label)]));
  // Rows arrive ordered by target, so a base's rows may come after a tuned model's: keep each label's scores.
  const scores = new Map<string, Map<string, number>>();
  for (const row of metricScoreRows(store.db, runId)) {
    if (row.metric === null || isForgettingPrompt(row.promptId) || !labels.has(row.providerLabel)) continue;
    const byCell = scores.get(row.providerLabel) ?? new Map<string, number>();
    byCell.set(`${row.metric}\0${row.promptId}\0${row.testId}\0${row.repeatIndex}`, row.score);
    scores.set(row.providerLabel, byCell);
  }
  const out = new Map<string, Map<string, MetricPairs>>();
  for (const recipe of recipes) {
    const base = scores.get(recipe.base);
    for (const point of recipe.points) {
      const metrics = new Map<string, MetricPairs>();
      for (const [cell, score] of scores.get(point.label) ?? []) {
        const was = base?.get(cell);
        if (was === undefined) continue;
        const metric = cell.slice(0, cell.indexOf('\0'));
        const pairs = metrics.get(metric) ?? { base: [], tuned: [] };
        pairs.base.push(was);
        pairs.tuned.push(score);
        metrics.set(metric, pairs);
      }
      out.set(`${recipe.id}\0${point.label}`, metrics);
    }
  }
  return out;
}

/** The scope a prompt's cells count in for a recipe; undefined for another recipe's forgetting suite. */
function scopeOf(recipe: RunFinetune, promptId: string): PairScope | undefined {
  if (!isForgettingPrompt(promptId)) return { main: true };
  const suite = recipe.forgetting?.find((f) => promptId.startsWith(forgettingPrefix(f.name)));
  return suite && { forgetting: suite.name };
}
