/**
 * `llmlab view` over a 100,000-cell run (50,000 tests × 2 providers) and the run before it: how long each page and
 * API answer takes over loopback HTTP, the first time (the run's summary not kept yet) and after (median of 5).
 * The bar of issue 20 is < 300 ms per page. Run alone with `node --import tsx bench/view.ts`, or
 * `BENCH_ONLY=view npm run bench`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadProjectConfig } from '../src/config/project-config.js';
import { openStore } from '../src/store/index.js';
import { startView } from '../src/view/server.js';
import { storeRun } from './html-report.js';

const TESTS = 50_000;
const REPEATS = 5;

/** The endpoints the warm-up covers (warm.ts). */
const WARMED = ['Run rows: first page', 'Compare page', 'Compare rows: changed', 'History page'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** [what, path] of every page and API answer measured; `{a}` is the earlier run, `{b}` the 100k-cell run. */
function endpoints(a: string, b: string, suite: string): Array<[string, string]> {
  const s = encodeURIComponent(suite);
  return [
    ['Runs page (no summary kept: rows pending)', '/'],
    ['Runs page row of the earlier run (first: builds its summary)', `/api/runs/${a}/row`],
    ['Runs page row (first: builds the summary)', `/api/runs/${b}/row`],
    ['Runs page (summaries kept)', '/'],
    ['Run page', `/runs/${b}`],
    ['Run rows: first page', `/api/runs/${b}/rows?page=0`],
    ['Run rows: page 400 of 500', `/api/runs/${b}/rows?page=400`],
    ['Run rows: failing filter', `/api/runs/${b}/rows?filter=failing`],
    ['Run rows: flaky filter', `/api/runs/${b}/rows?filter=flaky`],
    ['Run rows: search', `/api/runs/${b}/rows?q=question%2049999`],
    ['Run rows: sort by latency', `/api/runs/${b}/rows?sort=latency&dir=desc`],
    ['Run rows: sort by cost', `/api/runs/${b}/rows?sort=cost&dir=desc`],
    ['Run rows: deep link to a cell', `/api/runs/${b}/rows?cell=${encodeURIComponent(`model-large:answer:q41234:0`)}`],
    ['Compare page', `/compare?a=${a}&b=${b}`],
    ['Compare rows: changed', `/api/compare/rows?a=${a}&b=${b}&mode=changed&page=0`],
    ['Compare rows: search', `/api/compare/rows?a=${a}&b=${b}&mode=all&q=question%2049999`],
    ['History page', `/history?suite=${s}`],
    ['History: flaky tests, page 100', `/api/history/tests?suite=${s}&page=100`],
    ['History: flaky tests, search', `/api/history/tests?suite=${s}&q=q4999`],
    ['Studio page', '/studio'],
  ];
}

export async function benchView(): Promise<Array<[string, string, string]>> {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-view-bench-'));
  mkdirSync(join(dir, '.llmlab'));
  const store = openStore(join(dir, '.llmlab', 'llmlab.db'));
  const lines: Array<[string, string, string]> = [];
  try {
    const built = performance.now();
    const a = storeRun(store, TESTS, 1);
    const b = storeRun(store, TESTS, 0);
    lines.push(['view bench: two 100,000-cell runs written', `${((performance.now() - built) / 1000).toFixed(1)} s`, 'setup, not a bar']);
    const project = await loadProjectConfig({ cwd: dir, env: {} });
    const start = (warm: boolean) => startView({ store, project, env: {}, version: 'bench', host: '127.0.0.1', port: 0, warm, warn: () => {} });
    const cold = await start(false);
    try {
      for (const [what, path] of endpoints(a.id, b.id, b.suitePath)) {
        const times: number[] = [];
        let status = 0;
        for (let i = 0; i <= REPEATS; i++) {
          const started = performance.now();
          const res = await fetch(`${cold.url}${path}`);
          await res.arrayBuffer();
          status = res.status;
          times.push(performance.now() - started);
        }
        const [first, ...rest] = times;
        const note = status === 200 ? `first ${first!.toFixed(0)} ms · bar < 300 ms` : `HTTP ${status}`;
        lines.push([`view, 100,000 cells: ${what}`, `${median(rest).toFixed(0)} ms`, note]);
      }
    } finally {
      await cold.close();
    }
    // A new server warms the newest run's pages after it listens; then even their first request is served warm.
    const started = performance.now();
    const warmed = await start(true);
    try {
      await warmed.warmed;
      lines.push(['view: background warm-up of the newest run after start', `${(performance.now() - started).toFixed(0)} ms`, 'matrix, history, comparison with the run before']);
      for (const [what, path] of endpoints(a.id, b.id, b.suitePath).filter(([w]) => WARMED.includes(w))) {
        const t0 = performance.now();
        await (await fetch(`${warmed.url}${path}`)).arrayBuffer();
        lines.push([`view, 100,000 cells, after the warm-up: ${what} (first request)`, `${(performance.now() - t0).toFixed(0)} ms`, 'bar < 300 ms']);
      }
    } finally {
      await warmed.close();
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [what, value, note] of await benchView()) process.stdout.write(`${what}: ${value}   (${note})\n`);
}
