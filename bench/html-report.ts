/**
 * The HTML report at 10,000 cells: how large the file is, how long writing it takes, and the time to first
 * render in headless chromium (navigation start → the first page of the matrix in the DOM, read from the
 * page's own `llmlab:first-render` performance mark). Run alone with `node --import tsx bench/html-report.ts`,
 * or as part of `npm run bench`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHtmlReport } from '../src/report/writers/html.js';
import { summarizeRun } from '../src/report/summary.js';
import { openStore, type Store } from '../src/store/index.js';
import type { CellResult, CellStatus } from '../src/types.js';
import { haveChromium, launchChromium } from '../test/browser/chromium.js';

export interface HtmlBenchResult {
  cells: number;
  bytes: number;
  writeMs: number;
  /** Median of three loads; null when chromium is missing. */
  firstRenderMs: number | null;
  /** Typing a query to the filtered first page, including the 120 ms input debounce; null without chromium. */
  searchMs: number | null;
}

const PROVIDERS = ['model-small', 'model-large'];
const WORDS = 'the refund window is thirty days from delivery please keep your receipt and contact support with the order number'.split(' ');

function output(test: number, provider: number): string {
  // Mostly a few hundred characters; one in a hundred runs long, as a model that rambles does (cut at 4,000).
  const words = test % 100 === 7 ? 1200 : 30 + ((test * 7 + provider * 13) % 60);
  return Array.from({ length: words }, (_, i) => WORDS[(test + i * (provider + 3)) % WORDS.length]).join(' ');
}

function status(test: number, provider: number, variant: number): CellStatus {
  if (test % 97 === 5) return 'error';
  // Another variant flips about one verdict in twenty: a run to compare with, or the next run of a history.
  const flipped = variant > 0 && (test * 7 + variant * 13 + provider) % 20 === 0;
  const fails = (test * (provider + 3)) % 11 === 0;
  return fails !== flipped ? 'fail' : 'pass';
}

/** A completed run of `tests` tests × 2 providers, written straight into the store; `variant` > 0 flips some verdicts. */
export function storeRun(store: Store, tests: number, variant = 0) {
  const run = store.runs.create({
    suitePath: '/bench/support.yaml',
    suiteHash: 'bench',
    description: 'HTML report benchmark',
    totalCells: tests * PROVIDERS.length,
    options: { concurrency: 16, repeat: 1, cache: true, llmlabVersion: 'bench', providers: PROVIDERS, prompts: ['answer'] },
  });
  let seq = 0;
  store.db.transaction(() => {
    for (let test = 0; test < tests; test++) {
      PROVIDERS.forEach((provider, p) => {
        const s = status(test, p, variant);
        const cell: CellResult = {
          cellId: `${provider}:answer:q${test}:0`, providerId: `openai:${provider}`, providerLabel: provider, promptId: 'answer',
          testId: `q${test}`, testIndex: test, repeatIndex: 0, description: `customer question ${test}`,
          vars: { question: `How do I return order ${test}?`, locale: test % 2 ? 'en-GB' : 'en-US' },
          prompt: `You are a support agent. Answer briefly: How do I return order ${test}?`,
          output: s === 'error' ? '' : output(test, p), status: s, score: s === 'pass' ? 1 : 0,
          assertions: s === 'error' ? [] : [
            { type: 'icontains', metric: 'icontains', pass: s === 'pass', score: s === 'pass' ? 1 : 0, weight: 1, reason: s === 'pass' ? 'found "refund"' : 'expected "refund window"' },
            { type: 'javascript', metric: 'short', pass: true, score: 1, weight: 1 },
          ],
          latencyMs: 200 + ((test * 31) % 900), usage: { input: 40, output: 60, total: 100 }, cost: p === 0 ? 0.00002 : 0.0003,
          cached: false, finishReason: 'stop', ...(s === 'error' ? { error: 'HTTP 503: upstream overloaded' } : {}),
        };
        store.results.put(run.id, cell, seq++);
      });
    }
  })();
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

/** What the page functions use; this project compiles without the DOM types. */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Generates the run and report in a temp dir, measures, and removes the dir. */
export async function benchHtmlReport(tests = 5000): Promise<HtmlBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-html-bench-'));
  const store = openStore(join(dir, 'bench.db'));
  try {
    const run = storeRun(store, tests);
    const path = join(dir, 'report.html');
    const started = performance.now();
    writeHtmlReport(path, store, run, summarizeRun(store, run), 'bench');
    const writeMs = performance.now() - started;
    const result: HtmlBenchResult = { cells: tests * PROVIDERS.length, bytes: statSync(path).size, writeMs, firstRenderMs: null, searchMs: null };
    if (!haveChromium()) return result;
    const browser = await launchChromium();
    try {
      const renders: number[] = [];
      const searches: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(pathToFileURL(path).href);
        await page.waitForSelector('#matrix tbody tr.test-row');
        renders.push(await page.evaluate(() => performance.getEntriesByName('llmlab:first-render')[0]!.startTime));
        const typed = performance.now();
        await page.fill('#search', `customer question ${tests - 1}`);
        // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('#matrix tbody tr.test-row').length === 1);
        searches.push(performance.now() - typed);
        await page.close();
      }
      return { ...result, firstRenderMs: median(renders), searchMs: median(searches) };
    } finally {
      await browser.close();
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as printed by `npm run bench`: [what, value, note]. */
export function htmlBenchLines(r: HtmlBenchResult): [string, string, string][] {
  const cells = r.cells.toLocaleString('en-US');
  const lines: [string, string, string][] = [
    [`HTML report, ${cells} cells: file size`, `${(r.bytes / 1024 / 1024).toFixed(2)} MB`, 'self-contained, outputs cut at 4,000 chars'],
    [`HTML report, ${cells} cells: write time`, `${r.writeMs.toFixed(0)} ms`, 'summary + streamed cells'],
  ];
  if (r.firstRenderMs === null) {
    lines.push([`HTML report, ${cells} cells: time to first render`, 'skipped: no chromium', 'apt-get install chromium']);
  } else {
    lines.push([`HTML report, ${cells} cells: time to first render`, `${r.firstRenderMs.toFixed(0)} ms`, 'headless chromium, navigation start → first matrix page (median of 3)']);
    lines.push([`HTML report, ${cells} cells: search to result`, `${r.searchMs!.toFixed(0)} ms`, 'includes the 120 ms input debounce (median of 3)']);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [what, value, note] of htmlBenchLines(await benchHtmlReport())) process.stdout.write(`${what}: ${value}   (${note})\n`);
}
