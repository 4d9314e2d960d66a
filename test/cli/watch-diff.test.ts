import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatWatchDiff } from '../../src/cli/watch-diff.js';
import type { ResolvedPrompt } from '../../src/config/types.js';
import { createEventBus } from '../../src/engine/events.js';
import { runSuite } from '../../src/engine/run.js';
import { compareRuns } from '../../src/report/compare/compare-runs.js';
import { openStore, type Store } from '../../src/store/index.js';
import { assertion, makeSuite, provider, tests } from '../engine/make-suite.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-diff-'));
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const prompt = (id: string, template: string): ResolvedPrompt => ({ id, template, source: { file: '/virtual/suite.yaml' } });

async function run(prompts: ResolvedPrompt[]) {
  const suite = makeSuite({
    providers: [provider('echo')],
    prompts,
    tests: tests(['one', 'two', 'three'], [assertion('contains', 'yes')]).map((t, i) => ({ ...t, description: `case ${i}` })),
  });
  const outcome = await runSuite({
    suite,
    project: { root: dir, suites: [], db: store.path, concurrency: 2, timeoutMs: 1000, maxRetries: 0, outputDir: 'reports' },
    store,
    env: {},
    events: createEventBus(),
    concurrency: 2,
    cache: true,
    stop: new AbortController().signal,
    abort: new AbortController().signal,
    llmlabVersion: 'test',
  });
  return store.runs.get(outcome.run.id)!;
}

describe('watch diff', () => {
  it('lists the targets whose pass rate moved and every flipped cell, both ways', async () => {
    const a = await run([prompt('p1', 'yes {{ question }}'), prompt('p2', 'no {{ question }}'), prompt('p3', 'yes {{ question }}')]);
    const b = await run([prompt('p1', 'no {{ question }}'), prompt('p2', 'yes {{ question }}'), prompt('p3', 'yes {{ question }}')]);
    const text = formatWatchDiff(compareRuns(store, a, b), 4);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`since run ${a.id}: 3 pass → fail, 3 fail → pass (9 cells compared)`);
    expect(lines).toContain('  p1 × echo  100.0% → 0.0%  (−100.0 pts)');
    expect(lines).toContain('  p2 × echo  0.0% → 100.0%  (+100.0 pts)');
    expect(lines).toContain('  1 other prompt × provider unchanged');
    expect(lines).toContain('  pass → fail  p1 × echo  t0 "case 0"  (pass → fail)');
    expect(lines).toContain('  fail → pass  p2 × echo  t2 "case 2"  (fail → pass)');
    expect(lines.filter((l) => l.includes('pass → fail  p1'))).toHaveLength(3);
  });

  it('caps the flipped cells it lists, and says when nothing changed', async () => {
    const a = await run([prompt('p1', 'yes {{ question }}'), prompt('p2', 'yes {{ question }}')]);
    const b = await run([prompt('p1', 'no {{ question }}'), prompt('p2', 'no {{ question }}')]);
    const capped = formatWatchDiff(compareRuns(store, a, b), 4).split('\n');
    expect(capped.filter((l) => l.startsWith('  pass → fail  '))).toHaveLength(4);
    expect(capped).toContain('  … and 2 more pass → fail');
    expect(capped).not.toContain('other prompt × provider unchanged');

    const same = await run([prompt('p1', 'no {{ question }}'), prompt('p2', 'no {{ question }}')]);
    expect(formatWatchDiff(compareRuns(store, b, same))).toBe(`no verdict changed since run ${b.id} (6 cells compared)`);
  });

  it('names prompts that appeared or went away', async () => {
    const a = await run([prompt('p1', 'yes {{ question }}'), prompt('old', 'yes {{ question }}')]);
    const b = await run([prompt('p1', 'yes {{ question }}'), prompt('new', 'yes {{ question }}')]);
    const lines = formatWatchDiff(compareRuns(store, a, b)).split('\n');
    expect(lines).toContain('  new: new × echo');
    expect(lines).toContain('  gone: old × echo');
  });
});
