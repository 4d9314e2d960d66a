/** JSON arrays and YAML lists: rows located at their line, positions inside YAML rows, and malformed files. */
import { describe, expect, it } from 'vitest';
import json from '../../src/datasets/json.js';
import yaml from '../../src/datasets/yaml.js';
import { LlmlabError } from '../../src/errors.js';

function thrown(run: () => unknown): LlmlabError {
  try {
    run();
  } catch (error) {
    if (error instanceof LlmlabError) return error;
    throw error;
  }
  throw new Error('expected an LlmlabError');
}

describe('json dataset', () => {
  it('locates each item of the top-level array, strings with brackets and escapes included', () => {
    const text = '[\n  {"q": "a [x] {y} \\" ,"},\n\n  {"vars": {"q": [1, 2]},\n   "assert": []}, {"q": "c"}\n]\n';
    const rows = json.parse(text, 'd.json', {});
    expect(rows.map((row) => [row.where.line, row.where.col, row.test])).toEqual([
      [2, 3, { vars: { q: 'a [x] {y} " ,' } }],
      [4, 3, { vars: { q: [1, 2] }, assert: [] }],
      [5, 19, { vars: { q: 'c' } }],
    ]);
  });

  it('reads an empty array as no rows', () => {
    expect(json.parse(' [ ] ', 'd.json', {})).toEqual([]);
  });

  it('rejects invalid JSON at the line and column of the error', () => {
    const error = thrown(() => json.parse('[\n  {"a": 1},\n  {"b": 2,}\n]', 'd.json', {}));
    expect([error.code, error.where]).toEqual(['DATASET_INVALID', { file: 'd.json', line: 3, col: 11 }]);
    expect(error.message).toMatch(/^d\.json is not valid JSON: /);
  });
});

describe('yaml dataset', () => {
  it('reads a list of tests and of bare vars, locating paths inside test rows', () => {
    const text = '# cases\n- q: plain\n- vars:\n    q: nested\n  assert:\n    - type: contains\n      value: x\n';
    const rows = yaml.parse(text, 'd.yaml', {});
    expect(rows.map((row) => [row.test, row.where])).toEqual([
      [{ vars: { q: 'plain' } }, { file: 'd.yaml', line: 2, col: 3 }],
      [{ vars: { q: 'nested' }, assert: [{ type: 'contains', value: 'x' }] }, { file: 'd.yaml', line: 3, col: 3 }],
    ]);
    expect(rows[0]?.locate).toBeUndefined();
    expect(rows[1]?.locate?.(['assert', 0, 'value'])).toEqual({ file: 'd.yaml', line: 7, col: 14 });
    expect(rows[1]?.locate?.(['assert', 0, 'missing'])).toEqual({ file: 'd.yaml', line: 6, col: 7 });
  });

  it.each([
    ['a mapping instead of a list', 'q: 1\n', 'd.yaml must hold a YAML list of tests, got an object', { line: 1, col: 1 }],
    ['an empty file', '', 'd.yaml must hold a YAML list of tests, got null', { line: 1, col: 1 }],
    ['a scalar item', '- q: 1\n- just text\n', 'item 2 must be a mapping, got a string', { line: 2, col: 3 }],
    ['a syntax error', '- q: [1\n', 'YAML syntax error', { line: 2, col: 1 }],
  ])('rejects %s', (_name, text, message, where) => {
    const error = thrown(() => yaml.parse(text, 'd.yaml', {}));
    expect(error.code).toBe('DATASET_INVALID');
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.where).toEqual({ file: 'd.yaml', ...where });
  });
});
