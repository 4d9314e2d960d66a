/** Cells with assertion results, and runs with a repeat count, for the per-metric and repeat tests. */
import type { Store } from '../../src/store/index.js';
import type { AssertionResult, CellResult, CellStatus } from '../../src/types.js';
import { verdictCell } from './helpers.js';

/** `[metric, score, pass]`, or with a 4th element an error message (the assertion then failed to run). */
export type Graded = [metric: string, score: number, pass: boolean, error?: string];

/** A cell of `prompt` × `provider` on test `t<test>` with these assertion results; its status follows them. */
export function gradedCell(prompt: string, provider: string, test: number, graded: Graded[], repeat = 0): CellResult {
  const assertions: AssertionResult[] = graded.map(([metric, score, pass, error]) => ({
    type: metric, metric, pass, score, weight: 1, ...(error === undefined ? {} : { error }),
  }));
  const status: CellStatus = graded.some((g) => g[3] !== undefined) ? 'error' : graded.every((g) => g[2]) ? 'pass' : 'fail';
  const score = graded.reduce((s, g) => s + g[1], 0) / Math.max(graded.length, 1);
  return { ...verdictCell(prompt, provider, test, status, repeat), assertions, score };
}

/** A cell with only an overall score (no assertions), for score comparisons. */
export function scoredCell(prompt: string, provider: string, test: number, score: number, repeat = 0): CellResult {
  return { ...verdictCell(prompt, provider, test, score >= 0.5 ? 'pass' : 'fail', repeat), score };
}

/** Stores a completed run with `repeat` and the suite order of providers and prompts. */
export function storeRunWith(store: Store, cells: CellResult[], options: { repeat?: number; providers?: string[]; prompts?: string[] } = {}) {
  const run = store.runs.create({
    suitePath: '/s.yaml', suiteHash: 'h', totalCells: cells.length,
    options: { concurrency: 1, repeat: options.repeat ?? 1, cache: true, llmlabVersion: 't', providers: options.providers, prompts: options.prompts },
  });
  cells.forEach((c, i) => store.results.put(run.id, c, i));
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}
