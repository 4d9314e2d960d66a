/** `choice-logprob`: acc, and acc_norm as lm-eval computes it (per character of the choice, no leading space). */
import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import type { TestCase } from '../../src/types.js';

async function pick(value: unknown, continuations: string[], logprobs: number[]) {
  const plugin = await loadMetricPlugin('choice-logprob');
  const test: TestCase = { id: 't', index: 0, vars: {}, assert: [], continuations };
  const output = JSON.stringify({ scores: logprobs.map((logprob) => ({ logprob, greedy: false, tokens: 1 })) });
  return plugin.score({ output, value, vars: {}, test, prompt: 'p', result: { output }, providerId: 'x' });
}

describe('choice-logprob', () => {
  it('acc takes the highest total log-probability', async () => {
    expect((await pick({ gold: 1 }, [' a', ' bb'], [-2, -1])).pass).toBe(true);
  });

  it('acc_norm divides by characters (code points) of the choice without its leading space, as lm-eval len(choice)', async () => {
    // " ééé": 3 characters, 6 UTF-8 bytes, -3 → -1.0 per character, -0.5 per byte. " abcd": 4 of each, -3.2 → -0.8.
    const continuations = [' ééé', ' abcd'];
    expect((await pick({ gold: 1, normalize: true }, continuations, [-3, -3.2])).pass).toBe(true);
    expect((await pick({ gold: 0, normalize: 'bytes' }, continuations, [-3, -3.2])).pass).toBe(true);
    // An emoji is one character (two UTF-16 units): " 😀😀" is 2 long, so -2 → -1.0, beating " abc" at -3.3 → -1.1.
    expect((await pick({ gold: 0, normalize: true }, [' 😀😀', ' abc'], [-2, -3.3])).pass).toBe(true);
    // Without the leading space " ab" is 2 long (-2.8 → -1.40) and loses to " abc" (-4 → -1.33); counting the
    // space (3 and 4 long: -0.93 against -1.0) would pick " ab".
    expect((await pick({ gold: 1, normalize: true }, [' ab', ' abc'], [-2.8, -4])).pass).toBe(true);
  });
});
