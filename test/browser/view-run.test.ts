/**
 * The run page of `llmlab view` in a real browser: a real server over the HTML report's fixture runs, the report's
 * scripts fetching rows a page at a time. Skipped (saying why) when chromium is missing on a developer machine;
 * fails in CI, which must run it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/store/index.js';
import type { RunningView } from '../../src/view/server.js';
import { XSS_OUTPUT } from '../report/html-fixture.js';
import { fixtureRuns, startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { launchChromium } from './chromium.js';
import { openPage, requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium("the view's run page browser test");

/** A small run whose tests differ in latency: slow-ish `mid`, fast `fast`, slow `slow` in suite order. */
function storeLatencyRun(project: ViewProject): RunRecord {
  const { store } = project;
  const run = store.runs.create({
    suitePath: '/suites/latency.yaml', suiteHash: 'h', totalCells: 3,
    options: { concurrency: 1, repeat: 1, cache: false, llmlabVersion: 'test', providers: ['p'], prompts: ['main'] },
  });
  [['mid', 300], ['fast', 10], ['slow', 2000]].forEach(([id, latency], i) => {
    store.results.put(run.id, {
      cellId: `p:main:${id}:0`, providerId: 'p', providerLabel: 'p', promptId: 'main', testId: String(id), testIndex: i, repeatIndex: 0,
      vars: {}, prompt: 'q', output: `answer ${id}`, status: 'pass', score: 1, assertions: [], latencyMs: Number(latency), cost: 0, cached: false,
    }, i);
  });
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

describe.skipIf(skip)("llmlab view's run page in chromium", () => {
  let project: ViewProject;
  let server: RunningView;
  let browser: Browser;
  let candidate: RunRecord;
  let latencyRun: RunRecord;

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    candidate = fixtureRuns(project.store).candidate;
    latencyRun = storeLatencyRun(project);
    server = await startTestView(project);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    project?.dispose();
  });

  /** Opens a run page and waits for its first rows; collects page errors and console errors as it goes. */
  const open = (path: string) => openPage(browser, `${server.url}${path}`);

  // Page functions run in the browser; this project compiles without the DOM types, so they are typed by hand.
  const rowIds = (page: Page) =>
    page.locator('#matrix tbody tr.test-row').evaluateAll((rows: Array<{ dataset: Record<string, string> }>) => rows.map((r) => r.dataset.test));

  it('renders the run with its nav and first page, shows a markup output as text and runs none of it', async () => {
    const { page, problems } = await open(`/runs/${candidate.id}`);
    expect(await page.locator('nav.view-nav').count()).toBe(1);
    expect(await page.locator('#summary-table').count()).toBe(1);
    expect(await rowIds(page)).toHaveLength(100);
    expect(await page.locator('#page-info').textContent()).toBe('1–100 of 155 · page 1 of 2');
    expect(await page.locator('[data-filter="failing"] .count').textContent()).toBe('(2)');
    const cell = page.locator('#matrix tr[data-test="xss"] td.cell[data-target="0"]');
    expect(await cell.locator('.output').textContent()).toBe(XSS_OUTPUT);
    // Give an injected <img> time to fail to load and fire onerror, were there one.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#matrix img, #matrix script').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages with Next, filters and searches through the server', async () => {
    const { page, problems } = await open(`/runs/${candidate.id}`);
    await page.click('#next');
    await expect.poll(() => page.locator('#page-info').textContent()).toBe('101–155 of 155 · page 2 of 2');
    expect(await rowIds(page)).toHaveLength(55);
    expect(await page.isDisabled('#next')).toBe(true);
    await page.click('[data-filter="failing"]');
    await expect.poll(() => rowIds(page)).toEqual(['refund', 'coin']);
    await page.click('[data-filter="all"]');
    await page.fill('#search', 'refund');
    await expect.poll(() => rowIds(page)).toEqual(['refund', 'timeout']);
    expect(await page.locator('[data-filter="all"] .count').textContent()).toBe('(2)');
    await page.fill('#search', 'Filler Question 99');
    await expect.poll(() => rowIds(page)).toEqual(['filler-99']);
    await page.fill('#search', 'zebra');
    await expect.poll(() => page.locator('#matrix tbody tr.empty').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sorts by latency both ways', async () => {
    const { page, problems } = await open(`/runs/${latencyRun.id}`);
    expect(await rowIds(page)).toEqual(['mid', 'fast', 'slow']);
    await page.selectOption('#sort', 'latency');
    await expect.poll(() => rowIds(page)).toEqual(['fast', 'mid', 'slow']);
    await page.selectOption('#sort-dir', 'desc');
    await expect.poll(() => rowIds(page)).toEqual(['slow', 'mid', 'fast']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('links a clicked cell with #cell=, and opens a linked cell on its page with its detail', async () => {
    const { page, problems } = await open(`/runs/${candidate.id}`);
    await page.click('#matrix tr[data-test="capital"] td.cell[data-target="1"]');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe(
      `#cell=${encodeURIComponent('bot-b:support:capital:0')}`,
    );
    expect(await page.locator('#matrix tr.detail').count()).toBe(1);
    await page.close();

    const linked = await open(`/runs/${candidate.id}#cell=${encodeURIComponent('bot-b:support:filler-120:1')}`);
    expect(await linked.page.locator('#page-info').textContent()).toBe('101–155 of 155 · page 2 of 2');
    const td = linked.page.locator('#matrix tr[data-test="filler-120"] td.cell[data-target="1"]');
    expect(await td.getAttribute('class')).toContain('open');
    const detail = linked.page.locator('#matrix tr.detail');
    expect(await detail.count()).toBe(1);
    expect(await detail.textContent()).toContain('Answer the customer: 120');
    expect(await td.isVisible()).toBe(true);
    expect(problems.concat(linked.problems)).toEqual([]);
    await linked.page.close();
  });
});
