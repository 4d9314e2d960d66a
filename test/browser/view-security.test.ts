/**
 * The view's defences as a browser meets them: a page on another origin that posts to the studio (a form, and a
 * fetch) is refused before any route runs; a server with a token refuses a browser that lacks it, and lets in one
 * that opened the printed URL. Skipped (saying why) without chromium outside CI.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningView } from '../../src/view/server.js';
import { fixtureRuns, startTestView, viewProject, type ViewProject } from '../view/helpers.js';
import { launchChromium } from './chromium.js';
import { requireChromium, skipWithoutChromium } from './view-page.js';

const skip = skipWithoutChromium("the view's security browser test");

/** A page on another origin that posts to the view as a form and as a fetch, and shows what the fetch got. */
function evilPage(target: string): string {
  return `<!DOCTYPE html><html><body>
<form id="f" method="POST" action="${target}/api/studio/save" enctype="text/plain">
<input name='{"suite":"x","promptId":"p","template":"pwned","fileHash":"' value='"}'></form>
<pre id="out"></pre>
<script>
fetch(${JSON.stringify(target)} + '/api/studio/save', { method: 'POST', mode: 'no-cors', body: '{}', headers: { 'content-type': 'text/plain' } })
  .then(function () { document.getElementById('out').textContent = 'sent'; })
  .catch(function (e) { document.getElementById('out').textContent = 'blocked: ' + e.message; });
</script></body></html>`;
}

describe.skipIf(skip)('llmlab view: refusals in chromium', () => {
  let project: ViewProject;
  let view: RunningView;
  let tokened: RunningView;
  let evil: Server;
  let evilUrl: string;
  let browser: Browser;
  const refused: string[] = [];
  const token = 'browser-test-token-0123456789';

  beforeAll(async () => {
    requireChromium();
    project = viewProject();
    fixtureRuns(project.store);
    view = await startTestView(project);
    tokened = await startTestView(project, { token });
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(evilPage(view.url));
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await view?.close();
    await tokened?.close();
    evil?.close();
    project?.dispose();
  });

  it('refuses a form and a fetch posted from another origin', async () => {
    const page = await browser.newPage();
    page.on('response', (r) => {
      if (r.url().includes('/api/studio/save')) refused.push(`${r.status()}`);
    });
    await page.goto(evilUrl);
    await expect.poll(() => page.locator('#out').textContent()).not.toBe('');
    await Promise.all([page.waitForURL(/\/api\/studio\/save$/), page.evaluate(() => (globalThis as unknown as { document: { getElementById(id: string): { submit(): void } } }).document.getElementById('f').submit())]);
    expect(await page.textContent('body')).toContain(`cross-origin request from ${evilUrl.replace(/\/$/, '')} refused`);
    expect(refused.every((status) => status === '403')).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(project.store.promptVersions.list('x')).toEqual([]);
    await page.close();
  });

  it('refuses a browser without the token, and lets in one that opened the printed URL', async () => {
    const page = await browser.newPage();
    const denied = await page.goto(`${tokened.url}/`);
    expect(denied!.status()).toBe(401);
    expect(await page.textContent('body')).toContain('needs its access token');
    await page.goto(tokened.openUrl);
    expect(new URL(page.url()).search).toBe('');
    await page.waitForSelector('#runs');
    expect(await page.locator('#runs tbody tr').count()).toBe(2);
    await page.close();
  });
});
