import { describe, expect, it } from 'vitest';
import equals from '../../src/metrics/equals.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('equals', () => {
  it('compares a string value with the output exactly', async () => {
    expect(await scoreMetric(equals, 'Paris', 'Paris')).toEqual({ pass: true, reason: 'output is exactly "Paris"' });
    expect(await scoreMetric(equals, 'Paris', 'paris')).toEqual({
      pass: false,
      reason: 'output is "paris", expected "Paris"',
    });
  });

  it('does not trim, but says when whitespace is the only difference', async () => {
    const result = await scoreMetric(equals, 'Paris', 'Paris\n');
    expect(result.pass).toBe(false);
    expect(result.reason).toBe('output is "Paris\\n", expected "Paris" (they differ only in surrounding whitespace)');
  });

  it('truncates long outputs in the reason', async () => {
    const result = await scoreMetric(equals, 'short', 'x'.repeat(500));
    expect(result.reason).toBe(`output is "${'x'.repeat(80)}"…, expected "short"`);
  });

  it('compares a map with the output parsed as JSON, ignoring key order and whitespace', async () => {
    const score = await prepareMetric(equals, { answer: 42, tags: ['a', 'b'], nested: { ok: true, none: null } });
    expect((await score(' {"tags":["a","b"],"nested":{"none":null,"ok":true},"answer":42}\n')).pass).toBe(true);
    expect(await score('{"answer":42,"tags":["b","a"],"nested":{"ok":true,"none":null}}')).toEqual({
      pass: false,
      reason:
        'output parses to {"answer":42,"tags":["b","a"],"nested":{"ok":true,"none":null}}, ' +
        'expected {"answer":42,"tags":["a","b"],"nested":{"ok":true,"none":null}}',
    });
  });

  it('treats missing keys, extra keys and arrays-vs-maps as different', async () => {
    const score = await prepareMetric(equals, { a: 1 });
    expect((await score('{"a":1,"b":2}')).pass).toBe(false);
    expect((await score('{}')).pass).toBe(false);
    expect((await score('{"a":null}')).pass).toBe(false);
    expect((await scoreMetric(equals, [1], '{"0":1}')).pass).toBe(false);
    expect((await scoreMetric(equals, {}, '[]')).pass).toBe(false);
  });

  it('compares numbers, booleans and null as JSON', async () => {
    expect((await scoreMetric(equals, 42, '42')).pass).toBe(true);
    expect((await scoreMetric(equals, 42, ' 42.0 ')).pass).toBe(true);
    expect((await scoreMetric(equals, 42, '"42"')).pass).toBe(false);
    expect((await scoreMetric(equals, 0, '-0')).pass).toBe(true);
    expect((await scoreMetric(equals, true, 'true')).pass).toBe(true);
    expect((await scoreMetric(equals, null, 'null')).pass).toBe(true);
    expect((await scoreMetric(equals, null, '')).pass).toBe(false);
  });

  it('fails with the parse error when the output is not JSON', async () => {
    const result = await scoreMetric(equals, { answer: 42 }, 'The answer is 42');
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^output is not JSON \(.+\); expected \{"answer":42\}$/);
  });

  it('ignores prototypes, so a null-prototype map still equals a parsed one', async () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect((await scoreMetric(equals, value, '{"a":1}')).pass).toBe(true);
  });

  it('rejects a missing value', async () => {
    await expect(prepareMetric(equals, undefined)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
