/**
 * Per-metric figures. Expected values were computed independently with SciPy 1.17 (`scipy.stats.ttest_1samp(x,
 * 0).confidence_interval(0.95)`, equal to R's `t.test(x)$conf.int`) and by hand with Wilson's formula
 * (2np̂ + z² ± z√(z² + 4np̂q̂)) / (2(n + z²)), z = 1.959964 (equal to R's `prop.test(k, n, correct = FALSE)`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { formatMetrics, METRIC_CONSOLE_LIMIT } from '../../../src/report/console/metric-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { Store } from '../../../src/store/index.js';
import { reportValidator, tempStore, verdictCell } from '../helpers.js';
import { gradedCell, storeRunWith } from '../score-cells.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

/** bleu scores 0.2, 0.4, 0.6, 0.8 (pass at ≥ 0.5) and contains 1, 1, 0, 1 on tests t0..t3. */
function twoMetricCells(prompt = 'p', provider = 'A') {
  const bleu = [0.2, 0.4, 0.6, 0.8];
  const contains = [1, 1, 0, 1];
  return bleu.map((b, i) =>
    gradedCell(prompt, provider, i, [
      ['bleu', b, b >= 0.5],
      ['contains', contains[i]!, contains[i] === 1],
    ]),
  );
}

describe('per-metric summary', () => {
  it('gives each target × metric its mean score with a t interval and its pass rate with a Wilson interval', () => {
    const s = summarizeRun(store, storeRunWith(store, twoMetricCells()));
    expect(s.metrics.map((m) => m.metric)).toEqual(['bleu', 'contains']);
    const [bleu, contains] = s.metrics;
    // mean 0.5, s = √(0.2/3) = 0.258199, se = 0.129099, t(0.975, 3) = 3.182446 → [0.0891479, 0.9108521].
    expect(bleu).toMatchObject({ promptId: 'p', providerLabel: 'A', n: 4, errors: 0, passRate: 0.5, binary: false });
    expect(bleu!.meanScore).toBeCloseTo(0.5, 12);
    expect(bleu!.meanScoreInterval).toMatchObject({ method: 't', confidence: 0.95 });
    expect(bleu!.meanScoreInterval!.low).toBeCloseTo(0.0891479486, 8);
    expect(bleu!.meanScoreInterval!.high).toBeCloseTo(0.9108520514, 8);
    // Wilson 2/4 = [0.1500390, 0.8499610].
    expect(bleu!.passRateInterval).toMatchObject({ method: 'wilson', confidence: 0.95 });
    expect(bleu!.passRateInterval!.low).toBeCloseTo(0.1500389892, 8);
    expect(bleu!.passRateInterval!.high).toBeCloseTo(0.8499610108, 8);
    // contains 1,1,0,1: mean 0.75, s = 0.5, se = 0.25 → 0.75 ± 0.795612 = [−0.0456116, 1.5456116]; Wilson 3/4.
    expect(contains).toMatchObject({ n: 4, passRate: 0.75, meanScore: 0.75, binary: true });
    // The raw t interval [−0.0456, 1.5456] is clamped to the possible range of a mean of [0, 1] scores.
    expect(contains!.meanScoreInterval!.low).toBe(0);
    expect(contains!.meanScoreInterval!.high).toBe(1);
    expect(contains!.passRateInterval!.low).toBeCloseTo(0.3006418426, 8);
    expect(contains!.passRateInterval!.high).toBeCloseTo(0.9544127392, 8);
  });

  it('folds several assertions of one name per cell, counts errored ones as failures, leaves ungraded cells out', () => {
    const cells = [
      // Two `rouge` assertions: mean (0.2 + 0.6)/2 = 0.4, fails because one failed.
      gradedCell('p', 'A', 0, [['rouge', 0.2, false], ['rouge', 0.6, true]]),
      gradedCell('p', 'A', 1, [['rouge', 0.7, true], ['rouge', 0.9, true]]),
      gradedCell('p', 'A', 2, [['rouge', 0, false, 'metric threw']]),
      verdictCell('p', 'A', 3, 'error'), // the model call failed: nothing graded
      verdictCell('p', 'A', 4, 'skipped'),
    ];
    const [rouge] = summarizeRun(store, storeRunWith(store, cells)).metrics;
    // Cells 0..2: scores 0.4, 0.8, 0 → mean 0.4; passes 1 of 3; one errored.
    expect(rouge).toMatchObject({ metric: 'rouge', n: 3, errors: 1, binary: false });
    expect(rouge!.meanScore).toBeCloseTo(0.4, 12);
    expect(rouge!.passRate).toBeCloseTo(1 / 3, 12);
    // Wilson 1/3 = [0.0614919, 0.7923404].
    expect(rouge!.passRateInterval!.low).toBeCloseTo(0.0614919447, 8);
    expect(rouge!.passRateInterval!.high).toBeCloseTo(0.7923403992, 8);
  });

  it('clusters each test’s repeats when the run has repeats (Miller 2024)', () => {
    const scores = [[1, 0.8], [0.4, 0.6], [0, 0.2]];
    const cells = scores.flatMap((pair, test) => pair.map((s, r) => gradedCell('p', 'A', test, [['sim', s, s >= 0.5]], r)));
    const [sim] = summarizeRun(store, storeRunWith(store, cells, { repeat: 2 })).metrics;
    // By hand: mean 0.5; residuals .5 .3 | −.1 .1 | −.5 −.3; Σe² = 0.70; cluster sums .8, 0, −.8 → Σ = 1.28.
    // SE² = 0.70/(6·5) + (1.28 − 0.70)/36 = 0.0394444, SE = 0.1986063; t(0.975, G − 1 = 2) = 4.302653
    // → [−0.3545337, 1.3545337].
    expect(sim).toMatchObject({ n: 6, meanScoreInterval: { method: 'clustered', clusters: 3, confidence: 0.95 } });
    // Clamped to [0, 1]: the raw interval above runs past both ends.
    expect(sim!.meanScoreInterval).toMatchObject({ low: 0, high: 1 });
  });

  it('clusters tests that share a `cluster`, without repeats (Miller 2024)', () => {
    // Scores 0.5 0.6 | 0.2 0.3 | 0.8 0.7 | 0.4 0.4 in clusters a b c d: mean 0.4875; SE² = Σ(s − s̄)²/(n(n − 1))
    // + (1/n²)·Σ within-cluster cross products = 0.0091991 → SE 0.0959126; t₀.₉₇₅ on G − 1 = 3 df = 3.1824463
    // → [0.1822634, 0.7927366] (computed by hand in Python from the formula in the paper).
    const scores = [0.5, 0.6, 0.2, 0.3, 0.8, 0.7, 0.4, 0.4];
    const cells = scores.map((score, i) => ({
      ...gradedCell('p', 'A', i, [['sim', score, score >= 0.5]]),
      cluster: 'abcd'[Math.floor(i / 2)]!,
    }));
    const [sim] = summarizeRun(store, storeRunWith(store, cells)).metrics;
    expect(sim).toMatchObject({ n: 8, meanScoreInterval: { method: 'clustered', clusters: 4 } });
    expect(sim!.meanScore).toBeCloseTo(0.4875, 12);
    expect(sim!.meanScoreInterval!.low).toBeCloseTo(0.1822634347, 8);
    expect(sim!.meanScoreInterval!.high).toBeCloseTo(0.7927365653, 8);
    // The cluster survives the round trip through the store.
    expect([...store.results.iterate(store.runs.latest()!.id)].map((c) => c.cluster)).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
  });

  it('has no interval for a single cell', () => {
    const [m] = summarizeRun(store, storeRunWith(store, [gradedCell('p', 'A', 0, [['f1', 0.3, false]])])).metrics;
    expect(m).toMatchObject({ n: 1, meanScore: 0.3, meanScoreInterval: null });
    expect(m!.passRateInterval).not.toBeNull();
  });

  it('lists targets in suite order', () => {
    const cells = [...twoMetricCells('p', 'A'), ...twoMetricCells('p', 'B')];
    const s = summarizeRun(store, storeRunWith(store, cells, { providers: ['B', 'A'], prompts: ['p'] }));
    expect(s.metrics.map((m) => `${m.providerLabel}/${m.metric}`)).toEqual(['B/bleu', 'B/contains', 'A/bleu', 'A/contains']);
  });
});

