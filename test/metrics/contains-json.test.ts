import { describe, expect, it } from 'vitest';
import containsJson, { findJson } from '../../src/metrics/contains-json.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

const answer = { type: 'object', required: ['answer'], properties: { answer: { type: 'integer' } } };

describe('contains-json', () => {
  it('finds an object or array inside prose, fences or after other brackets', async () => {
    expect(await scoreMetric(containsJson, undefined, 'Sure! {"answer": 42} Anything else?')).toEqual({
      pass: true,
      reason: 'found JSON object {"answer": 42} at 6',
    });
    expect((await scoreMetric(containsJson, undefined, 'Result:\n```json\n[1, 2, 3]\n```')).reason).toBe(
      'found JSON array [1, 2, 3] at 16',
    );
    // Balanced but not JSON, then JSON: the first one that parses wins.
    expect(findJson('See [citation needed] and {name}; data: {"a": [1, {"b": null}]}')).toEqual({
      value: { a: [1, { b: null }] },
      text: '{"a": [1, {"b": null}]}',
      at: 40,
    });
  });

  it('ignores brackets inside JSON strings, escaped quotes included', () => {
    const text = 'x {"s": "a } and ] and \\" and {", "n": 1} y';
    expect(findJson(text)?.value).toEqual({ s: 'a } and ] and " and {', n: 1 });
  });

  it('skips unclosed, mismatched and multi-line-string candidates', () => {
    expect(findJson('{ oops [1, 2}')).toBeUndefined();
    expect(findJson('{"a": 1')).toBeUndefined();
    expect(findJson('a 5" screen {"b": 2}')?.value).toEqual({ b: 2 });
    expect(findJson('{"a": "line\nbreak"} [true]')?.value).toEqual([true]);
  });

  it('does not count bare scalars as JSON', async () => {
    expect(await scoreMetric(containsJson, undefined, 'The answer is 42, "yes", true.')).toEqual({
      pass: false,
      reason: 'no JSON object or array found in the output',
    });
  });

  it('validates the JSON found against a schema', async () => {
    const score = await prepareMetric(containsJson, answer);
    expect(await score('Here: {"answer": 42}')).toEqual({
      pass: true,
      reason: 'found JSON object {"answer": 42} at 6, matching the schema',
    });
    expect(await score('Here: {"answer": "42"}')).toEqual({
      pass: false,
      reason: 'found JSON object {"answer": "42"} at 6, but it does not match the schema: /answer must be integer',
    });
    expect((await score('no JSON here')).pass).toBe(false);
  });

  it('checks the first JSON found, not a later one', async () => {
    expect((await scoreMetric(containsJson, answer, 'Example: {"x": 1}. Answer: {"answer": 42}')).reason).toBe(
      "found JSON object {\"x\": 1} at 9, but it does not match the schema: / must have required property 'answer'",
    );
  });

  it('shortens long JSON in the reason', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => i) });
    expect((await scoreMetric(containsJson, undefined, big)).reason).toBe(`found JSON object ${big.slice(0, 60)}… at 0`);
  });

  // Proven by outcome, not a clock: the search examines a bounded number of characters over all candidates, so
  // it gives up before the object at the very end; an unbounded one would find it after O(n²) steps.
  it('stays fast on thousands of unclosed brackets', () => {
    const nasty = `${'[{'.repeat(20_000)} {"ok": true}`;
    expect(findJson(nasty)).toBeUndefined();
  });

  it('rejects an invalid schema as a config error naming the metric', async () => {
    for (const value of [{ type: 'strnig' }, 'object', [1]]) {
      await expect(prepareMetric(containsJson, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
    await expect(prepareMetric(containsJson, [1])).rejects.toThrow('contains-json `value` must be a JSON Schema object');
  });
});
