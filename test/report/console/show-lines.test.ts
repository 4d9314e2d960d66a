import { describe, expect, it } from 'vitest';
import { MIN_COLUMN, pairShowCells, SHOW_CHARS, showLines, wrap } from '../../../src/report/console/show-lines.js';
import type { CellResult } from '../../../src/types.js';
import { verdictCell } from '../helpers.js';

function cell(prompt: string, provider: string, output: string, extra: Partial<CellResult> = {}): CellResult {
  return {
    ...verdictCell(prompt, provider, 1, 'pass'),
    prompt: `Answer: {{q}} for ${prompt}`,
    output,
    assertions: [{ type: 'icontains', metric: 'icontains', pass: true, score: 1, weight: 1, reason: 'found "days"' }],
    ...extra,
  };
}

const failing = (prompt: string, provider: string, output: string) =>
  cell(prompt, provider, output, {
    status: 'fail',
    assertions: [{ type: 'not-icontains', metric: 'icontains', pass: false, score: 0, weight: 1, reason: 'found "As an AI"' }],
  });

/** No line wider than the terminal: a wrapped line would break the table. */
function expectFits(lines: string[], width: number): void {
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
}

describe('llmlab show: one test side by side', () => {
  it('puts the cells side by side when their columns fit the width', () => {
    const lines = showLines(pairShowCells([cell('p', 'careful', 'Within 5 business days.'), failing('p', 'terse', 'As an AI, I cannot.')], undefined), 100);
    expectFits(lines, 100);
    // One header row names both targets; each section is one row across both columns.
    expect(lines[0]).toMatch(/^ {10} │ p × careful +│ p × terse$/);
    expect(lines).toContainEqual(expect.stringMatching(/^verdict +│ PASS +│ FAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^output +│ Within 5 business days\. +│ As an AI, I cannot\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/^asserts +│ ✓ icontains: found "days" +│ ✗ not-icontains: found "As an AI"$/));
  });

  it('gives each prompt its own row of providers when all cells do not fit, and stacks them when even that does not', () => {
    const cells = ['a', 'b'].flatMap((p) => ['x', 'y'].map((q) => cell(p, q, `out ${p}${q}`)));
    const byPrompt = showLines(pairShowCells(cells, undefined), 80);
    expectFits(byPrompt, 80);
    expect(byPrompt.filter((l) => l.includes(' × '))).toEqual([
      expect.stringMatching(/^ +│ a × x +│ a × y$/),
      expect.stringMatching(/^ +│ b × x +│ b × y$/),
    ]);
    const width = 10 + 3 + MIN_COLUMN + 5;
    const stacked = showLines(pairShowCells(cells, undefined), width);
    expectFits(stacked, width);
    expect(stacked.filter((l) => l.includes(' × '))).toHaveLength(4);
  });

  it('keeps an output\'s lines, wraps long ones at a space, and escapes what could drive the terminal', () => {
    const output = `line one\nsecond line ${'word '.repeat(30)}\u001b[2J\u202eevil`;
    const lines = showLines(pairShowCells([cell('p', 'bot', output)], undefined), 60);
    expectFits(lines, 60);
    const text = lines.join('\n');
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(text).toContain('\\u001b[2J\\u202eevil');
    expect(lines).toContainEqual(expect.stringMatching(/^output +│ line one$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ +│ second line word word/));
  });

  it('shows an error cell\'s error instead of its output, and cuts a long output saying how long it was', () => {
    const error = cell('p', 'bot', '', { status: 'error', error: '429 Too Many Requests', assertions: [] });
    const long = cell('p', 'big', 'x'.repeat(SHOW_CHARS + 500));
    const text = showLines(pairShowCells([error, long], undefined), 200).join('\n');
    expect(text).toMatch(/^error +│ 429 Too Many Requests/m);
    expect(text).toMatch(/^asserts +│ \(none\)/m);
    expect(text).toContain(`… (${SHOW_CHARS + 500} chars)`);
  });

  it('adds the baseline\'s verdict and output and a word diff, paired by prompt, provider and repeat', () => {
    const now = [failing('p', 'bot', 'Refunds take 10 days.'), cell('p', 'other', 'same')];
    const before = [cell('p', 'bot', 'Refunds take 5 days.'), cell('p', 'other', 'same')];
    const lines = showLines(pairShowCells(now, before), 100);
    expect(lines).toContainEqual(expect.stringMatching(/^baseline +│ PASS +│ PASS$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ +│ Refunds take 5 days\. +│ same$/));
    expect(lines).toContainEqual(expect.stringMatching(/^diff +│ Refunds take \[-5-\]\{\+10\+\} days\. +│ \(same output as the baseline\)$/));
  });

  it('says why there is nothing to diff: no cell of the test in the baseline, or a reason for the whole baseline', () => {
    const paired = pairShowCells([cell('p', 'bot', 'x')], [cell('p', 'someone-else', 'y')]);
    expect(showLines(paired, 120).join('\n')).toMatch(/^baseline +│ \(the baseline has no cell of this test for this prompt × provider\)$/m);
    const noted = pairShowCells([cell('p', 'bot', 'x')], 'a report file keeps verdicts only');
    expect(showLines(noted, 120).join('\n')).toMatch(/^baseline +│ \(a report file keeps verdicts only\)$/m);
  });
});

describe('wrap', () => {
  it('breaks at the last space that fits, and mid-word only for a word wider than the column', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('a\n\nb', 10)).toEqual(['a', '', 'b']);
    expect(wrap('tab\there', 20)).toEqual(['tab\\there']);
  });
});
