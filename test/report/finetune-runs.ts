/** Runs of a suite with fine-tune recipes, for the fine-tune section and gate tests: base and tuned cells from 2×2 tables. */
import type { Store } from '../../src/store/index.js';
import type { RunFinetune } from '../../src/store/runs.js';
import type { Gates } from '../../src/suite-settings.js';
import type { CellResult } from '../../src/types.js';
import { verdictCell } from './helpers.js';
import { gradedCell } from './score-cells.js';

export const BASE = 'openai:gpt-4o-mini';
export const TUNED = 'finetune:support-v2';

/** Both pass, base only, tuned only, both fail. */
export type Table = [number, number, number, number];

/**
 * Cells of `prompt` on `base` and `tuned` whose verdicts form `table`, tests numbered from `from`. With `metric`,
 * each cell carries one assertion of that name (its score is the verdict, or `scores` of each side when given).
 */
export function pairedCells(
  prompt: string, tuned: string, table: Table,
  options: { from?: number; base?: string; metric?: string; scores?: { base: number; tuned: number } } = {},
): CellResult[] {
  const verdicts: Array<[boolean, boolean]> = [];
  table.forEach((count, kind) => {
    for (let i = 0; i < count; i++) verdicts.push([kind === 0 || kind === 1, kind === 0 || kind === 2]);
  });
  const from = options.from ?? 0;
  return verdicts.flatMap(([b, t], i) => {
    const test = from + i;
    const cell = (provider: string, pass: boolean, score: number | undefined) =>
      options.metric
        ? gradedCell(prompt, provider, test, [[options.metric, score ?? (pass ? 1 : 0), pass]])
        : verdictCell(prompt, provider, test, pass ? 'pass' : 'fail');
    return [cell(options.base ?? BASE, b, options.scores?.base), cell(tuned, t, options.scores?.tuned)];
  });
}

/** A recipe as the run keeps it: one point per label given (a sweep when several), `estimatedUsd` per point. */
export function recipe(points: Array<{ label: string; point?: string; usd?: number }> = [{ label: TUNED }], extra: Partial<RunFinetune> = {}): RunFinetune {
  return {
    id: 'support-v2',
    base: BASE,
    select: 'pass',
    points: points.map((p, i) => ({
      label: p.label, point: p.point ?? '', hash: `hash-${i}`, hyperparameters: { epochs: i + 2 }, estimatedUsd: p.usd ?? 0.43,
    })),
    validation: { train: 120, validation: 20, trainTokens: 48210, leakedTests: 0, nearDuplicates: 2, warnings: 0 },
    ...extra,
  };
}

/** Stores a completed run of `cells` with these recipes and gates. */
export function storeFinetuneRun(store: Store, cells: CellResult[], finetunes: RunFinetune[], gates: Gates = {}) {
  const run = store.runs.create({
    suitePath: '/s.yaml', suiteHash: 'h', totalCells: cells.length,
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't', gates, finetunes },
  });
  cells.forEach((c, i) => store.results.put(run.id, c, i));
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

/** Stores a job for each point of `r`: `succeeded` with a model, unless `failed` names an error. */
export function storeJobs(store: Store, r: RunFinetune, failed?: string): void {
  for (const p of r.points) {
    const job = store.finetunes.start({ hash: p.hash, recipeId: r.id, label: p.label, backend: 'openai', estimatedUsd: p.estimatedUsd });
    store.finetunes.update(job.hash, job.attempt, failed
      ? { status: 'failed', jobId: 'ftjob-abc', error: failed }
      : { status: 'succeeded', jobId: 'ftjob-abc', model: 'ft:gpt-4o-mini:org:support-v2:abc', trainedTokens: 144630 });
  }
}
