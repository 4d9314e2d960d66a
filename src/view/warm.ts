/**
 * Warming the view after it starts: the first visit to a 100,000-cell run's matrix, its suite's history or its
 * comparison with the run before it reads every row of those runs once (0.3–1.3 s each on a 2-core machine); later
 * visits are served from the routes' caches in tens of milliseconds. The newest run is what a user opens first, so
 * its pages are requested once, in the background, through the app itself — the routes fill their own caches, and
 * nothing here knows how. One page at a time, yielding between them, so a real request waits for at most one.
 * Then the runs stored without a kept summary (by an older llmlab, merged, resumed) are summarized, one a turn.
 */
import type { Hono } from 'hono';
import { messageOf } from '../errors.js';
import { previousRunId } from '../store/run-neighbours.js';
import type { ViewContext } from './context.js';
import { summarizeMissing } from './summary-budget.js';

/** The pages warmed for the newest run: its matrix, its suite's history, and its comparison with the run before. */
export function warmPaths(view: ViewContext): string[] {
  // A whole run if there is one: a studio run or a subset is rarely what a user opens first.
  const newest = view.store.runs.list(1, { wholeRuns: true })[0] ?? view.store.runs.latest();
  if (!newest) return [];
  const run = encodeURIComponent(newest.id);
  const paths = [`/api/runs/${run}/rows?page=0`, `/history?suite=${encodeURIComponent(newest.suitePath)}`];
  const previous = previousRunId(view.store.db, newest);
  if (previous !== undefined) {
    const pair = `a=${encodeURIComponent(previous)}&b=${run}`;
    paths.push(`/compare?${pair}`, `/api/compare/rows?${pair}&mode=changed&page=0`);
  }
  return paths;
}

/**
 * Requests `paths` from `app` one after another, each after the event loop has had a turn; `headers` carry what
 * the guard and the token check need. Failures are warnings: warming is an optimization.
 */
export async function warm(app: Pick<Hono, 'request'>, paths: readonly string[], headers: Record<string, string>, view: ViewContext, signal: AbortSignal): Promise<void> {
  await warmPages(app, paths, headers, view, signal);
  // Then every run an older llmlab stored without a kept summary, so no page has to build them.
  await summarizeMissing(view, signal);
}

async function warmPages(app: Pick<Hono, 'request'>, paths: readonly string[], headers: Record<string, string>, view: ViewContext, signal: AbortSignal): Promise<void> {
  for (const path of paths) {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) return;
    try {
      const response = await app.request(path, { headers });
      await response.arrayBuffer();
    } catch (error) {
      view.warn(`warming ${path}: ${messageOf(error)}`);
    }
  }
}
