import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { failureLines, FAILURES_SHOWN } from '../../../src/report/console/failures-lines.js';
import type { Store } from '../../../src/store/index.js';
import type { CellResult } from '../../../src/types.js';
import { storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

function failed(prompt: string, test: number, output: string, reason: string, extra: Partial<CellResult> = {}): CellResult {
  return {
    ...verdictCell(prompt, 'bot', test, 'fail'),
    output,
    description: `case ${test}`,
    assertions: [
      { type: 'not-icontains', metric: 'icontains', pass: false, score: 0, weight: 1, reason },
      { type: 'length', metric: 'length', pass: true, score: 1, weight: 1 },
    ],
    ...extra,
  };
}

describe('the failures block', () => {
  it('is empty when every cell passed', () => {
    const run = storeRun(store, [verdictCell('p', 'bot', 0, 'pass')]);
    expect(failureLines(store, run)).toEqual([]);
  });

  it('names each failing cell, its failed assertions with type and reason, and the start of its output', () => {
    const run = storeRun(store, [
      verdictCell('p', 'bot', 0, 'pass'),
      failed('p', 1, 'As an AI, I cannot help.', 'output contains "as an ai"'),
      { ...verdictCell('p', 'bot', 2, 'error'), description: 'case 2', error: '429 Too Many Requests: rate limit reached (after 4 retries)' },
    ]);
    expect(failureLines(store, run)).toEqual([
      'failures: 2 cells failed or errored',
      '  FAIL  case 1  p × bot  output: "As an AI, I cannot help."',
      '      not-icontains: output contains "as an ai"',
      '  ERROR  case 2  p × bot  error: 429 Too Many Requests: rate limit reached (after 4 retries)',
    ]);
  });

  it('escapes newlines, tabs, terminal escapes and quotes, and cuts long outputs at 300 characters', () => {
    const hostile = `line one\nline two\t\u001b[2J\u001b]0;pwned\u0007 "quoted" \u202Eevil`;
    const run = storeRun(store, [failed('p', 0, hostile + 'x'.repeat(400), 'no\nnewline')]);
    const [, cell, reason] = failureLines(store, run);
    expect(cell).not.toMatch(/[\n\t\u001b\u0007\u202e]/);
    expect(cell).toContain('line one\\nline two\\t\\u001b[2J\\u001b]0;pwned\\u0007 \\"quoted\\" \\u202eevil');
    expect(cell).toMatch(/x+"… \(\d+ chars\)$/);
    expect(reason).toBe('      not-icontains: no\\nnewline');
  });

  it(`shows ${FAILURES_SHOWN} cells and says how many more; --verbose lists every one`, () => {
    const cells = Array.from({ length: 14 }, (_, i) => failed('p', i, `out ${i}`, 'nope'));
    const run = storeRun(store, cells);
    const lines = failureLines(store, run);
    expect(lines[0]).toBe(`failures: 14 cells failed or errored (the first ${FAILURES_SHOWN}; --verbose lists every one)`);
    expect(lines.filter((l) => l.startsWith('  FAIL'))).toHaveLength(FAILURES_SHOWN);
    const all = failureLines(store, run, { verbose: true });
    expect(all[0]).toBe('failures: 14 cells failed or errored');
    expect(all.filter((l) => l.startsWith('  FAIL'))).toHaveLength(14);
  });

  it('puts the regressions against the baseline first, marked', () => {
    const baseline = storeRun(store, [failed('p', 0, 'old', 'was failing'), verdictCell('p', 'bot', 1, 'pass')]);
    const run = storeRun(store, [failed('p', 0, 'still', 'still failing'), failed('p', 1, 'new failure', 'broke')]);
    const lines = failureLines(store, run, { comparison: compareRuns(store, baseline, run) });
    expect(lines.filter((l) => !l.startsWith('      '))).toEqual([
      'failures: 2 cells failed or errored',
      '  REGRESSED  case 1  p × bot  output: "new failure"',
      '  FAIL  case 0  p × bot  output: "still"',
    ]);
  });

  it('falls back to the test id and its vars, and names the repeat', () => {
    const run = storeRun(store, [{ ...failed('p', 3, 'o', 'r', { repeatIndex: 1, cellId: 'c' }), description: undefined, vars: { q: 'hi\nthere' } }]);
    expect(failureLines(store, run)[1]).toBe('  FAIL  test t3 {"q":"hi\\nthere"} (repeat 2)  p × bot  output: "o"');
  });
});
