/** The compare cache: one computation per pair while the runs are unchanged, a few pairs at most. */
import { afterEach, expect, it } from 'vitest';
import { createCompareCache } from '../../src/view/compare-cache.js';
import { fixtureRuns, viewProject, type ViewProject } from './helpers.js';

let project: ViewProject | undefined;
afterEach(() => project?.dispose());

it('keeps each pair until its runs change or it is the least recently used of too many', () => {
  project = viewProject();
  const { baseline, candidate } = fixtureRuns(project.store);
  const cache = createCompareCache(project.store, 2);
  const index = cache.index(baseline, candidate);
  const comparison = cache.comparison(baseline, candidate);
  expect(cache.index(baseline, candidate)).toBe(index);
  expect(cache.comparison(baseline, candidate)).toBe(comparison);
  // A second pair fits; a third drops the least recently used (candidate → baseline, not used since).
  cache.index(candidate, baseline);
  cache.index(baseline, candidate);
  cache.index(candidate, candidate);
  expect(cache.index(baseline, candidate)).toBe(index);
  cache.index(baseline, baseline);
  cache.index(candidate, candidate);
  expect(cache.index(baseline, candidate)).not.toBe(index);
  // A run that changed is compared again.
  const fresh = cache.comparison(baseline, candidate);
  project.store.runs.setStatus(candidate.id, 'interrupted');
  expect(cache.comparison(baseline, candidate)).not.toBe(fresh);
});
