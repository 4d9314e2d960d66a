/**
 * maj@k (lm-evaluation-harness's plurality vote over extracted answers), hand-checked. One target, repeat 5,
 * metric strict-match with target answer 8 on every test (`-` = nothing extracted, the assertion failed):
 *   t0  8 3 8 5 7   vote 8 (2 votes, the rest disagree)        → pass; verdicts 2 of 5 → majority fails
 *   t1  8 8 8 3 3   vote 8                                      → pass; verdicts 3 of 5 → majority passes
 *   t2  3 8 8 3 -   3 and 8 tie at 2, 3 seen first              → fail (a tie)
 *   t3  - - 8 5 -   "no answer" wins with 3                     → fail
 * maj@5 = 2/4 = 0.5, Wilson 95 % [0.1500, 0.8500] (z = 1.959964: centre 0.5, half-width 0.34996); one tie.
 * Pass rate over cells 8/20. The verdict-based majority vote of the repeat summary: only t1 → 0.25.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { formatMetrics } from '../../../src/report/console/metric-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { Store } from '../../../src/store/index.js';
import type { AssertionResult, CellResult } from '../../../src/types.js';
import { reportValidator, tempStore, verdictCell } from '../helpers.js';
import { storeRunWith } from '../score-cells.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

const HAND_CHECKED = ['8 3 8 5 7', '8 8 8 3 3', '3 8 8 3 -', '- - 8 5 -'];

/** One strict-match assertion (equals 8 on the extracted text) and one `contains` without a transform. */
function answerCell(test: number, repeat: number, answer: string): CellResult {
  const pass = answer === '8';
  const strict: AssertionResult = { type: 'equals', metric: 'strict-match', pass, score: pass ? 1 : 0, weight: 1 };
  if (answer !== '-') strict.extracted = answer;
  const contains: AssertionResult = { type: 'contains', metric: 'contains', pass: true, score: 1, weight: 1 };
  return { ...verdictCell('p', 'A', test, pass ? 'pass' : 'fail', repeat), score: pass ? 1 : 0.5, assertions: [strict, contains] };
}

function cells(rows: string[]): CellResult[] {
  return rows.flatMap((row, test) => row.split(' ').map((answer, repeat) => answerCell(test, repeat, answer)));
}

describe('maj@k', () => {
  it('votes over extracted answers with first-seen tie-break, unlike the verdict majority', () => {
    const s = summarizeRun(store, storeRunWith(store, cells(HAND_CHECKED), { repeat: 5 }));
    const strict = s.metrics.find((m) => m.metric === 'strict-match')!;
    expect(strict.passRate).toBeCloseTo(8 / 20, 12);
    const maj = strict.majorityAtK!;
    expect(maj).toMatchObject({ k: 5, rate: 0.5, n: 4, ties: 1 });
    expect(maj.interval!.low).toBeCloseTo(0.15004, 4);
    expect(maj.interval!.high).toBeCloseTo(0.84996, 4);
    expect(maj.interval!.method).toBe('wilson');
    expect(s.repeats[0]!.majorityVotePassRate).toBe(0.25);
    // No transform, nothing to vote on.
    expect(s.metrics.find((m) => m.metric === 'contains')!.majorityAtK).toBeUndefined();
  });

  it('shows maj@k on the console metrics block', () => {
    const s = summarizeRun(store, storeRunWith(store, cells(HAND_CHECKED), { repeat: 5 }));
    const lines = formatMetrics(s.metrics);
    expect(lines[0]).toContain('maj@k: tests whose plurality answer over k repeats passes');
    expect(lines.find((l) => l.includes('strict-match'))).toMatch(/pass 40\.0% \[.*\]\s+maj@5 50\.0% \[15\.0–85\.0\]\s+n=20/);
    expect(lines.find((l) => l.includes(' contains '))).not.toContain('maj@');
  });

  it('leaves out tests with fewer than k graded repeats', () => {
    // t1 lost a repeat (its model call failed: no assertions, no row): only t0 votes.
    const all = cells(['8 3 8 5 7', '8 8 8 3 3']).filter((c) => !(c.testId === 't1' && c.repeatIndex === 4));
    all.push({ ...verdictCell('p', 'A', 1, 'error', 4), assertions: [], error: 'HTTP 500' });
    const strict = summarizeRun(store, storeRunWith(store, all, { repeat: 5 })).metrics.find((m) => m.metric === 'strict-match')!;
    expect(strict.majorityAtK).toMatchObject({ k: 5, rate: 1, n: 1, ties: 0 });
  });

  it('is absent without repeats, and when no test has all k repeats', () => {
    const single = summarizeRun(store, storeRunWith(store, cells(['8', '3'])));
    expect(single.metrics.find((m) => m.metric === 'strict-match')!.majorityAtK).toBeUndefined();
    const short = summarizeRun(store, storeRunWith(store, cells(['8 8', '3 8']), { repeat: 3 }));
    expect(short.metrics.find((m) => m.metric === 'strict-match')!.majorityAtK).toBeUndefined();
  });

  it('votes over the tuple of texts when a cell has several assertions of one metric name', () => {
    // Two strict-match assertions per cell; repeats 0 and 2 saw (8, 8), repeat 1 saw (8, 9): (8, 8) wins.
    const cell = (repeat: number, second: string): CellResult => {
      const a = (x: string): AssertionResult => ({ type: 'equals', metric: 'strict-match', pass: x === '8', score: x === '8' ? 1 : 0, weight: 1, extracted: x });
      return { ...verdictCell('p', 'A', 0, second === '8' ? 'pass' : 'fail', repeat), assertions: [a('8'), a(second)] };
    };
    const s = summarizeRun(store, storeRunWith(store, [cell(0, '8'), cell(1, '9'), cell(2, '8')], { repeat: 3 }));
    expect(s.metrics[0]!.majorityAtK).toMatchObject({ k: 3, rate: 1, n: 1, ties: 0 });
  });

  it('writes majorityAtK and extracted into a JSON report that validates', () => {
    const run = storeRunWith(store, cells(HAND_CHECKED), { repeat: 5 });
    const path = join(t.dir, 'report.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const strict = report.summary.metrics.find((m: { metric: string }) => m.metric === 'strict-match');
    expect(strict.majorityAtK).toMatchObject({ k: 5, rate: 0.5, n: 4, ties: 1 });
    expect(report.cells[0].assertions[0].extracted).toBe('8');
    strict.majorityAtK.extra = 1;
    expect(validate(report)).toBe(false);
  });
});
