/**
 * Benchmark-size runs: a GSM8K-size (1,319 items, 5 shots each from a 7,473-row train split) and a HellaSwag-size
 * (10,042 items, 10 shots each from 39,905 train rows) generate run against the 0 ms fake, beside a plain suite
 * that sends the very same prompts (its rows are the benchmark's rendered prompts) with one `contains` each, so
 * the cost of the adapter (reading, per-item few-shot draws, lm-eval scoring) shows as the difference in cells/s
 * and peak RSS, apart from the cost of long prompts. Synthetic rows in the real formats.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSuite } from '../src/config/load-suite.js';

type Measure = (args: string[]) => { wallMs: number; rssBytes: number };
type Row = [string, string, string];

function gsm8kRow(i: number): string {
  const a = (i % 90) + 10;
  const b = (i % 7) + 2;
  return JSON.stringify({ question: `A crate holds ${a} apples. How many apples are in ${b} crates?`, answer: `${a} * ${b} = <<${a}*${b}=${a * b}>>${a * b} apples.\n#### ${a * b}` });
}

function swagRow(i: number): string {
  return JSON.stringify({
    ind: i,
    activity_label: `Activity ${i % 200}`,
    ctx_a: `A person is doing step ${i} of a long task in the kitchen.`,
    ctx_b: 'they',
    endings: [0, 1, 2, 3].map((j) => `carry on with part ${j} [title] of the job, slowly and with care.`),
    label: i % 4,
  });
}

function writeLines(path: string, n: number, row: (i: number) => string): void {
  writeFileSync(path, `${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`);
}

function provider(url: string): string {
  return `providers:\n  - id: openai:bench\n    config: { baseUrl: "${url}/v1", maxRetries: 2 }\n`;
}

/** The figures: cells/s and peak RSS of each benchmark run and of a plain suite of the same size. */
export async function benchBenchmarks(work: string, url: string, bin: string, measure: Measure): Promise<Row[]> {
  const rows: Row[] = [];
  const run = (name: string, suite: string) => {
    writeFileSync(join(work, `${name}.yaml`), suite);
    return measure([bin, 'eval', join(work, `${name}.yaml`), '-j', '16', '--db', join(work, `${name}.db`), '--no-tui']);
  };
  for (const [name, items, pool, k, row] of [
    ['gsm8k', 1319, 7473, 5, gsm8kRow],
    ['hellaswag', 10042, 39905, 10, swagRow],
  ] as const) {
    writeLines(join(work, `${name}-test.jsonl`), items, row);
    writeLines(join(work, `${name}-train.jsonl`), pool, (i) => row(i + items));
    const suite =
      `${provider(url)}prompts: ["{{ fewshot }}{{ query }}"]\ngates: { minPassRate: 0 }\n` +
      `dataset: { type: ${name}, path: ${name}-test.jsonl, fewshot: { k: ${k}, path: ${name}-train.jsonl } }\n`;
    const bench = run(name, suite);
    const loaded = await loadSuite(join(work, `${name}.yaml`), { root: work, suites: [], db: join(work, 'x.db'), concurrency: 16, timeoutMs: 60_000, maxRetries: 2, outputDir: 'reports' });
    const prompts = loaded.tests.map((t) => JSON.stringify({ vars: { text: `${String(t.vars['fewshot'])}${String(t.vars['query'])}` } }));
    writeFileSync(join(work, `${name}-plain.jsonl`), `${prompts.join('\n')}\n`);
    const plain = run(
      `${name}-plain`,
      `${provider(url)}prompts: ["{{ text }}"]\ngates: { minPassRate: 0 }\n` +
        `defaultTest: { assert: [{ type: contains, value: Answer }] }\ntests: file:${name}-plain.jsonl\n`,
    );
    const cps = (m: { wallMs: number }) => items / (m.wallMs / 1000);
    rows.push([
      `${name}-size run: ${items.toLocaleString('en-US')} items, ${k}-shot, 0 ms (end to end)`,
      `${cps(bench).toFixed(0)} cells/s, peak RSS ${(bench.rssBytes / 1048576).toFixed(0)} MB`,
      `a plain suite sending the same prompts: ${cps(plain).toFixed(0)} cells/s, ${(plain.rssBytes / 1048576).toFixed(0)} MB`,
    ]);
  }
  return rows;
}
