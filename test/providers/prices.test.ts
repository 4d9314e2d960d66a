import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../src/providers/prices.js';

describe('costs', () => {
  it('prices usage from the profiles, including cached input and dated snapshots', () => {
    const price = priceOf('openai', 'gpt-4o-mini')!;
    expect(price).toMatchObject({ input: 0.15, output: 0.6 });
    expect(priceOf('openai', 'gpt-4o-mini-2024-07-18')).toEqual(price);
    expect(costOf(price, { input: 1_000_000, output: 1_000_000, total: 2_000_000 })).toBeCloseTo(0.75);
    expect(costOf(price, { input: 1_000_000, output: 0, total: 1_000_000, cachedInput: 1_000_000 })).toBeCloseTo(0.075);
    expect(costOf(priceOf('ollama', 'llama3.2'), { input: 100, output: 100, total: 200 })).toBe(0);
    expect(priceOf('openai', 'unknown-model')).toBeUndefined();
    expect(priceOf('echo', '')).toBeUndefined();
  });
});
