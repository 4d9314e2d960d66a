/**
 * The HTML report in a real browser: a run whose model answered with markup, opened from file:// in headless
 * chromium. Skipped (saying why) when chromium is missing on a developer machine; fails in CI, which must run it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../src/report/writers/html.js';
import { summarizeRun } from '../../src/report/summary.js';
import { tempStore } from '../report/helpers.js';
import { storeBaseline, storeCandidate, XSS_OUTPUT } from '../report/html-fixture.js';
import { CHROMIUM_PATH, haveChromium, launchChromium } from './chromium.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
const skip = !haveChromium() && !inCi;
if (skip) {
  process.stderr.write(`skipping the HTML report browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium)\n`);
}

describe.skipIf(skip)('HTML report in chromium', () => {
  let t: ReturnType<typeof tempStore>;
  let browser: Browser;
  let reportUrl: string;

  beforeAll(async () => {
    if (!haveChromium()) throw new Error(`CI=${process.env.CI} but ${CHROMIUM_PATH} is missing: .ci/run must install chromium`);
    t = tempStore();
    const baseline = storeBaseline(t.store);
    const run = storeCandidate(t.store);
    const path = join(t.dir, 'report.html');
    writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '0.0.0-test', {
      baseline: { run: baseline, summary: summarizeRun(t.store, baseline) },
    });
    reportUrl = pathToFileURL(path).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    t?.dispose();
  });

  /** Opens the report and waits for the matrix; collects requests and page errors as it goes. */
  async function open(): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(reportUrl);
    await page.waitForSelector('html[data-ready="true"]');
    return { page, requests, problems };
  }

  // Page functions run in the browser; this project compiles without the DOM types, so they are typed by hand.
  const rowIds = (page: Page) =>
    page.locator('#matrix tbody tr.test-row').evaluateAll((rows: Array<{ dataset: Record<string, string> }>) => rows.map((r) => r.dataset.test));

  it('shows a model output holding <script> and <img onerror> as text, and runs none of it', async () => {
    const { page, requests, problems } = await open();
    const cell = page.locator('#matrix tr[data-test="xss"] td.cell[data-target="0"]');
    await expect.poll(() => cell.locator('.output').textContent()).toBe(XSS_OUTPUT);
    expect(await cell.locator('.output').isVisible()).toBe(true);
    expect(await page.getByText('<script>window.__pwned=1</script>', { exact: false }).first().isVisible()).toBe(true);
    // Give an injected <img> time to fail to load and fire onerror, were there one.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // The markup never became elements: the three scripts are the page's own, and the matrix holds no image.
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.locator('#matrix img, #matrix script').count()).toBe(0);
    // Self-contained: the page itself is the only thing loaded, and our script ran under the page's CSP.
    expect(requests).toEqual([reportUrl]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters failing, erroring and flaky tests, and pages 155 tests by 100', async () => {
    const { page } = await open();
    expect(await rowIds(page)).toHaveLength(100);
    await expect.poll(() => page.locator('#page-info').textContent()).toBe('1–100 of 155 · page 1 of 2');
    await page.click('#next');
    expect(await rowIds(page)).toHaveLength(55);
    expect(await page.isDisabled('#next')).toBe(true);

    await page.click('[data-filter="failing"]');
    expect(await rowIds(page)).toEqual(['refund', 'coin']);
    expect(await page.locator('[data-filter="failing"] .count').textContent()).toBe('(2)');
    // Every row shown has a failing cell.
    for (const id of ['refund', 'coin']) {
      expect(await page.locator(`#matrix tr[data-test="${id}"] .badge.st-fail`).count()).toBeGreaterThan(0);
    }
    await page.click('[data-filter="erroring"]');
    expect(await rowIds(page)).toEqual(['timeout']);
    await page.click('[data-filter="flaky"]');
    expect(await rowIds(page)).toEqual(['coin']);
    expect(await page.locator('#matrix tr[data-test="coin"] td.cell.st-mixed').count()).toBe(1);
    await page.click('[data-filter="all"]');
    expect(await rowIds(page)).toHaveLength(100);
    await page.close();
  });

  it('search narrows the rows by description, vars and outputs', async () => {
    const { page } = await open();
    await page.fill('#search', 'refund');
    // "refund" is the refund test's description and output, and the essay test's output on bot-a.
    await expect.poll(() => rowIds(page)).toEqual(['refund', 'timeout']);
    // Every word must appear, in any case: "14" alone would also match filler-114 and filler-140…149.
    await page.fill('#search', 'Filler Question 99');
    await expect.poll(() => rowIds(page)).toEqual(['filler-99']);
    await page.fill('#search', 'n: 149');
    await expect.poll(() => rowIds(page)).toEqual(['filler-149']);
    await page.fill('#search', 'zebra');
    await expect.poll(() => page.locator('#matrix tbody tr.empty').count()).toBe(1);
    await page.close();
  });

  it("expands a cell to show the prompt and every assertion's verdict and reason, and collapses it again", async () => {
    const { page } = await open();
    const cell = page.locator('#matrix tr[data-test="refund"] td.cell[data-target="0"]');
    await cell.click();
    const detail = page.locator('#matrix tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('expected "refund" in "Please contact us."');
    expect(text).toContain('short (javascript)');
    expect(text).toContain('output.length < 500');
    expect(text).toContain('Answer the customer: Can I get a refund?');
    expect(text).toContain('120 ms');
    expect(text).toContain('20 in / 8 out');
    expect(text).toContain('Baseline');
    expect(await detail.locator('.detail-cell').count()).toBe(2); // both repeats
    expect(await detail.locator('tr.assert-fail').count()).toBe(2);
    await cell.click();
    await expect.poll(() => detail.count()).toBe(0);
    await page.close();
  });

  it('with a baseline, lists and highlights the regression and the fix, and saves a screenshot', async () => {
    const { page } = await open();
    expect(await page.locator('#compare-headline').textContent()).toMatch(/2 regressed\s+2 fixed/);
    const regressed = page.locator('#compare-list tbody tr.regressed');
    expect(await regressed.count()).toBe(2);
    expect(await regressed.first().textContent()).toContain('refund policy mentions the window');
    const background = await regressed
      .first()
      .locator('td')
      .first()
      .evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
    expect(background).toBe('rgb(253, 236, 234)');
    // The matrix marks the same cell.
    expect(await page.locator('#matrix tr[data-test="refund"] td.cell.regressed').count()).toBe(1);
    await page.click('[data-change="fixed"]');
    expect(await page.locator('#compare-list tbody tr.fixed').count()).toBe(2);
    expect(await page.locator('#compare-list tbody tr.regressed').count()).toBe(0);
    expect(await page.locator('#compare-list tbody').textContent()).toContain('filler question 7');
    await page.click('[data-filter="regressed"]');
    expect(await rowIds(page)).toEqual(['refund']);

    // Regressed outputs side by side, each side with its own diff marks.
    const regressions = page.locator('#regression-diffs .regression');
    expect(await regressions.count()).toBe(2);
    const first = regressions.first();
    expect(await first.locator('.side-baseline del').allTextContents()).toEqual(['Refunds within 30 days']);
    expect(await first.locator('.side-current ins').allTextContents()).toEqual(['Please contact us']);
    const [left, right] = await Promise.all([first.locator('.side-baseline').boundingBox(), first.locator('.side-current').boundingBox()]);
    expect(right!.x).toBeGreaterThanOrEqual(left!.x + left!.width);
    expect(Math.abs(right!.y - left!.y)).toBeLessThan(1);
    // The chart draws the baseline's points as hollow diamonds, named in its one legend.
    expect(await page.locator('svg.chart .point.baseline path.marker').count()).toBe(2);
    const fill = await page
      .locator('svg.chart .point.baseline path.marker')
      .first()
      .evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(e).fill);
    expect(fill).toBe('rgb(255, 255, 255)');
    expect(await page.locator('#cost-quality .chart-legend').count()).toBe(1);
    expect(await page.locator('#cost-quality .chart-legend').textContent()).toContain('The baseline run');
    expect(await page.locator('#summary-table td.baseline-delta').allTextContents()).toEqual(['−0.6', '+0.6', '0.0']);

    const shot = join(t.dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(0);
    await page.close();
  });
});
