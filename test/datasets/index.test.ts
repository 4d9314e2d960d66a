/** Choosing a loader by extension, and reading a row as a test or as its variables. */
import { describe, expect, it } from 'vitest';
import { datasetFormatOf, loadDataset } from '../../src/datasets/index.js';
import { parseExpected, rowToTest } from '../../src/datasets/rows.js';
import { LlmlabError } from '../../src/errors.js';

const where = { file: 'x', line: 1 };

describe('datasets', () => {
  it('picks the format by extension, case-insensitively', () => {
    expect(['a.jsonl', 'a.NDJSON', 'a.json', 'a.yaml', 'a.YML', 'a.csv', 'a.txt'].map(datasetFormatOf)).toEqual([
      'jsonl',
      'jsonl',
      'json',
      'yaml',
      'yaml',
      'csv',
      undefined,
    ]);
  });

  it('rejects an unknown extension before reading', async () => {
    const error = await loadDataset('/nonexistent/cases.tsv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmlabError);
    expect((error as LlmlabError).message).toBe('cannot read tests from /nonexistent/cases.tsv: unknown file type');
  });

  it('leaves read errors (a missing file) to the caller', async () => {
    const error = await loadDataset('/nonexistent/cases.jsonl').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it.each([
    ['a row with vars is a test', { vars: { q: 1 }, id: 'x' }, { vars: { q: 1 }, id: 'x' }],
    ['a row with assert is a test', { assert: [] }, { assert: [] }],
    ['a row of only test keys is a test', { description: 'd', cluster: 'c' }, { description: 'd', cluster: 'c' }],
    ['a row of plain keys is vars', { q: 1, answer: 'a' }, { vars: { q: 1, answer: 'a' } }],
    ['a row mixing both stays a test (validation names the stray key)', { id: 1, q: 2 }, { id: 1, q: 2 }],
    ['special keys are read from a vars row', { q: 1, __id: 'i', __description: 'd', __expected: 'x' }, { id: 'i', description: 'd', vars: { q: 1 }, assert: [{ type: 'equals', value: 'x' }] }],
    ['empty special values are ignored', { q: 1, __id: '', __expected: '' }, { vars: { q: 1 } }],
    ['an empty row is an empty test', {}, { vars: {} }],
  ])('%s', (_name, row, expected) => {
    expect(rowToTest(row, where, {})).toEqual(expected);
  });

  it('reads `type:value` expectations only for known assertion types', () => {
    const options = { isAssertionType: (type: string) => type === 'icontains' || type === 'not-icontains' };
    expect(parseExpected('icontains:reset link', options)).toEqual({ type: 'icontains', value: 'reset link' });
    expect(parseExpected('not-icontains:  As an AI', options)).toEqual({ type: 'not-icontains', value: 'As an AI' });
    expect(parseExpected('icontains:a:b', options)).toEqual({ type: 'icontains', value: 'a:b' });
    expect(parseExpected('https://x.y', options)).toEqual({ type: 'equals', value: 'https://x.y' });
    expect(parseExpected('Icontains:x', options)).toEqual({ type: 'equals', value: 'Icontains:x' });
    expect(parseExpected(':x', options)).toEqual({ type: 'equals', value: ':x' });
    expect(parseExpected(42, options)).toEqual({ type: 'equals', value: 42 });
  });
});
