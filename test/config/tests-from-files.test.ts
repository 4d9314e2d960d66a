/** `tests: file:…` through loadSuite: every format, globs, and errors that name the file and line. */
import { describe, expect, it } from 'vitest';
import { HEAD, loadErrors, loadOk } from './helpers.js';
import type { Seen } from './helpers.js';

interface Case {
  name: string;
  files: Record<string, string>;
  expected: Seen[];
}

const suite = (ref: string): string => `${HEAD}tests: ${ref}\ndefaultTest: { vars: { lang: en } }\n`;

describe('tests from files', () => {
  it('reads JSONL rows as tests or as bare vars, skipping blank lines', async () => {
    const { suite: resolved, dir } = await loadOk({
      'suite.yaml': suite('file:data/cases.jsonl'),
      'data/cases.jsonl': [
        '{"vars": {"q": "a"}, "assert": [{"type": "icontains", "value": "x"}], "id": "first"}',
        '',
        '{"q": "b", "n": 2}',
        '{"q": "c", "__expected": "icontains:reset link", "__id": "third"}\r',
      ].join('\n'),
    });
    expect(resolved.tests.map((t) => [t.id, t.vars, t.assert.map((a) => [a.type, a.value])])).toEqual([
      ['first', { lang: 'en', q: 'a' }, [['icontains', 'x']]],
      [resolved.tests[1]?.id, { lang: 'en', q: 'b', n: 2 }, []],
      ['third', { lang: 'en', q: 'c' }, [['icontains', 'reset link']]],
    ]);
    expect(resolved.sources).toEqual([`${dir}/suite.yaml`, `${dir}/data/cases.jsonl`]);
  });

  it('reads a JSON array, a YAML list and a CSV file', async () => {
    const { suite: resolved } = await loadOk({
      'suite.yaml': `${suite('file:data/*')}trustDatasetCode: true\n`,
      'data/a.json': '[{"q": "json"}, {"vars": {"q": "json2"}, "description": "d"}]',
      'data/b.yaml': '- q: yaml\n- vars: { q: yaml2 }\n  assert: [{ type: equals, value: yaml2 }]\n',
      'data/c.csv': 'q,__expected,__description\ncsv,"javascript:output.length < 200",from csv\n',
    });
    expect(resolved.tests.map((t) => [t.vars.q, t.description, t.assert.map((a) => `${a.type}:${String(a.value)}`)])).toEqual([
      ['json', undefined, []],
      ['json2', 'd', []],
      ['yaml', undefined, []],
      ['yaml2', undefined, ['equals:yaml2']],
      ['csv', 'from csv', ['javascript:output.length < 200']],
    ]);
    expect(resolved.tests.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
  });

  describe('dataset rows are data: code in them is refused unless the suite trusts its datasets', () => {
    const files = {
      'data/c.csv': 'q,__expected\nfine,icontains:ok\nsneaky,"javascript:require(\'node:fs\').writeFileSync(\'/tmp/pwned\', \'x\')"\n',
      'data/d.jsonl': [
        '{"vars": {"q": "a"}, "assert": [{"type": "javascript", "value": "file:evil.mjs"}]}',
        '{"vars": {"q": "b"}, "assert": [{"type": "icontains", "value": "x"}, {"type": "not-javascript", "value": "true"}]}',
        '{"vars": {"q": "c"}, "assert": [{"type": "python", "value": "__import__(\'os\').system(\'id\') == 0"}]}',
      ].join('\n'),
    };
    const hint =
      'dataset rows are data, so code in them does not run by default. If you wrote this file and trust it, set ' +
      '`trustDatasetCode: true` in the suite; or move the check into the suite (`defaultTest.assert`)';

    it('names every refused row by file and line, and runs none of them', async () => {
      expect(await loadErrors({ 'suite.yaml': suite('file:data/*.{csv,jsonl}'), ...files })).toEqual([
        { code: 'DATASET_INVALID', at: 'data/c.csv:3:', message: 'a dataset row may not run code: its `javascript` assertion is refused', hint },
        { code: 'DATASET_INVALID', at: 'data/d.jsonl:1:', message: 'a dataset row may not run code: its `javascript` assertion is refused', hint },
        { code: 'DATASET_INVALID', at: 'data/d.jsonl:2:', message: 'a dataset row may not run code: its `javascript` assertion is refused', hint },
        { code: 'DATASET_INVALID', at: 'data/d.jsonl:3:', message: 'a dataset row may not run code: its `python` assertion is refused', hint },
      ]);
    });

    it('runs them with trustDatasetCode: true, and never refuses the suite\'s own javascript', async () => {
      const { suite: trusted } = await loadOk({ 'suite.yaml': `${suite('file:data/*.{csv,jsonl}')}trustDatasetCode: true\n`, ...files });
      expect(trusted.tests.map((t) => t.assert.map((a) => `${a.negate ? 'not-' : ''}${a.type}`))).toEqual([
        ['icontains'],
        ['javascript'],
        ['javascript'],
        ['icontains', 'not-javascript'],
        ['python'],
      ]);
      const { suite: own } = await loadOk({
        'suite.yaml': `${HEAD}tests: file:data/e.jsonl\ndefaultTest:\n  assert: [{ type: javascript, value: "output.length < 99" }]\n`,
        'data/e.jsonl': '{"q": "a"}\n',
      });
      expect(own.tests[0]!.assert.map((a) => a.type)).toEqual(['javascript']);
    });
  });

  it('concatenates glob matches in sorted path order', async () => {
    const { suite: resolved, dir } = await loadOk({
      'suite.yaml': suite('file:data/**/*.jsonl'),
      'data/b.jsonl': '{"q": "b"}\n',
      'data/a/z.jsonl': '{"q": "a/z"}\n',
      'data/c.jsonl': '{"q": "c"}\n',
      'data/ignored.txt': 'not matched',
    });
    expect(resolved.tests.map((t) => t.vars.q)).toEqual(['a/z', 'b', 'c']);
    expect(resolved.sources.slice(1).map((f) => f.replace(`${dir}/`, ''))).toEqual(['data/a/z.jsonl', 'data/b.jsonl', 'data/c.jsonl']);
  });

  it('keeps exact-duplicate rows apart with #2', async () => {
    const { suite: resolved } = await loadOk({ 'suite.yaml': suite('file:d.csv'), 'd.csv': 'q\nsame\nsame\nother\n' });
    const [a, b, c] = resolved.tests.map((t) => t.id);
    expect(b).toBe(`${a}#2`);
    expect(c).not.toBe(a);
  });

  it.each<Case>([
    {
      name: 'invalid JSON on a JSONL line, with the parser message and column',
      files: { 'suite.yaml': suite('file:cases.jsonl'), 'cases.jsonl': '{"q": 1}\n\n{"vars": {"q": 1},}\n[1]\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.jsonl:3:19',
          // Node 22 appends "(line 1 column 19)" to JSON.parse messages.
          message: expect.stringMatching(/^line 3 is not valid JSON: Expected double-quoted property name in JSON at position 18/),
          hint: 'each line of a .jsonl file holds one complete JSON object',
        },
        {
          code: 'DATASET_INVALID',
          at: 'cases.jsonl:4:',
          message: 'line 4 must be a JSON object, got a list',
          hint: 'write each test as {"vars": {…}, "assert": […]}, or just its variables as {"question": "…"}',
        },
      ],
    },
    {
      name: 'a row with a mistyped key',
      files: { 'suite.yaml': suite('file:cases.jsonl'), 'cases.jsonl': '{"q": 1}\n{"vars": {"q": 2}, "asert": []}\n' },
      expected: [{ code: 'DATASET_INVALID', at: 'cases.jsonl:2:', message: 'unknown key `asert` in the row', hint: 'did you mean `assert`?' }],
    },
    {
      name: 'a row mixing test keys and variables',
      files: { 'suite.yaml': suite('file:cases.jsonl'), 'cases.jsonl': '{"id": 1, "question": "q"}\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.jsonl:1:',
          message: 'unknown key `question` in the row',
          hint: 'this row has test keys (id, description, cluster or metadata), so it is read as a test, not as variables: put the variables under `vars`, or name the test keys `__id` and `__description`',
        },
      ],
    },
    {
      name: 'a bad assertion in a row names the row line',
      files: {
        'suite.yaml': suite('file:cases.jsonl'),
        'cases.jsonl': '{"q": 1}\n{"vars": {}, "assert": [{"type": "icontain", "value": "x"}, {"type": "icontains", "value": ""}]}\n',
      },
      expected: [
        { code: 'UNKNOWN_METRIC', at: 'cases.jsonl:2:', message: 'unknown assertion type `icontain` in assert[0]', hint: 'did you mean `icontains`?' },
        {
          code: 'DATASET_INVALID',
          at: 'cases.jsonl:2:',
          message: '`assert[1].value` must be a non-empty string, got "" (assertion `icontains`)',
          hint: 'Substring the output must contain, ignoring case. A number is matched as its decimal text.',
        },
      ],
    },
    {
      name: 'YAML rows keep positions inside the row',
      files: {
        'suite.yaml': suite('file:cases.yaml'),
        'cases.yaml': '- q: fine\n- vars: { q: 1 }\n  assert:\n    - { type: contains, weight: -2, value: a }\n',
      },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.yaml:4:33',
          message: '`assert[0].weight` must be a number ≥ 0, got -2',
          hint: "Weight of this assertion in the test's score. Default 1.",
        },
      ],
    },
    {
      name: 'a JSON file that is not an array',
      files: { 'suite.yaml': suite('file:cases.json'), 'cases.json': '{"q": 1}' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.json:1:1',
          message: '<dir>/cases.json must hold a JSON array of tests, got an object',
          hint: 'write [{"vars": {…}, "assert": […]}, …]; for one test per line use a .jsonl file',
        },
      ],
    },
    {
      name: 'invalid JSON in a JSON file, at its line and column',
      files: { 'suite.yaml': suite('file:cases.json'), 'cases.json': '[\n {"a":1}\n {"b":2}]' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.json:3:2',
          message: expect.stringMatching(/^<dir>\/cases\.json is not valid JSON: Expected ',' or ']' after array element in JSON at position 12/),
          hint: 'check for a missing comma or quote, or a trailing comma, near this position',
        },
      ],
    },
    {
      name: 'a JSON item that is not an object, at its line',
      files: { 'suite.yaml': suite('file:cases.json'), 'cases.json': '[\n  {"a": "[x]"},\n  "oops"\n]' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.json:3:3',
          message: 'item 2 must be an object, got a string',
          hint: 'each item is a test {"vars": {…}, "assert": […]}, or just its variables {"question": "…"}',
        },
      ],
    },
    {
      name: 'a CSV row with the wrong number of fields',
      files: { 'suite.yaml': suite('file:cases.csv'), 'cases.csv': 'q,a\n"multi\nline",1\nx,y,z\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.csv:4:',
          message: 'row on line 4 has 3 fields, the header has 2',
          hint: 'quote fields that contain commas or line breaks: "a, b"',
        },
      ],
    },
    {
      name: 'an unknown special CSV column',
      files: { 'suite.yaml': suite('file:cases.csv'), 'cases.csv': 'q,__expect\na,b\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.csv:2:',
          message: 'unknown special column `__expect`',
          hint: 'special columns are __expected (or __expected1, __expected2, …), __description, __id and __metadata:<name>',
        },
      ],
    },
    {
      name: 'an empty dataset',
      files: { 'suite.yaml': suite('file:cases.jsonl'), 'cases.jsonl': '\n\n' },
      expected: [{ code: 'DATASET_INVALID', at: 'cases.jsonl', message: '<dir>/cases.jsonl holds no tests', hint: 'add rows, or point `tests:` at another file' }],
    },
    {
      name: 'an unknown file type',
      files: { 'suite.yaml': suite('file:cases.txt'), 'cases.txt': 'q\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.txt',
          message: 'cannot read tests from <dir>/cases.txt: unknown file type',
          hint: 'use one of .jsonl, .ndjson, .json, .yaml, .yml, .csv',
        },
      ],
    },
    {
      name: 'duplicate ids across dataset rows',
      files: { 'suite.yaml': suite('file:cases.csv'), 'cases.csv': '__id,q\nx,1\nx,2\n' },
      expected: [
        {
          code: 'DATASET_INVALID',
          at: 'cases.csv:3:',
          message: 'duplicate test id `x`',
          hint: 'test ids identify tests across runs, so they must be unique; `x` is also used on line 2',
        },
      ],
    },
  ])('$name', async ({ files, expected }) => {
    expect(await loadErrors(files)).toEqual(expected);
  });
});
