/**
 * The new metrics' option schemas as a user meets them: a suite with bad values, loaded through the real config
 * loader, is rejected with one message per mistake at the mistake's line and column — and good values load.
 */
import { describe, expect, it } from 'vitest';
import { HEAD, loadErrors, loadOk } from '../config/helpers.js';

const suite = (asserts: string[]) => ({
  'suite.yaml': `${HEAD}tests:\n  - vars: { q: x }\n    assert:\n${asserts.map((a) => `      - ${a}\n`).join('')}`,
});

describe('metric option schemas, through the suite loader', () => {
  it('accepts every documented value form', async () => {
    const { suite: loaded } = await loadOk(
      suite([
        '{ type: levenshtein, value: Paris }',
        '{ type: levenshtein, value: { expected: Paris, maxDistance: 1 } }',
        '{ type: not-levenshtein, value: { expected: 42, minSimilarity: 0.8 } }',
        '{ type: bleu, value: [a reference, another one] }',
        '{ type: bleu, value: { references: a reference, lowercase: true }, threshold: 0.3 }',
        '{ type: rouge-1, value: a reference }',
        '{ type: rouge-2, value: [a reference, another one] }',
        '{ type: rouge-l, value: a reference }',
        '{ type: f1, value: [Denver Broncos, 1889] }',
        '{ type: word-count, value: { max: 50 } }',
        '{ type: length, value: 12 }',
        '{ type: contains-json }',
        '{ type: contains-json, value: { type: object, required: [answer] } }',
        '{ type: numeric, value: { expected: 3.14, abs: 0.01, rel: 0.001 } }',
        '{ type: latency, value: 1500 }',
        '{ type: cost, value: 0.002 }',
        '{ type: not-finish-reason, value: length }',
      ]),
    );
    expect(loaded.tests[0]?.assert.map((a) => `${a.negate ? 'not-' : ''}${a.type}`)).toHaveLength(17);
  });

  it('rejects bad values with a located, specific message', async () => {
    const errors = await loadErrors(
      suite([
        '{ type: levenshtein, value: { expected: Paris, minSimilarity: 2 } }',
        '{ type: levenshtein, value: { expected: Paris, maxDistance: 1, minSimilarity: 0.5 } }',
        '{ type: bleu, value: { references: x, lowercase: yes please } }',
        '{ type: rouge-2, value: [ok, ""] }',
        '{ type: word-count, value: {} }',
        '{ type: length, value: { min: 2, maks: 3 } }',
        '{ type: numeric, value: "12" }',
        '{ type: latency, value: -5 }',
        '{ type: finish-reason }',
      ]),
    );
    expect(errors.map(({ at, message }) => ({ at, message }))).toEqual([
      {
        at: 'suite.yaml:6:71',
        message:
          '`tests[0].assert[0].value.minSimilarity` must be a number between 0 and 1, got 2 (assertion `levenshtein`)',
      },
      { at: 'suite.yaml:7:56', message: 'unknown key `maxDistance` in tests[0].assert[1].value (assertion `levenshtein`)' },
      {
        at: 'suite.yaml:8:58',
        message: '`tests[0].assert[2].value.lowercase` must be true or false, got "yes please" (assertion `bleu`)',
      },
      {
        at: 'suite.yaml:9:38',
        message: '`tests[0].assert[3].value[1]` must be a non-empty string, got "" (assertion `rouge-2`)',
      },
      {
        at: 'suite.yaml:10:36',
        message:
          '`tests[0].assert[4].value` must be { min, max } with at least one bound, got an empty object (assertion `word-count`)',
      },
      { at: 'suite.yaml:11:42', message: 'unknown key `maks` in tests[0].assert[5].value (assertion `length`)' },
      {
        at: 'suite.yaml:12:33',
        message: '`tests[0].assert[6].value` must be a number or an object with `expected`, got "12" (assertion `numeric`)',
      },
      { at: 'suite.yaml:13:33', message: '`tests[0].assert[7].value` must be a number ≥ 0, got -5 (assertion `latency`)' },
      { at: 'suite.yaml:14:9', message: 'assertion `finish-reason` in tests[0].assert[8] needs a `value`' },
    ]);
  });
});
