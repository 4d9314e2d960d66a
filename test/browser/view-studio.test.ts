/**
 * The Studio in chromium against a live `llmlab view`: edit a prompt → run (cells stream in, the draft beside the
 * saved version) → save (the file changes on disk, a prompt version is recorded); a model output holding markup
 * stays text; a save over a file changed meanwhile shows the 409's message. No console errors. Skipped (saying
 * why) when chromium is missing on a developer machine; fails in CI, which must run it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningView } from '../../src/view/server.js';
import { startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { GREETING, MARKUP_ANSWER, writeStudioProject } from '../view/studio-fixture.js';
import { launchChromium } from './chromium.js';
import { openPage, requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium('the studio browser test');

describe.skipIf(skip)('the Studio in chromium', () => {
  let project: ViewProject;
  let view: RunningView;
  let browser: Browser;

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    writeStudioProject(project.dir);
    view = await startTestView(project);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await view?.close();
    project?.dispose();
  });

  const open = () => openPage(browser, `${view.url}/studio?suite=suites/support.yaml`);

  it('edit → run → cells stream in beside the saved version → save changes the file and records a version', async () => {
    const { page, problems } = await open();
    expect(await page.inputValue('#suite-select')).toBe('suites/support.yaml');
    await page.selectOption('#prompt-select', 'greet');
    expect(await page.inputValue('#template')).toBe(GREETING);
    await page.fill('#template', 'Hello there! {{ question }}');
    await page.check('input[name="tests"][value="first"]');
    await page.fill('#first-n', '2');
    await page.click('#run');
    await page.waitForSelector('html[data-run="done"]');
    // 2 tests × 2 providers, each row with the draft and the saved version.
    expect(await page.locator('#results tbody tr').count()).toBe(4);
    const refund = page.locator('#results tr[data-test="refund"][data-provider="bot"]');
    await expect.poll(() => refund.locator('td.saved .output').textContent()).toBe(MARKUP_ANSWER);
    expect(await refund.locator('td.draft .output').textContent()).toBe(MARKUP_ANSWER);
    const parrot = page.locator('#results tr[data-test="hours"][data-provider="parrot"]');
    expect(await parrot.locator('td.draft .output').textContent()).toBe('Hello there! When are you open?');
    expect(await parrot.locator('td.saved .output').textContent()).toBe('Greet the customer who asked: When are you open?\n');
    expect(await page.locator('#summary').textContent()).toContain('draft vs saved on bot');
    // The model's markup is text: no element came of it, and nothing ran.
    expect(await page.locator('#results img, #results script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.fill('#save-label', 'warmer');
    await page.click('#save');
    await page.waitForSelector('html[data-saved="1"]');
    expect(await page.locator('#save-status').textContent()).toContain('Saved prompts/greet.txt as version');
    expect(readFileSync(join(project.dir, 'prompts', 'greet.txt'), 'utf8')).toBe('Hello there! {{ question }}');
    const versions = project.store.promptVersions.list(join(project.dir, 'suites', 'support.yaml'));
    expect(versions).toEqual([expect.objectContaining({ promptId: 'greet', label: 'warmer' })]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the 409 when the file changed on disk since the prompt was loaded, and leaves the file alone', async () => {
    const { page, problems } = await open();
    await page.selectOption('#prompt-select', 'greet');
    writeFileSync(join(project.dir, 'prompts', 'greet.txt'), 'edited elsewhere {{ question }}');
    await page.fill('#template', 'my edit {{ question }}');
    await page.click('#save');
    await page.waitForSelector('#save-error:not([hidden])');
    expect(await page.locator('#save-error').textContent()).toMatch(/^prompts\/greet\.txt changed on disk since you opened it .*reload the prompt to merge your edit/);
    expect(readFileSync(join(project.dir, 'prompts', 'greet.txt'), 'utf8')).toBe('edited elsewhere {{ question }}');
    // The refused request is the only console error (the browser logs a failed fetch's status).
    expect(problems.filter((p) => !p.includes('409'))).toEqual([]);
    await page.close();
  });
});
