/**
 * The History page of `llmlab view` in chromium, over 8 stored runs: no console error, one visible SVG chart per
 * target with a change-point marker where the pass rate shifted, the flaky test first in the tests table, and the
 * metric picker re-drawing the charts. Skipped (saying why) without chromium outside CI.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellStatus } from '../../src/types.js';
import type { RunningView } from '../../src/view/server.js';
import { passFirst, storeHistory } from '../report/history-fixture.js';
import { startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { launchChromium } from './chromium.js';
import { openPage, requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium("the view's History page browser test");

describe.skipIf(skip)('llmlab view: History page in chromium', () => {
  let project: ViewProject;
  let view: RunningView;
  let browser: Browser;
  let suite: string;

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    suite = `${project.dir}/suites/support.yaml`;
    storeHistory(project.store, 8, (i) => ({
      suitePath: suite,
      tests: 60,
      prompts: ['<img src=x onerror="window.__pwned=1">'],
      providers: ['bot-a', 'bot-b'],
      testId: (test) => (test === 0 ? 'coin' : `t${test}`),
      status: (test, _prompt, provider): CellStatus => {
        if (provider === 'bot-b') return test === 0 ? (i % 2 ? 'fail' : 'pass') : 'pass';
        return passFirst(i < 4 ? 0.95 : 0.5, 60)(test);
      },
    }));
    view = await startTestView(project);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await view?.close();
    project?.dispose();
  });

  const open = (path: string) => openPage(browser, `${view.url}${path}`);

  it('lists the suite, and opens its history from the list', async () => {
    const { page, problems } = await open('/history');
    await page.click('#suites a');
    await page.waitForSelector('html[data-ready="true"]');
    expect(await page.locator('#suite-name').textContent()).toBe('suites/support.yaml');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws a visible chart per target with the change point, and the flaky test first', async () => {
    const { page, problems } = await open(`/history?suite=${encodeURIComponent(suite)}`);
    const charts = page.locator('svg.history-chart');
    expect(await charts.count()).toBe(2);
    expect(await charts.first().isVisible()).toBe(true);
    expect(await charts.first().locator('circle.point').count()).toBe(8);
    expect(await page.locator('section[data-provider="bot-a"] svg .change-point').count()).toBe(1);
    expect(await page.locator('section[data-provider="bot-b"] svg .change-point').count()).toBe(0);
    expect(await page.locator('section[data-provider="bot-a"] .change-points').textContent()).toContain('−45.0 pp');
    // The prompt's markup is a heading's text, not an element.
    expect(await page.locator('section[data-provider="bot-a"] h2').textContent()).toBe('<img src=x onerror="window.__pwned=1"> × bot-a');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    const first = page.locator('#test-history tbody tr').first();
    expect(await first.getAttribute('data-test')).toBe('coin');
    expect(await first.getAttribute('data-flips')).toBe('7');
    expect(await first.locator('a.verdict').count()).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('re-draws the charts for a metric picked in the picker', async () => {
    const { page, problems } = await open(`/history?suite=${encodeURIComponent(suite)}`);
    await Promise.all([page.waitForURL(/metric=quality/), page.selectOption('#metric', 'quality')]);
    await page.waitForSelector('html[data-ready="true"]');
    expect(await page.locator('#metric').inputValue()).toBe('quality');
    expect(await page.locator('svg.history-chart').count()).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });
});