describe('metrics console block', () => {
  it('prints one aligned line per target × metric', () => {
    const s = summarizeRun(store, storeRunWith(store, twoMetricCells()));
    const lines = formatMetrics(s.metrics);
    expect(lines).toEqual([
      'metrics graded on 2+ cells (mean score [95 % CI], pass rate [Wilson 95 %])',
      '  p × A  bleu      score 0.500 [0.089–0.911]  pass 50.0% [15.0–85.0]  n=4',
      // The t interval runs past 1; scores cannot, so it is clamped to [0, 1].
      '  p × A  contains  score 0.750 [0.000–1.000]  pass 75.0% [30.1–95.4]  n=4',
    ]);
    expect(formatSummaryTable(s)).toContain(lines.join('\n'));
  });

  it('says nothing for targets with one binary metric: the table already shows it', () => {
    const cells = [0, 1, 2].map((i) => gradedCell('p', 'A', i, [['contains', i % 2, i % 2 === 1]]));
    const s = summarizeRun(store, storeRunWith(store, cells));
    expect(s.metrics).toHaveLength(1);
    expect(formatMetrics(s.metrics)).toEqual([]);
    expect(formatSummaryTable(s)).not.toContain('metrics (');
  });

  it('leaves out metrics graded on one cell, and caps the block', () => {
    const one = [gradedCell('p', 'A', 0, [['f1', 0.5, true], ['bleu', 0.2, false]])];
    expect(formatMetrics(summarizeRun(store, storeRunWith(store, one)).metrics)).toEqual([]);
    const many = Array.from({ length: 4 }, (_, i) =>
      gradedCell('p', 'A', i, Array.from({ length: 40 }, (_, m) => [`m${String(m).padStart(2, '0')}`, i / 4, i > 1] as const)),
    );
    const lines = formatMetrics(summarizeRun(store, storeRunWith(store, many)).metrics);
    expect(lines).toHaveLength(1 + METRIC_CONSOLE_LIMIT + 1);
    expect(lines.at(-1)).toBe('  … 10 more in the JSON report (llmlab report latest -o report.json)');
  });

  it('shows a single non-binary metric, and marks errored cells', () => {
    const cells = [gradedCell('p', 'A', 0, [['f1', 0.5, true]]), gradedCell('p', 'A', 1, [['f1', 0, false, 'boom']])];
    const lines = formatMetrics(summarizeRun(store, storeRunWith(store, cells)).metrics);
    expect(lines[1]).toMatch(/^ {2}p × A {2}f1 {2}score 0\.250 \[.+\] {2}pass 50\.0% \[9\.5–90\.5\] {2}n=2 {2}1 errored$/);
  });
});

describe('JSON report with metrics', () => {
  it('validates against the schema and carries summary.metrics', () => {
    const run = storeRunWith(store, twoMetricCells());
    const path = join(t.dir, 'report.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.metrics).toHaveLength(2);
    expect(report.summary.repeats).toEqual([]);
    // The schema is strict: an unknown key in a metric entry is rejected.
    report.summary.metrics[0].extra = 1;
    expect(validate(report)).toBe(false);
  });
});
