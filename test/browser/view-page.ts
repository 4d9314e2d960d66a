/**
 * What the browser tests of `llmlab view` share: skipping (saying why) when chromium is missing on a developer
 * machine but failing in CI, which must run them; and opening a page that collects its errors and console errors,
 * then waits for the page's script to say it is ready.
 */
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, haveChromium } from './chromium.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** True when the test file should be skipped; says so on stderr. */
export function skipWithoutChromium(what: string): boolean {
  const skip = !haveChromium() && !inCi;
  if (skip) process.stderr.write(`skipping ${what}: ${CHROMIUM_PATH} is missing (apt-get install chromium)\n`);
  return skip;
}

/** For beforeAll: CI runs every browser test, so a missing chromium there is a failure, not a skip. */
export function requireChromium(): void {
  if (!haveChromium()) throw new Error(`CI=${process.env.CI} but ${CHROMIUM_PATH} is missing: .ci/run must install chromium`);
}

/** Opens `url` in a new page, collects page errors and console errors and warnings, and waits for `ready`. */
export async function openPage(browser: Browser, url: string, ready = 'html[data-ready="true"]'): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector(ready);
  return { page, problems };
}
