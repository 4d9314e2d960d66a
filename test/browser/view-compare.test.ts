/**
 * The Compare page of `llmlab view` in headless chromium over a real server: the fixture's regression `refund`
 * shown as two outputs side by side with the word diff marked, mode buttons, search and pager driving the rows
 * API, the picker's form, and a model output holding markup kept as text. Skipped (saying why) when chromium is
 * missing on a developer machine; fails in CI, which must run it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/store/index.js';
import type { RunningView } from '../../src/view/server.js';
import { XSS_OUTPUT } from '../report/html-fixture.js';
import { fixtureRuns, startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { launchChromium } from './chromium.js';
import { openPage, requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium('the Compare page browser test');

// Page functions run in the browser; this project compiles without the DOM types, so they are typed by hand.
interface TextNode {
  textContent: string | null;
}

describe.skipIf(skip)('llmlab view: Compare page in chromium', () => {
  let project: ViewProject;
  let view: RunningView;
  let browser: Browser;
  let baseline: RunRecord;
  let candidate: RunRecord;

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    ({ baseline, candidate } = fixtureRuns(project.store));
    // The candidate is the newer run whatever the clock did between the two writes.
    project.store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(baseline.createdAt - 1000, baseline.id);
    view = await startTestView(project);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await view?.close();
    project?.dispose();
  });

  /** Opens `path` and waits for the list; page errors and console errors are collected. */
  const open = (path: string) => openPage(browser, `${view.url}${path}`);

  const settled = (page: Page) => page.waitForSelector('html[data-ready="true"]');
  const rowKeys = (page: Page) =>
    page.locator('#compare-rows .compare-row').evaluateAll((rows: Array<{ dataset: Record<string, string> }>) =>
      rows.map((r) => `${r.dataset.test} ${r.dataset.target} ${r.dataset.repeat}`),
    );

  it('shows the regression side by side with its word diff, and no console errors', async () => {
    const { page, problems } = await open(`/compare?a=${baseline.id}&b=${candidate.id}`);
    expect(await rowKeys(page)).toEqual(['refund support × bot-a 0', 'refund support × bot-a 1', 'filler-7 support × bot-b 0', 'filler-7 support × bot-b 1']);
    const refund = page.locator('#compare-rows .compare-row[data-test="refund"]').first();
    expect(await refund.locator('.outputs .side-a pre.output').textContent()).toBe('Refunds within 30 days.');
    expect(await refund.locator('.outputs .side-b pre.output').textContent()).toBe('Please contact us.');
    expect(await refund.locator('.outputs .side-a .diff-del').first().isVisible()).toBe(true);
    expect(await refund.locator('.outputs .side-b .diff-add').first().isVisible()).toBe(true);
    // Each side links to its cell on the Run page.
    expect(await refund.locator('.outputs .side-b .side-label a').getAttribute('href')).toBe(`/runs/${candidate.id}#cell=${encodeURIComponent('bot-a:support:refund:0')}`);
    // The two columns sit side by side.
    const a = (await refund.locator('.outputs .side-a').boundingBox())!;
    const b = (await refund.locator('.outputs .side-b').boundingBox())!;
    expect(b.x).toBeGreaterThan(a.x + a.width - 1);
    expect(Math.abs(a.y - b.y)).toBeLessThan(2);
    expect(await page.locator('#compare-modes [data-mode="changed"] .count').textContent()).toBe('(4)');
    expect(await page.locator('#compare-modes [data-mode="all"] .count').textContent()).toBe('(620)');
    expect(await page.locator('#compare-targets tbody tr').count()).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches modes, pages, searches, and keeps the list in the address', async () => {
    const { page, problems } = await open(`/compare?a=${baseline.id}&b=${candidate.id}`);
    await page.click('[data-mode="fixed"]');
    await settled(page);
    expect(await rowKeys(page)).toEqual(['filler-7 support × bot-b 0', 'filler-7 support × bot-b 1']);
    await page.click('[data-mode="all"]');
    await settled(page);
    expect(await page.locator('#compare-info').textContent()).toBe('1–50 of 620 · page 1 of 13');
    await page.click('#compare-next');
    await settled(page);
    expect(await page.locator('#compare-info').textContent()).toBe('51–100 of 620 · page 2 of 13');
    expect(await page.isDisabled('#compare-prev')).toBe(false);
    await page.fill('#compare-search', 'filler question 99');
    await settled(page);
    expect(await rowKeys(page)).toEqual(['filler-99 support × bot-a 0', 'filler-99 support × bot-a 1', 'filler-99 support × bot-b 0', 'filler-99 support × bot-b 1']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('filler question 99');
    expect(new URL(page.url()).searchParams.get('mode')).toBe('all');
    // A reload shows the same list.
    await page.reload();
    await settled(page);
    expect(await rowKeys(page)).toHaveLength(4);
    expect(await page.inputValue('#compare-search')).toBe('filler question 99');
    expect(await page.getAttribute('[data-mode="all"]', 'aria-pressed')).toBe('true');
    await page.fill('#compare-search', 'zebra');
    await settled(page);
    expect(await page.locator('#compare-rows .empty').textContent()).toBe('No paired cell in this list.');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a model output holding <script> and <img onerror> as text, and runs none of it', async () => {
    const { page, problems } = await open(`/compare?a=${baseline.id}&b=${candidate.id}&mode=all&q=xss%20bot-a`);
    const row = page.locator('#compare-rows .compare-row[data-test="xss"]').first();
    expect(await row.locator('.outputs .side-a pre.output').textContent()).toBe(XSS_OUTPUT);
    expect(await row.locator('.outputs .side-b pre.output').textContent()).toBe(XSS_OUTPUT);
    expect(await row.locator('.outputs .side-b pre.output').isVisible()).toBe(true);
    // Give an injected <img> time to fail to load and fire onerror, were there one.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#compare-rows img, #compare-rows script').count()).toBe(0);
    // The run's description (markup too) is text in the header.
    const header = await page.locator('#compare-run-a').evaluate((e: TextNode) => e.textContent ?? '');
    expect(header).toContain('Support bot <em>regression</em> suite');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('picks two runs with the form', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(`${view.url}/compare`);
    expect(await page.inputValue('#compare-a')).toBe(baseline.id);
    expect(await page.inputValue('#compare-b')).toBe(candidate.id);
    await page.click('.compare-form button[type="submit"]');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('b')).toBe(candidate.id);
    expect(await rowKeys(page)).toHaveLength(4);
    expect(problems).toEqual([]);
    await page.close();
  });
});
