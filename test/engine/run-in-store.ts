/** Runs a hand-built suite through the real runSuite against a real store, with test defaults. */
import { join } from 'node:path';
import type { ProjectConfig, ResolvedSuite } from '../../src/config/types.js';
import { createEventBus } from '../../src/engine/events.js';
import { runSuite, type RunSuiteOptions } from '../../src/engine/run.js';
import type { Store } from '../../src/store/index.js';
import type { RunEvent } from '../../src/types.js';

/** A project rooted at `dir`, its database beside it. */
export function testProject(dir: string): ProjectConfig {
  return { root: dir, suites: [], db: join(dir, 'llmlab.db'), concurrency: 8, timeoutMs: 5000, maxRetries: 3, outputDir: 'reports' };
}

/** The outcome, every event emitted, and the cells as stored. */
export async function runInStore(store: Store, dir: string, suite: ResolvedSuite, extra: Partial<RunSuiteOptions> = {}) {
  const events = createEventBus();
  const seen: RunEvent[] = [];
  events.on((e) => seen.push(e));
  const outcome = await runSuite({
    suite,
    project: testProject(dir),
    store,
    env: {},
    events,
    concurrency: 8,
    cache: true,
    stop: new AbortController().signal,
    abort: new AbortController().signal,
    llmlabVersion: 'test',
    ...extra,
  });
  return { outcome, seen, cells: [...store.results.iterate(outcome.run.id)] };
}
