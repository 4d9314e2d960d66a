import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { parseXml } from '../report/xml-check.js';
import { runCli, startCli } from './run-cli.js';

let dir: string;
const TESTS = 40;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-outputs-'));
  const tests = Array.from({ length: TESTS }, (_, i) => `  - vars: { n: ${i} }\n    assert: [{ type: contains, value: "${i % 4 === 0 ? 'nope' : 'answer'}" }]\n`).join('');
  const suite = (latencyMs: number) =>
    `description: outputs\nproviders:\n  - id: mock:bot\n    config: { latencyMs: ${latencyMs}, default: "answer <b>|</b>, \\"quoted\\"" }\n` +
    `prompts: ["Question {{ n }}"]\ntests:\n${tests}`;
  writeFileSync(join(dir, 'fast.yaml'), suite(0));
  writeFileSync(join(dir, 'slow.yaml'), suite(60));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonLines = (path: string) =>
  readFileSync(join(dir, path), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { cellId: string; status: string });

describe('report formats from the command line', () => {
  it('refuses an unknown extension before running anything: exit 2, listing the formats', async () => {
    const r = await runCli(['eval', 'fast.yaml', '-o', 'out/report.json', '-o', 'out/report.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write `out\/report\.txt`: unknown report format `\.txt`/);
    expect(r.stderr).toMatch(/hint: use one of: \.json, \.md, \.xml, \.csv, \.jsonl, \.html/);
    expect(existsSync(join(dir, '.llmlab/llmlab.db'))).toBe(false);
    const none = await runCli(['report', 'latest', '-o', 'noext'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/unknown report format `\(none\)`/);
  });

  it('writes every format from eval, and streams one JSON line per cell that equals the report cell', async () => {
    const formats = ['json', 'md', 'xml', 'csv', 'jsonl', 'html'].flatMap((ext) => ['-o', `out/a.${ext}`]);
    const r = await runCli(['eval', 'fast.yaml', ...formats, '--output-stream', 'out/stream.jsonl'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1); // a quarter of the tests fail by design
    const report = JSON.parse(readFileSync(join(dir, 'out/a.json'), 'utf8')) as { cells: Array<{ cellId: string }> };
    expect(report.cells).toHaveLength(TESTS);
    const streamed = jsonLines('out/stream.jsonl');
    expect(streamed).toHaveLength(TESTS);
    const byId = (a: { cellId: string }, b: { cellId: string }) => a.cellId.localeCompare(b.cellId);
    expect([...streamed].sort(byId)).toEqual([...report.cells].sort(byId));
    expect(jsonLines('out/a.jsonl')).toEqual(report.cells);
    const xml = parseXml(readFileSync(join(dir, 'out/a.xml'), 'utf8'));
    expect(xml.attributes).toMatchObject({ tests: String(TESTS), failures: String(TESTS / 4), errors: '0' });
    expect(readFileSync(join(dir, 'out/a.csv'), 'utf8').split('\r\n')).toHaveLength(TESTS + 2);
    const md = readFileSync(join(dir, 'out/a.md'), 'utf8');
    expect(md).toMatch(/^## ❌ llmlab · outputs · gate failed\n/);
    expect(md).toContain('answer &#60;b&#62;|&#60;/b&#62;, "quoted"');
    const html = readFileSync(join(dir, 'out/a.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('id="cells"');
    expect(html).not.toContain('<th>Baseline</th>');
  });

  it('re-renders a stored run as a PR comment against a baseline (`--baseline latest~1`)', async () => {
    // The second run of the same suite answers the same (cached): every delta is zero.
    const again = await runCli(['eval', 'fast.yaml'], { cwd: dir });
    expect(again.code).toBe(1);
    const r = await runCli(['report', 'latest', '-o', 'out/pr.md', '-o', 'out/pr.xml', '--baseline', 'latest~1'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The run failed its gate, so `report` exits 1 as `eval` did; the reports are written all the same.
    expect(r.code).toBe(1);
    const md = readFileSync(join(dir, 'out/pr.md'), 'utf8');
    expect(md).toContain('| Δ vs baseline | Changed |');
    expect(md).toMatch(/\n\| \S+ \| mock:bot \| 75\.0 % \(30\/40\) \| [\d.]+–[\d.]+ % \| ±0\.0 pp \| 0 ↓ · 0 ↑ \|/);
    // `~` is Markdown strikethrough: encoded.
    expect(md).toMatch(/run `\S+` · baseline `\S+` \(latest&#126;1\)/);
    const missing = await runCli(['report', 'latest', '-o', 'out/pr.md', '--baseline', 'nope'], { cwd: dir });
    expect(missing.code).toBe(2);
    // `llmlab eval --baseline` hands its comparison to the comment too.
    const evalWithBaseline = await runCli(['eval', 'fast.yaml', '--baseline', 'latest', '-o', 'out/eval-pr.md'], { cwd: dir });
    expect(evalWithBaseline.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'out/eval-pr.md'), 'utf8')).toContain('| Δ vs baseline | Changed |');
    // The HTML report gets the baseline run itself and shows the comparison view.
    const html = await runCli(['report', 'latest', '-o', 'out/pr.html', '--baseline', 'latest~1'], { cwd: dir });
    expect(html.code).toBe(1); // the run's gate failed
    const page = readFileSync(join(dir, 'out/pr.html'), 'utf8');
    expect(page).toContain('<th>Baseline</th><th>This run</th>');
  });

  it('refuses an --output-stream path it cannot open, with exit 2', async () => {
    const r = await runCli(['eval', 'fast.yaml', '--output-stream', 'out'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot open --output-stream file `out`: EISDIR/);
  });

  it('--output-stream keeps the lines of every finished cell when the run is interrupted', async () => {
    const child = startCli(['eval', 'slow.yaml', '--no-cache', '--output-stream', 'out/live.jsonl'], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const path = join(dir, 'out/live.jsonl');
    const until = Date.now() + 20_000;
    while (!(existsSync(path) && readFileSync(path, 'utf8').split('\n').length > 6)) {
      if (Date.now() > until) throw new Error(`no streamed lines: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    const lines = jsonLines('out/live.jsonl');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.length).toBeLessThan(TESTS);
    expect(new Set(lines.map((l) => l.cellId)).size).toBe(lines.length);
    // Exactly the cells the store has for the interrupted run.
    const store = openStore(join(dir, '.llmlab/llmlab.db'));
    try {
      const run = store.runs.list(1)[0]!;
      expect(run.status).toBe('interrupted');
      expect(lines.map((l) => l.cellId).sort()).toEqual([...store.results.iterate(run.id)].map((c) => c.cellId).sort());
    } finally {
      store.close();
    }
  });
});
