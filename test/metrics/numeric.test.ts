import { describe, expect, it } from 'vitest';
import numeric, { lastNumber } from '../../src/metrics/numeric.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

const read = (text: string) => lastNumber(text)?.value;

describe('numeric', () => {
  it('reads the last number, with separators, signs, currency and percent', () => {
    expect(read('Step 1: 12 apples. Step 2: so the total is $1,234.50.')).toBe(1234.5);
    expect(read('The change is -3.5%')).toBe(-3.5);
    expect(read('It fell by −7 points')).toBe(-7); // U+2212 minus sign
    expect(read('-$1,000,000 in losses')).toBe(-1_000_000);
    expect(read('about +4')).toBe(4);
    expect(read('roughly .5 of them')).toBe(0.5);
    expect(read('Avogadro: 6.022e23')).toBe(6.022e23);
    expect(read('#### 72')).toBe(72); // GSM8K's answer line
  });

  it('does not mistake dashes, lists or malformed groups for signs and separators', () => {
    expect(read('pages 3-5')).toBe(5);
    expect(read('COVID-19')).toBe(19);
    expect(read('the values 1,2,3')).toBe(3);
    expect(read('1,23456')).toBe(23456);
    expect(read('no digits here')).toBeUndefined();
  });

  it('passes on equality and shows what it extracted', async () => {
    expect(await scoreMetric(numeric, 1234.5, 'So the total is $1,234.50.')).toEqual({
      pass: true,
      reason: 'extracted 1234.5 (read from "$1,234.50"), matches 1234.5',
    });
    expect(await scoreMetric(numeric, 42, 'The answer is 42.')).toEqual({ pass: true, reason: 'extracted 42, matches 42' });
    expect(await scoreMetric(numeric, 42, 'First 42, then 43')).toEqual({
      pass: false,
      reason: 'extracted 43, expected 42',
    });
    expect(await scoreMetric(numeric, 42, 'I do not know')).toEqual({
      pass: false,
      reason: 'no number in the output; expected 42',
    });
  });

  it('absorbs floating-point noise by default', async () => {
    expect((await scoreMetric(numeric, 0.1 + 0.2, 'it is 0.3')).pass).toBe(true);
    expect((await scoreMetric(numeric, 0.3, 'it is 0.30000001')).pass).toBe(false);
  });

  it('applies absolute and relative tolerances; either one suffices', async () => {
    const abs = await prepareMetric(numeric, { expected: 3.14, abs: 0.01 });
    expect(await abs('pi is about 3.1416')).toEqual({ pass: true, reason: 'extracted 3.1416, matches 3.14 ± 0.01' });
    expect((await abs('pi is 3.2')).pass).toBe(false);
    const rel = await prepareMetric(numeric, { expected: 1200, rel: 0.05 });
    expect((await rel('about 1,250')).pass).toBe(true);
    expect(await rel('about 1,300')).toEqual({
      pass: false,
      reason: 'extracted 1300 (read from "1,300"), expected 1200 ± 5%',
    });
    const both = await prepareMetric(numeric, { expected: 0, abs: 0.5, rel: 0.1 });
    expect((await both('0.4')).pass).toBe(true); // rel × 0 = 0, but abs covers it
  });

  it('rejects a value that is not a number or { expected, abs?, rel? }', async () => {
    for (const value of [undefined, '42', { expected: '42' }, { abs: 1 }, { expected: 1, abs: -1 }, { expected: 1, rel: 'x' }]) {
      await expect(prepareMetric(numeric, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
