/** Runs of one suite over time, for the History model, route and browser tests. */
import type { RunOptions, RunRecord, Store } from '../../src/store/index.js';
import type { CellResult, CellStatus } from '../../src/types.js';

export const HISTORY_SUITE = '/suites/history.yaml';

/** One stored run of the history suite. */
export interface HistoryRunSpec {
  /** Epoch ms: runs are ordered by it. */
  createdAt: number;
  tests: number;
  prompts?: string[];
  providers?: string[];
  suitePath?: string;
  /** The verdict of test `test` on a target. */
  status(test: number, prompt: string, provider: string): CellStatus;
  /** The `quality` metric's score of a cell (0.5 by default). */
  quality?(test: number, prompt: string, provider: string): number;
  /** Merged into the run's options (promptHashes, subset, …). */
  options?: Partial<RunOptions>;
  description?: string;
  testId?(test: number): string;
}

/** Stores one run of `spec`, completed at `spec.createdAt`. */
export function storeHistoryRun(store: Store, spec: HistoryRunSpec): RunRecord {
  const prompts = spec.prompts ?? ['answer'];
  const providers = spec.providers ?? ['bot-a'];
  const cells: CellResult[] = [];
  for (let test = 0; test < spec.tests; test++) {
    const testId = spec.testId?.(test) ?? `t${test}`;
    for (const prompt of prompts) {
      for (const provider of providers) {
        const status = spec.status(test, prompt, provider);
        const pass = status === 'pass';
        const quality = spec.quality?.(test, prompt, provider) ?? 0.5;
        cells.push({
          cellId: `${provider}:${prompt}:${testId}:0`, providerId: `echo:${provider}`, providerLabel: provider, promptId: prompt,
          testId, testIndex: test, repeatIndex: 0, description: `question ${test}`, vars: { n: test }, prompt: `Q${test}`,
          output: pass ? 'right' : 'wrong', status, score: pass ? 1 : 0,
          assertions: status === 'error' || status === 'skipped' ? [] : [
            { type: 'icontains', metric: 'icontains', pass, score: pass ? 1 : 0, weight: 1 },
            { type: 'javascript', metric: 'quality', pass: true, score: quality, weight: 1 },
          ],
          latencyMs: 10, cost: 0, cached: false,
          ...(status === 'error' ? { error: 'boom' } : {}),
        });
      }
    }
  }
  const run = store.runs.create({
    suitePath: spec.suitePath ?? HISTORY_SUITE,
    suiteHash: 'h',
    ...(spec.description ? { description: spec.description } : {}),
    totalCells: cells.length,
    options: { concurrency: 1, repeat: 1, cache: false, llmlabVersion: 't', providers, prompts, ...spec.options },
  });
  store.db.transaction(() => cells.forEach((c, i) => store.results.put(run.id, c, i)))();
  store.runs.setStatus(run.id, 'completed');
  // Runs created within one millisecond would tie: each gets its own time.
  store.runs.save({ ...store.runs.get(run.id)!, createdAt: spec.createdAt, finishedAt: spec.createdAt + 1000 });
  return store.runs.get(run.id)!;
}

/** `count` runs a day apart from 2026-11-01, the `i`-th built by `spec(i)`. */
export function storeHistory(store: Store, count: number, spec: (i: number) => Omit<HistoryRunSpec, 'createdAt'>): RunRecord[] {
  const start = Date.UTC(2026, 10, 1, 9);
  return Array.from({ length: count }, (_, i) => storeHistoryRun(store, { ...spec(i), createdAt: start + i * 86_400_000 }));
}

/** Test `test` passes when it is among the first `rate × tests` tests: a run whose pass rate is `rate`. */
export const passFirst = (rate: number, tests: number) => (test: number): CellStatus => (test < Math.round(rate * tests) ? 'pass' : 'fail');
