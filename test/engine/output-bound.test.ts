/** The output side of a call's worst case: the provider's own bound, in whichever spelling its adapter accepts. */
import { describe, expect, it } from 'vitest';
import { ASSUMED_OUTPUT_TOKENS, outputBound } from '../../src/engine/estimate.js';

describe('outputBound', () => {
  it.each([
    ['maxTokens', { maxTokens: 100 }],
    ["Bedrock's max_tokens", { max_tokens: 100 }],
    ["Gemini's maxOutputTokens", { maxOutputTokens: 100 }],
  ])('reads %s', (_, config) => {
    expect(outputBound({ type: 'openai', config })).toEqual({ tokens: 100, assumed: false });
  });

  it('assumes a length when the provider sets none', () => {
    expect(outputBound({ type: 'google', config: {} })).toEqual({ tokens: ASSUMED_OUTPUT_TOKENS, assumed: true });
  });
});
