/**
 * How much summarizing one page may do. A run's summary is usually kept (`llmlab eval` keeps the one it printed),
 * but runs stored by an older llmlab, merged or resumed have none, and building one costs about 0.3 s per 10,000
 * cells. A page builds missing summaries while its budget of cells lasts and leaves the rest to the background
 * summarizer (warm.ts), saying so, rather than making the first visit after an upgrade wait for every old run.
 */
import { hasStoredSummary, keptSummary } from '../report/stored-summary.js';
import type { RunSummary } from '../report/summary.js';
import type { RunRecord } from '../store/index.js';
import type { ViewContext } from './context.js';

/** Cells a page may summarize while it is answered. */
export const PAGE_SUMMARY_CELLS = 20_000;

/** A budget of cells to summarize; `take` answers a run's summary when kept or affordable, else undefined. */
export function summaryBudget(view: ViewContext, cells = PAGE_SUMMARY_CELLS) {
  let left = cells;
  return {
    take(run: RunRecord): RunSummary | undefined {
      const kept = keptSummary(view.store, run);
      if (kept) return kept;
      if (run.totalCells > left) return undefined;
      left -= run.totalCells;
      return view.summary(run);
    },
  };
}

/**
 * Builds the summaries of every run that has none, newest first, one run per turn of the event loop, until
 * `signal` aborts: afterwards every page reads kept summaries. Failures are warnings (the page builds it later).
 */
export async function summarizeMissing(view: ViewContext, signal: AbortSignal): Promise<number> {
  let built = 0;
  for (const run of view.store.runs.list(Number.MAX_SAFE_INTEGER)) {
    if (signal.aborted) break;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) break;
    try {
      if (hasStoredSummary(view.store, run)) continue;
      view.summary(run);
      built++;
    } catch (error) {
      view.warn(`summarizing run ${run.id}: ${(error as Error).message}`);
    }
  }
  return built;
}
