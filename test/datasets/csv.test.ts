/** RFC 4180 parsing and the CSV dataset's special columns. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import csv, { parseCsv } from '../../src/datasets/csv.js';
import { loadDataset } from '../../src/datasets/index.js';
import { LlmlabError } from '../../src/errors.js';

const fields = (text: string): string[][] => parseCsv(text, 'x.csv').map((record) => record.fields);
const isAssertionType = (type: string): boolean => ['icontains', 'javascript', 'equals', 'not-contains'].includes(type);

function thrown(run: () => unknown): LlmlabError {
  try {
    run();
  } catch (error) {
    if (error instanceof LlmlabError) return error;
    throw error;
  }
  throw new Error('expected an LlmlabError');
}

describe('parseCsv', () => {
  it.each([
    ['plain fields', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['no final newline', 'a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['CRLF line ends', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['a lone CR ends a line', 'a\r1\r', [['a'], ['1']]],
    ['a BOM is dropped', '\uFEFFa,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['empty fields', ',a,,\n', [['', 'a', '', '']]],
    ['quoted comma', '"a,b",c\n', [['a,b', 'c']]],
    ['escaped quotes', '"say ""hi""",x\n', [['say "hi"', 'x']]],
    ['newlines inside quotes', '"line 1\nline 2",x\n"crlf\r\ninside",y\n', [['line 1\nline 2', 'x'], ['crlf\r\ninside', 'y']]],
    ['an empty quoted field', '"",x\n""\n', [['', 'x'], ['']]],
    ['a quote inside an unquoted field is text', 'a"b,c\n', [['a"b', 'c']]],
    ['spaces are kept', ' a , b \n', [[' a ', ' b ']]],
    ['a trailing comma makes an empty last field', 'a,\n', [['a', '']]],
    ['nothing', '', []],
  ])('%s', (_name, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it('records the line each record starts on', () => {
    const records = parseCsv('h\n"a\nb"\nc\r\n\r\nd\n', 'x.csv');
    expect(records.map((record) => [record.fields[0], record.line])).toEqual([
      ['h', 1],
      ['a\nb', 2],
      ['c', 4],
      ['', 5],
      ['d', 6],
    ]);
  });

  it('rejects an unclosed quote at the position it opened', () => {
    const error = thrown(() => parseCsv('a,b\n1,"never\nclosed\n', 'x.csv'));
    expect([error.code, error.message, error.where]).toEqual([
      'DATASET_INVALID',
      'unclosed quote: the file ends inside a quoted field',
      { file: 'x.csv', line: 2, col: 3 },
    ]);
  });

  it('rejects text after a closing quote', () => {
    const error = thrown(() => parseCsv('a\n"x"y\n', 'x.csv'));
    expect([error.message, error.where, error.hint]).toEqual([
      'unexpected "y" after a closing quote',
      { file: 'x.csv', line: 2, col: 4 },
      'quote the whole field, and write a quote inside it as `""`',
    ]);
  });
});

describe('csv dataset', () => {
  it('turns columns into vars and the special columns into id, description and assertions', async () => {
    const file = new URL('../fixtures/datasets/cases.csv', import.meta.url).pathname;
    const rows = await loadDataset(file, { isAssertionType });
    expect(rows.map((row) => [row.test, row.where.line])).toEqual([
      [{ id: 'reset', description: 'Reset flow', vars: { question: 'How do I reset my password?' }, assert: [{ type: 'icontains', value: 'reset link' }] }, 2],
      [{ description: 'multi\r\nline', vars: { question: 'Say "hi", politely' }, assert: [{ type: 'javascript', value: 'output.length < 200' }] }, 3],
      [{ vars: { question: 'plain' }, assert: [{ type: 'equals', value: 'http://example.com' }] }, 5],
    ]);
    expect(rows[0]?.where.file).toBe(file);
    expect(await readFile(file, 'utf8')).toContain('\r\n');
  });

  it('supports several expectations, trims header names and skips blank lines', () => {
    const rows = csv.parse(' q , __expected1,__expected2\n\nx,equals:x,not-contains: y\n\n', 'x.csv', { isAssertionType });
    expect(rows.map((row) => row.test)).toEqual([
      { vars: { q: 'x' }, assert: [{ type: 'equals', value: 'x' }, { type: 'not-contains', value: 'y' }] },
    ]);
  });

  it('without an assertion-type check, a prefixed expectation stays a literal equals', () => {
    const rows = csv.parse('q,__expected\nx,icontains:y\n', 'x.csv', {});
    expect(rows[0]?.test.assert).toEqual([{ type: 'equals', value: 'icontains:y' }]);
  });

  it.each([
    ['an empty file', '', 'x.csv is empty'],
    ['an unnamed column', 'a,,b\n1,2,3\n', 'column 2 of the header has no name'],
    ['a duplicate column', 'a,b,a\n1,2,3\n', 'column `a` appears twice in the header'],
  ])('rejects %s', (_name, text, message) => {
    const error = thrown(() => csv.parse(text, 'x.csv', {}));
    expect([error.code, error.message]).toEqual(['DATASET_INVALID', message]);
  });

  it('reports every row with the wrong field count', () => {
    const error = thrown(() => csv.parse('a,b\n1\n1,2\n1,2,3\n', 'x.csv', {}));
    expect(error.format()).toBe(
      [
        'x.csv:2: row on line 2 has 1 field, the header has 2',
        '  hint: quote fields that contain commas or line breaks: "a, b"',
        'x.csv:4: row on line 4 has 3 fields, the header has 2',
        '  hint: quote fields that contain commas or line breaks: "a, b"',
      ].join('\n'),
    );
  });
});
