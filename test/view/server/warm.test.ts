/**
 * The background warm-up: the newest run's matrix, history and comparison are requested once after listening, then
 * every run without a kept summary is summarized.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasStoredSummary } from '../../../src/report/stored-summary.js';
import type { RunningView } from '../../../src/view/server.js';
import { warmPaths } from '../../../src/view/warm.js';
import { fixtureRuns, startTestView, viewContext, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject | undefined;
let view: RunningView | undefined;
afterEach(async () => {
  await view?.close();
  project?.dispose();
  view = undefined;
});

describe('warming the view', () => {
  it('names the newest whole run\'s pages and its comparison with the run before', async () => {
    project = viewProject();
    expect(warmPaths(await viewContext(project))).toEqual([]);
    const { baseline, candidate } = fixtureRuns(project.store);
    project.store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(baseline.createdAt - 1000, baseline.id);
    const suite = encodeURIComponent('/suites/support.yaml');
    expect(warmPaths(await viewContext(project))).toEqual([
      `/api/runs/${candidate.id}/rows?page=0`,
      `/history?suite=${suite}`,
      `/compare?a=${baseline.id}&b=${candidate.id}`,
      `/api/compare/rows?a=${baseline.id}&b=${candidate.id}&mode=changed&page=0`,
    ]);
  });

  it('fills the caches through the app after listening, with the token when there is one', async () => {
    project = viewProject();
    const { baseline, candidate } = fixtureRuns(project.store);
    expect(hasStoredSummary(project.store, candidate)).toBe(false);
    view = await startTestView(project, { warm: true, token: 'a-token-of-sixteen-chars' });
    await view.warmed;
    // The rows API summarized the run (and kept it), as a visit would have; then every run without one was summarized.
    expect(hasStoredSummary(project.store, candidate)).toBe(true);
    expect(hasStoredSummary(project.store, baseline)).toBe(true);
  });
});
