/**
 * Assertion `transform` in suites: the GSM8K fixture loads and grades, and a bad step or a bad regex is
 * rejected at load time with its exact position.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { createGrader } from '../../src/engine/grade.js';
import { HEAD, loadErrors, loadOk, project } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/config/gsm8k-transform.yaml', import.meta.url));

const withAssert = (lines: string) => ({ 'suite.yaml': `${HEAD}tests:\n  - vars: { q: 1 }\n    assert:\n${lines}` });

describe('transform in a suite', () => {
  it('resolves GSM8K strict and flexible extraction (a single step becomes a list) and grades with them', async () => {
    const suite = await loadSuite(FIXTURE, project);
    const [first, second, third] = suite.tests;
    expect(first!.assert.map((a) => [a.metric, a.transform])).toEqual([
      ['strict-match', [{ regex: '#### (\\-?[0-9\\.\\,]+)', fallback: '[invalid]' }, 'strip-commas']],
      ['flexible-extract', ['last-number']],
    ]);
    const grader = createGrader(suite.baseDir);
    const grade = async (index: number, output: string) => {
      const test = suite.tests[index]!;
      const verdict = await grader.grade({ output, test, prompt: output, result: { output }, providerId: 'echo' });
      return verdict.assertions.map((a) => [a.metric, a.pass]);
    };
    expect(await grade(0, String(first!.vars.answer))).toEqual([['strict-match', true], ['flexible-extract', true]]);
    expect(await grade(1, String(second!.vars.answer))).toEqual([['strict-match', false], ['flexible-extract', true]]);
    expect(await grade(2, String(third!.vars.answer))).toEqual([['equals', true], ['strict-match', false], ['flexible-extract', false]]);
  });

  it('accepts `group: any` in YAML and rejects another word there', async () => {
    const { suite } = await loadOk(withAssert('      - type: equals\n        value: "7"\n        transform: { regex: "(a)|(7)", group: any, select: last }\n'));
    expect(suite.tests[0]!.assert[0]!.transform).toEqual([{ regex: '(a)|(7)', group: 'any', select: 'last' }]);
    const [seen] = await loadErrors(withAssert('      - type: equals\n        value: "7"\n        transform: { regex: "(7)", group: all }\n'));
    expect(seen).toMatchObject({ code: 'CONFIG_INVALID', at: 'suite.yaml:8:43' });
  });

  it.each([
    {
      name: 'a misspelt step in a list',
      yaml: '      - type: equals\n        value: "1"\n        transform: [trim, last-numbr]\n',
      at: 'suite.yaml:8:27',
      message: '`tests[0].assert[0].transform[1]` must be one of `last-number`, `answer-letter`, `trim`, `lowercase`, `uppercase`, `strip-punctuation`, `strip-commas` or `normalize-whitespace`, got "last-numbr"',
      hint: 'did you mean `last-number`?',
    },
    {
      name: 'an unknown key in a regex step',
      yaml: '      - type: equals\n        value: "1"\n        transform: { regex: "a", grup: 1 }\n',
      at: 'suite.yaml:8:34',
      message: 'unknown key `grup` in tests[0].assert[0].transform',
      hint: 'did you mean `group`?',
    },
    {
      name: 'a bad select',
      yaml: '      - type: equals\n        value: "1"\n        transform:\n          - regex: "a"\n            select: middle\n',
      at: 'suite.yaml:10:21',
      message: '`tests[0].assert[0].transform[0].select` must be one of `first` or `last`, got "middle"',
      hint: 'allowed values: `first`, `last`',
    },
    {
      name: 'an invalid regex, second step of a list',
      yaml: '      - type: equals\n        value: "1"\n        transform:\n          - trim\n          - regex: "(unclosed"\n',
      at: 'suite.yaml:10:20',
      message: 'transform step tests[0].assert[0].transform[1].regex (assertion `equals`): invalid regex: Invalid regular expression: /(unclosed/: Unterminated group',
      hint: 'in YAML double quotes a backslash must be doubled ("\\\\d+"); single quotes keep it as written (\'\\d+\')',
    },
    {
      name: 'an invalid regex in a single step',
      yaml: '      - type: not-equals\n        value: "1"\n        transform: { regex: "[z-a]", flags: i }\n',
      at: 'suite.yaml:8:29',
      message: 'transform step tests[0].assert[0].transform.regex (assertion `not-equals`): invalid regex: Invalid regular expression: /[z-a]/i: Range out of order in character class',
    },
    {
      name: 'a group the regex does not have',
      yaml: '      - type: equals\n        value: "1"\n        transform: { regex: "a(b)", group: 3 }\n',
      at: 'suite.yaml:8:44',
      message: 'transform step tests[0].assert[0].transform.group (assertion `equals`): the regex has 1 capture group; cannot keep group 3',
      hint: 'use group: 0 for the whole match',
    },
  ])('rejects $name at its position', async ({ yaml, at, message, hint }) => {
    const [seen, ...more] = await loadErrors(withAssert(yaml));
    expect(more).toEqual([]);
    expect(seen).toMatchObject({ code: 'CONFIG_INVALID', at, message, ...(hint ? { hint } : {}) });
  });
});
