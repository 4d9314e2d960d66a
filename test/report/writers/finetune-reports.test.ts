import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../../src/report/writers/html.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { renderMarkdownReport } from '../../../src/report/writers/markdown.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/store/index.js';
import { reportValidator, tempStore } from '../helpers.js';
import { pairedCells, recipe, storeFinetuneRun, storeJobs, TUNED } from '../finetune-runs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => (t = tempStore()));
afterEach(() => t.dispose());

const PASS_LINE = 'pass     base 55.0% → tuned 75.0%  +20.0 pts [+3.1, +35.3]  p=0.039 (Holm)  n=40';

/** A run with one recipe whose job stored an error holding markup, and a forgetting suite. */
function finetuneRun(): RunRecord {
  const r = recipe([{ label: TUNED }], { forgetting: [{ name: 'gsm8k', path: 'suites/gsm8k.yaml', prompts: ['q'] }] });
  storeJobs(t.store, r);
  t.store.finetunes.update('hash-0', 1, { model: 'ft:<b>model</b>' });
  const cells = [...pairedCells('p', TUNED, [20, 2, 10, 8]), ...pairedCells('forgetting:gsm8k/q', TUNED, [30, 2, 1, 7], { from: 100 })];
  return storeFinetuneRun(t.store, cells, [r], { minPassRate: 0, finetune: {} });
}

describe('the fine-tune section in the reports', () => {
  it('JSON: summary.finetunes and the finetune gate check, valid against the report schema', () => {
    const run = finetuneRun();
    const path = join(t.dir, 'out', 'report.json');
    writeJsonReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.finetunes[0]).toMatchObject({ id: 'support-v2', chosen: { label: TUNED }, forgetting: [{ name: 'gsm8k', n: 40 }] });
    expect(report.summary.gate.checks.find((c: { gate: string }) => c.gate === 'finetune')).toMatchObject({ status: 'pass', recipe: 'support-v2' });
    // Forgetting cells are in the cells, not in the targets.
    expect(report.summary.targets.map((x: { promptId: string }) => x.promptId)).toEqual(['p', 'p']);
    expect(report.cells).toHaveLength(160);
  });

  it('Markdown: a Fine-tune section with the console lines, markup encoded', () => {
    const run = finetuneRun();
    const text = renderMarkdownReport(t.store, run, summarizeRun(t.store, run));
    expect(text).toContain('### Fine-tune');
    expect(text).toContain(PASS_LINE);
    expect(text).toContain('ft:&#60;b&#62;model&#60;/b&#62;');
    expect(text).not.toContain('<b>model');
  });

  it('HTML: a Fine-tune section, text only', () => {
    const run = finetuneRun();
    const path = join(t.dir, 'out', 'report.html');
    writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9');
    const page = readFileSync(path, 'utf8');
    expect(page).toContain('<section id="finetune">');
    expect(page).toContain(PASS_LINE);
    expect(page).toContain('ft:&lt;b&gt;model&lt;/b&gt;');
    expect(page).not.toContain('<b>model');
  });
});
