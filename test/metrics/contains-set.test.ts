import { describe, expect, it } from 'vitest';
import containsAll from '../../src/metrics/contains-all.js';
import containsAny from '../../src/metrics/contains-any.js';
import { defineContainsSet, quoted } from '../../src/metrics/contains-set.js';
import { prepareMetric } from './test-metric.js';

const first = defineContainsSet({
  id: 'contains-first',
  description: 'test',
  example: ['a b', 'c'],
  score: (output, items) => ({ pass: output.includes(items[0]!), reason: quoted(items) }),
});

describe('defineContainsSet', () => {
  it('hands score the items: a list stringified, or a comma-separated text trimmed without empty items', async () => {
    expect(await (await prepareMetric(first, [7, 'x, y']))('7')).toEqual({ pass: true, reason: '"7", "x, y"' });
    expect(await (await prepareMetric(first, ' x ,, y ,'))('y')).toEqual({ pass: false, reason: '"x", "y"' });
  });

  it('rejects an empty value with a hint built from the example', async () => {
    await expect(prepareMetric(first, ' , ')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'contains-first needs a non-empty list of strings as `value`',
      hint: 'e.g. { type: contains-first, value: ["a b", "c"] } or value: "a b, c"',
    });
  });

  it('gives contains-any and contains-all the same value schema, each with its own description', () => {
    const { description: any, ...anySchema } = containsAny.optionsSchema as Record<string, unknown>;
    const { description: all, ...allSchema } = containsAll.optionsSchema as Record<string, unknown>;
    expect(anySchema).toEqual(allSchema);
    expect(any).not.toBe(all);
  });
});
