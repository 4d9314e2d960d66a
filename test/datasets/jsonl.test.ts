/** JSON Lines: rows, bare-vars rows, and errors that name the line (and column) with the JSON parser's words. */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/datasets/index.js';
import jsonl from '../../src/datasets/jsonl.js';
import { LlmlabError, LlmlabErrors } from '../../src/errors.js';

const isAssertionType = (type: string): boolean => type === 'not-contains';

describe('jsonl dataset', () => {
  it('reads test rows, bare-vars rows and test-keys-only rows, with their line numbers', async () => {
    const file = new URL('../fixtures/datasets/cases.jsonl', import.meta.url).pathname;
    const rows = await loadDataset(file, { isAssertionType });
    expect(rows.map((row) => [row.where, row.test])).toEqual([
      [{ file, line: 1 }, { vars: { question: 'How do I reset my password?' }, assert: [{ type: 'icontains', value: 'reset link' }] }],
      [{ file, line: 3 }, { vars: { question: 'Bare vars row' }, assert: [{ type: 'not-contains', value: 'As an AI' }] }],
      [{ file, line: 4 }, { description: 'only test keys' }],
    ]);
  });

  it('keeps non-string expectations as JSON equals', () => {
    const rows = jsonl.parse('{"q": "x", "__expected": {"answer": 42}}\n', 'a.jsonl', {});
    expect(rows[0]?.test).toEqual({ vars: { q: 'x' }, assert: [{ type: 'equals', value: { answer: 42 } }] });
  });

  it('reports every malformed line with its number, column and the JSON error', () => {
    const text = ['{"ok": 1}', '{"vars": {"q": 1},}', '  {"q": 1', '42', '{"q": "fine"}', '{"__oops": 1}'].join('\r\n');
    let error: unknown;
    try {
      jsonl.parse(text, 'a.jsonl', {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LlmlabErrors);
    const errors = (error as LlmlabErrors).errors;
    expect(errors.map((e) => [e.code, e.where])).toEqual([
      ['DATASET_INVALID', { file: 'a.jsonl', line: 2, col: 19 }],
      ['DATASET_INVALID', { file: 'a.jsonl', line: 3, col: 10 }],
      ['DATASET_INVALID', { file: 'a.jsonl', line: 4 }],
      ['DATASET_INVALID', { file: 'a.jsonl', line: 6 }],
    ]);
    expect(errors[0]?.message).toMatch(/^line 2 is not valid JSON: Expected double-quoted property name in JSON at position 18/);
    expect(errors[1]?.message).toMatch(/^line 3 is not valid JSON: .*position 9/);
    expect(errors[2]?.message).toBe('line 4 must be a JSON object, got a number');
    expect(errors[3]?.message).toBe('unknown special column `__oops`');
  });

  it('caps the list of malformed rows and counts the rest', () => {
    const text = Array.from({ length: 30 }, () => 'nope').join('\n');
    let error: unknown;
    try {
      jsonl.parse(text, 'a.jsonl', {});
    } catch (e) {
      error = e;
    }
    const errors = (error as LlmlabErrors).errors;
    expect(errors).toHaveLength(21);
    expect(errors.at(-1)?.message).toBe('…and 10 more malformed rows');
    expect(errors.at(-1)).toBeInstanceOf(LlmlabError);
  });
});
