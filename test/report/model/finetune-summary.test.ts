import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { tempStore } from '../helpers.js';
import { BASE, pairedCells, recipe, storeFinetuneRun, storeJobs, TUNED } from '../finetune-runs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => (t = tempStore()));
afterEach(() => t.dispose());

describe('the fine-tune comparison', () => {
  it('pairs tuned with base by prompt, test and repeat: McNemar and Newcombe as computed by hand', () => {
    const r = recipe();
    storeJobs(t.store, r);
    const run = storeFinetuneRun(t.store, pairedCells('p', TUNED, [20, 2, 10, 8]), [r]);
    const [summary] = summarizeRun(t.store, run).finetunes!;
    const pass = summary!.points[0]!.pass!;
    expect(pass).toMatchObject({ n: 40, base: 0.55, tuned: 0.75, baseOnly: 2, tunedOnly: 10 });
    // McNemar exact: 2 · P(X ≤ 2), X ~ Binomial(12, ½) = 2 · (1 + 12 + 66) / 4096.
    expect(pass.pValue).toBeCloseTo(158 / 4096, 12);
    // Newcombe's method 10 (Wilson 30/40 and 22/40, φ = 0.348), computed apart from src/stats.
    expect(pass.difference.estimate).toBeCloseTo(0.2, 12);
    expect(pass.difference.low).toBeCloseTo(0.0314886075, 8);
    expect(pass.difference.high).toBeCloseTo(0.3525946288, 8);
    expect(pass.difference.confidence).toBe(0.95);
    expect(summary!.chosen).toEqual({ label: TUNED, point: '', reason: 'best pass rate of 1 point' });
    expect(summary!.points[0]!.job).toEqual({
      status: 'succeeded', jobId: 'ftjob-abc', model: 'ft:gpt-4o-mini:org:support-v2:abc', trainedTokens: 144630,
    });
  });

  it('compares each metric with a paired bootstrap, Holm-adjusted with the pass rate', () => {
    const r = recipe();
    const run = storeFinetuneRun(t.store, pairedCells('p', TUNED, [30, 0, 10, 0], { metric: 'tone', scores: { base: 0.8, tuned: 0.5 } }), [r]);
    const point = summarizeRun(t.store, run).finetunes![0]!.points[0]!;
    expect(point.metrics).toHaveLength(1);
    const tone = point.metrics[0]!;
    expect(tone).toMatchObject({ metric: 'tone', n: 40 });
    expect(tone.base).toBeCloseTo(0.8, 12);
    expect(tone.difference.estimate).toBeCloseTo(-0.3, 12);
    expect(tone.difference.method).toBe('paired-bootstrap');
    // Every difference is −0.3: no resample is as far from it as it is from 0, so p = 1/2001; Holm over 2 tests doubles it.
    expect(tone.pValue).toBeCloseTo(1 / 2001, 12);
    expect(tone.adjustedPValue).toBeCloseTo(2 / 2001, 12);
    expect(tone.significant).toBe(true);
  });

  it('chooses the best sweep point, ties to the cheaper, with simultaneous intervals over the points', () => {
    const r = recipe([
      { label: `${TUNED}[epochs=2]`, point: 'epochs=2', usd: 0.3 },
      { label: `${TUNED}[epochs=3]`, point: 'epochs=3', usd: 0.45 },
      { label: `${TUNED}[epochs=4]`, point: 'epochs=4', usd: 0.6 },
    ]);
    const cells = [
      ...pairedCells('p', `${TUNED}[epochs=2]`, [20, 0, 10, 10]),
      ...pairedCells('p', `${TUNED}[epochs=3]`, [20, 0, 12, 8]).filter((c) => c.providerLabel !== BASE),
      ...pairedCells('p', `${TUNED}[epochs=4]`, [20, 0, 12, 8]).filter((c) => c.providerLabel !== BASE),
    ];
    const [summary] = summarizeRun(t.store, storeFinetuneRun(t.store, cells, [r])).finetunes!;
    expect(summary!.chosen).toEqual({
      label: `${TUNED}[epochs=3]`, point: 'epochs=3', reason: 'best pass rate of 3 points, tied with epochs=4: the cheaper',
    });
    expect(summary!.points.map((p) => p.pass!.tuned)).toEqual([0.75, 0.8, 0.8]);
    expect(summary!.points[0]!.pass!.difference.confidence).toBeCloseTo(1 - 0.05 / 3, 12);
    // Holm over the three points: the smallest p is tripled.
    const ps = summary!.points.map((p) => p.pass!.pValue);
    expect(Math.min(...summary!.points.map((p) => p.pass!.adjustedPValue))).toBeCloseTo(3 * Math.min(...ps), 12);
  });

  it('keeps forgetting cells out of the totals, targets and metrics, and compares them in the fine-tune section', () => {
    const r = recipe([{ label: TUNED }], { forgetting: [{ name: 'gsm8k', path: 'suites/gsm8k.yaml', prompts: ['q'] }] });
    const cells = [
      ...pairedCells('p', TUNED, [30, 0, 10, 0], { metric: 'correct' }),
      ...pairedCells('forgetting:gsm8k/q', TUNED, [10, 20, 0, 10], { from: 100, metric: 'correct' }),
    ];
    const summary = summarizeRun(t.store, storeFinetuneRun(t.store, cells, [r], { minPassRate: 0.7 }));
    expect(summary.targets.map((x) => x.promptId)).toEqual(['p', 'p']);
    expect(summary.cells).toBe(80);
    expect(summary.passRate).toBeCloseTo(70 / 80, 12);
    expect(summary.metrics.every((m) => m.promptId === 'p')).toBe(true);
    expect(summary.gate.checks.find((c) => c.gate === 'minPassRate')!.status).toBe('pass');
    const forgetting = summary.finetunes![0]!.forgetting;
    expect(forgetting).toHaveLength(1);
    expect(forgetting[0]).toMatchObject({ name: 'gsm8k', n: 40, base: 0.75, tuned: 0.25, baseOnly: 20, tunedOnly: 0 });
    // The main prompt's pairs are not mixed into the forgetting table, nor the other way round.
    expect(summary.finetunes![0]!.points[0]!.pass).toMatchObject({ n: 40, base: 0.75, tuned: 1 });
  });

  it('prints the section under the summary table', () => {
    const r = recipe([{ label: TUNED }], { forgetting: [{ name: 'gsm8k', path: 'suites/gsm8k.yaml', prompts: ['q'] }] });
    storeJobs(t.store, r);
    const cells = [
      ...pairedCells('p', TUNED, [20, 2, 10, 8], { metric: 'correct' }),
      ...pairedCells('forgetting:gsm8k/q', TUNED, [30, 2, 1, 7], { from: 100 }),
    ];
    const text = formatSummaryTable(summarizeRun(t.store, storeFinetuneRun(t.store, cells, [r])));
    const block = text.slice(text.indexOf('fine-tune support-v2'));
    expect(block.split('\n').slice(0, 6)).toEqual([
      `fine-tune support-v2 (base ${BASE})`,
      '  data     120 train / 20 validation examples · 48,210 tokens · 0 leaked · 2 near duplicates',
      `  training ${TUNED}  succeeded  ftjob-abc  ft:gpt-4o-mini:org:support-v2:abc  144,630 tokens  $0.43 est.`,
      '  pass     base 55.0% → tuned 75.0%  +20.0 pts [+3.1, +35.3]  p=0.042 (Holm)  n=40',
      '  metric   correct  0.55 → 0.75  +0.20 [+0.05, +0.35]  p=0.042 (Holm)  n=40',
      '  forgetting gsm8k  80.0% → 77.5%  −2.5 pts [−13.2, +8.0]  p=1 (Holm)  n=40',
    ]);
  });

  it('prints a sweep\'s points and choice, and a failed job\'s error escaped for the terminal', () => {
    const r = recipe([
      { label: `${TUNED}[epochs=2]`, point: 'epochs=2', usd: 0.3 },
      { label: `${TUNED}[epochs=3]`, point: 'epochs=3', usd: 0.45 },
    ]);
    storeJobs(t.store, { ...r, points: [r.points[0]!] });
    storeJobs(t.store, { ...r, points: [r.points[1]!] }, 'quota exceeded \u001b[31m(red)');
    const cells = [
      ...pairedCells('p', `${TUNED}[epochs=2]`, [20, 2, 10, 8]),
      ...pairedCells('p', `${TUNED}[epochs=3]`, [10, 0, 0, 0]).filter((c) => c.providerLabel !== BASE).map((c) => ({ ...c, status: 'skipped' as const })),
    ];
    const text = formatSummaryTable(summarizeRun(t.store, storeFinetuneRun(t.store, cells, [r])));
    const block = text.slice(text.indexOf('fine-tune support-v2')).split('\n');
    expect(block.slice(2, 7)).toEqual([
      `  training ${TUNED}[epochs=2]  succeeded  ftjob-abc  ft:gpt-4o-mini:org:support-v2:abc  144,630 tokens  $0.30 est.`,
      `  training ${TUNED}[epochs=3]  failed  ftjob-abc  $0.45 est.  — quota exceeded \\u001b[31m(red)`,
      '  pass     epochs=2  base 55.0% → tuned 75.0%  +20.0 pts [+0.8, +37.2] (97.5% simultaneous)  p=0.039 (Holm)  n=40',
      '  pass     epochs=3  no tuned cells to compare',
      '  chosen   epochs=2 (best pass rate of 2 points)',
    ]);
  });
});
