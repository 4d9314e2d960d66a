/**
 * The Runs page of `llmlab view` in chromium: every run listed with no console error, a run without a kept summary
 * filled in by the page's script, a description holding markup shown as text, and two picked runs opening Compare
 * with the older one as the baseline. Skipped (saying why) without chromium outside CI.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningView } from '../../src/view/server.js';
import type { CellResult } from '../../src/types.js';
import { fixtureRuns, startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { launchChromium } from './chromium.js';
import { openPage, requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium("the view's Runs page browser test");

/** A run too large to summarize while the list is answered: its row is filled in by the page. */
function storeLargeRun(project: ViewProject): string {
  const run = project.store.runs.create({
    suitePath: `${project.dir}/suites/large.yaml`, suiteHash: 'h', description: '<img src=x onerror="window.__pwned=1">',
    totalCells: 21_000, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' },
  });
  project.store.db.transaction(() => {
    for (let i = 0; i < 21_000; i++) {
      const cell: CellResult = {
        cellId: `m:t${i}`, providerId: 'm', providerLabel: 'm', promptId: 'main', testId: `t${i}`, testIndex: i, repeatIndex: 0,
        vars: {}, prompt: 'q', output: 'o', status: i % 4 === 0 ? 'fail' : 'pass', score: 0, assertions: [], latencyMs: 1, cost: 0.001, cached: false,
      };
      project.store.results.put(run.id, cell, i);
    }
  })();
  project.store.runs.setStatus(run.id, 'completed');
  return run.id;
}

describe.skipIf(skip)('llmlab view: Runs page in chromium', () => {
  let project: ViewProject;
  let view: RunningView;
  let browser: Browser;
  let runs: { baseline: string; candidate: string; large: string };

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    const { baseline, candidate } = fixtureRuns(project.store);
    runs = { baseline: baseline.id, candidate: candidate.id, large: storeLargeRun(project) };
    view = await startTestView(project);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await view?.close();
    project?.dispose();
  });

  const open = () => openPage(browser, `${view.url}/`);

  it('lists every run, fills in the one without a kept summary, and shows markup as text', async () => {
    const { page, problems } = await open();
    expect(await page.locator('#runs tbody tr').count()).toBe(3);
    const large = page.locator(`#runs tr[data-run="${runs.large}"]`);
    expect(await large.locator('td.gate').textContent()).toBe('fail');
    expect(await large.locator('.target-rates').textContent()).toContain('main × m: 75.0%');
    expect(await large.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator(`#runs tr[data-run="${runs.candidate}"] .target-rates li`).count()).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('compares two picked runs, the older one as the baseline', async () => {
    const { page } = await open();
    expect(await page.isDisabled('#compare')).toBe(true);
    await page.check(`#runs tr[data-run="${runs.candidate}"] input.pick`);
    await page.check(`#runs tr[data-run="${runs.baseline}"] input.pick`);
    expect(await page.isDisabled('#compare')).toBe(false);
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('a')).toBe(runs.baseline);
    expect(url.searchParams.get('b')).toBe(runs.candidate);
    await page.close();
  });
});
