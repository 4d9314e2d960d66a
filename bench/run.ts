/**
 * `npm run bench`: the core engine's performance figures, measured against the fake OpenAI server in its own
 * process and compared with a bare openai-SDK loop on the same server. Prints figures; asserts nothing
 * (the machine is shared and noisy — read the ratios, not single timings).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { benchHtmlReport, htmlBenchLines } from './html-report.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const PROBE = join(ROOT, 'bench/rss-probe.mjs');
const work = mkdtempSync(join(tmpdir(), 'llmlab-bench-'));
const only = process.env.BENCH_ONLY?.split(',');

interface Measured {
  wallMs: number;
  rssBytes: number;
  stdout: string;
}

async function startServer(latencyMs: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href, join(ROOT, 'bench/fake-server.ts'), String(latencyMs)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
  return { url: line.trim(), stop: () => child.kill('SIGTERM') };
}

function measure(args: string[]): Measured {
  const rssFile = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', PROBE, ...args], {
    cwd: work,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, CI: 'true' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return { wallMs, rssBytes: Number(readFileSync(rssFile, 'utf8')), stdout: r.stdout };
}

/** A suite of 1 prompt × 2 providers × `tests` tests, 2 assertions each (contains + javascript). */
function writeSuite(name: string, url: string, tests: number): string {
  const lines: string[] = [];
  for (let i = 0; i < tests; i++) lines.push(JSON.stringify({ vars: { question: `question number ${i}` } }));
  writeFileSync(join(work, `${name}.jsonl`), `${lines.join('\n')}\n`);
  const provider = (model: string) =>
    `  - id: openai:${model}\n    config: { baseUrl: "${url}/v1", maxRetries: 2 }\n`;
  writeFileSync(
    join(work, `${name}.yaml`),
    `description: bench ${name}\nproviders:\n${provider('bench-a')}${provider('bench-b')}` +
      `prompts:\n  - "Answer in one sentence: {{ question }}"\n` +
      `defaultTest:\n  assert:\n    - { type: contains, value: question }\n    - { type: javascript, value: "output.length < 500" }\n` +
      `tests: file:${name}.jsonl\n`,
  );
  return join(work, `${name}.yaml`);
}

function evalArgs(suite: string, db: string): string[] {
  return [BIN, 'eval', suite, '-j', '16', '--db', join(work, db), '--no-tui'];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: [string, string, string][] = [];
const report = (what: string, value: string, bar: string) => {
  rows.push([what, value, bar]);
  process.stdout.write(`${what}: ${value}   (${bar})\n`);
};
const want = (name: string) => !only || only.includes(name);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const fast = await startServer(0);
try {
  // The bare loop is the throughput figure's reference; `BENCH_ONLY=view` (or gateway, …) does not pay for it.
  const bareLoop = () => {
    const bareRuns = [0, 1, 2].map(
      () => (JSON.parse(measure([join(ROOT, 'bench/bare-sdk.mjs'), fast.url, '2000', '16']).stdout) as { callsPerSec: number }).callsPerSec,
    );
    const bare2k = { callsPerSec: median(bareRuns) };
    report('bare SDK loop, 2,000 calls, -j 16, 0 ms (median of 3)', `${bare2k.callsPerSec.toFixed(0)} calls/s`, 'reference');
    return bare2k;
  };

  if (want('latency')) {
    const slow = await startServer(50);
    try {
      const m = measure(evalArgs(writeSuite('s2k-slow', slow.url, 1000), 'slow.db'));
      const bound = (2000 * 50) / 16;
      report('llmlab 2,000 cells, 50 ms fake latency, -j 16', secs(m.wallMs), `${(m.wallMs / bound).toFixed(2)} × the ${secs(bound)} concurrency bound; bar ≤ 1.2 ×`);
    } finally {
      slow.stop();
    }
  }

  if (want('throughput')) {
    const bare2k = bareLoop();
    const suite = writeSuite('s2k', fast.url, 1000);
    // Each run starts from an empty database: every cell is a model call.
    const walls = [0, 1, 2].map((i) => measure(evalArgs(suite, `s2k-${i}.db`)).wallMs);
    const cps = 2000 / (median(walls) / 1000);
    report('llmlab 2,000 cells, 0 ms, -j 16 (end to end, median of 3)', `${cps.toFixed(0)} cells/s`, `${((cps / bare2k.callsPerSec) * 100).toFixed(0)} % of the bare loop; bar ≥ 70 %`);
    const cached = measure(evalArgs(suite, 's2k-0.db'));
    report('llmlab fully cached re-run, 2,000 cells', secs(cached.wallMs), 'process start included; bar ≤ 1 s');
  }

  if (want('memory')) {
    const bare10k = measure([join(ROOT, 'bench/bare-sdk.mjs'), fast.url, '10000', '16']);
    report('bare SDK loop, 10,000 calls: peak RSS', mb(bare10k.rssBytes), 'reference');
    const m10k = measure(evalArgs(writeSuite('s10k', fast.url, 5000), 's10k.db'));
    report('llmlab 10,000 cells: peak RSS', mb(m10k.rssBytes), `${(m10k.rssBytes / bare10k.rssBytes).toFixed(2)} × the bare loop; bar ≤ 1.5 ×`);
    if (process.env.BENCH_SKIP_100K !== '1') {
      const m100k = measure(evalArgs(writeSuite('s100k', fast.url, 50_000), 's100k.db'));
      report('llmlab 100,000 cells: peak RSS', mb(m100k.rssBytes), `${(m100k.rssBytes / m10k.rssBytes).toFixed(2)} × the 10,000-cell figure; bar ≤ 1.3 × (wall ${secs(m100k.wallMs)})`);
    }
  }

  if (want('version')) {
    const times: number[] = [];
    for (let i = 0; i < 11; i++) times.push(measure([BIN, '--version']).wallMs);
    times.sort((a, b) => a - b);
    report('llmlab --version (median of 11)', `${times[5]!.toFixed(0)} ms`, 'bar ≤ 150 ms');
  }

  if (want('html')) {
    for (const [what, value, note] of htmlBenchLines(await benchHtmlReport())) report(what, value, note);
  }

  if (want('benchmarks')) {
    const { benchBenchmarks } = await import('./benchmarks.js');
    for (const [what, value, note] of await benchBenchmarks(work, fast.url, BIN, measure)) report(what, value, note);
  }

  if (want('multimodal')) {
    const { benchMultimodal } = await import('./multimodal.js');
    // BENCH_MM_IMAGES: fewer images for a quick look (memory follows the media in flight, not the count).
    const images = process.env.BENCH_MM_IMAGES ? Number(process.env.BENCH_MM_IMAGES) : undefined;
    for (const [what, value, note] of await benchMultimodal(work, fast.url, BIN, measure, images ? { images } : {})) report(what, value, note);
  }

  if (want('tui')) for (const [what, value, note] of await (await import('./tui.js')).benchTui(BIN)) report(what, value, note);
  if (want('watch')) for (const [what, value, note] of await (await import('./watch.js')).benchWatch(fast.url)) report(what, value, note);
  if (want('gateway')) for (const [what, value, note] of await (await import('./gateway.js')).benchGateway(BIN)) report(what, value, note);
  if (want('view')) for (const [what, value, note] of await (await import('./view.js')).benchView()) report(what, value, note);
} finally {
  fast.stop();
  rmSync(work, { recursive: true, force: true });
}

process.stdout.write(`\n| measure | value | against the bar |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
