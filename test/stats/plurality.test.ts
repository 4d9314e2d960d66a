import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { pluralityVote } from '../../src/stats/index.js';
import { majorityVote } from '../../src/stats/repeats.js';

describe('pluralityVote', () => {
  it('lets the most frequent answer win even without a majority', () => {
    // 2 of 5 correct, the other 3 disagree: the plurality is the correct answer.
    expect(pluralityVote(['8', '3', '8', '5', '7'])).toEqual({ answer: '8', count: 2, tie: false, n: 5 });
    // The verdict-based majority vote calls the same repeats a fail (2 passes of 5).
    expect(majorityVote([true, false, true, false, false]).verdict).toBe(false);
  });

  it('breaks a tie for first place by the answer seen first, like Counter.most_common(1)', () => {
    expect(pluralityVote(['3', '8', '8', '3', '5'])).toEqual({ answer: '3', count: 2, tie: true, n: 5 });
    expect(pluralityVote(['8', '3', '3', '8'])).toEqual({ answer: '8', count: 2, tie: true, n: 4 });
    expect(pluralityVote(['a', 'b', 'c'])).toEqual({ answer: 'a', count: 1, tie: true, n: 3 });
  });

  it('is no tie when a later answer overtakes an earlier leader', () => {
    expect(pluralityVote(['1', '2', '2'])).toEqual({ answer: '2', count: 2, tie: false, n: 3 });
    // A tie below first place is no tie.
    expect(pluralityVote(['9', '9', '9', '1', '2'])).toEqual({ answer: '9', count: 3, tie: false, n: 5 });
  });

  it('counts "no answer" (null) as an answer of its own, as lm-eval counts "[invalid]"', () => {
    expect(pluralityVote([null, '8', null, '3', '5'])).toEqual({ answer: null, count: 2, tie: false, n: 5 });
    expect(pluralityVote(['8'])).toEqual({ answer: '8', count: 1, tie: false, n: 1 });
  });

  it('compares answers exactly: "8" and "8.0" are different answers', () => {
    expect(pluralityVote(['8.0', '8', '8'])).toMatchObject({ answer: '8', count: 2 });
  });

  it('refuses an empty list', () => {
    expect(() => pluralityVote([])).toThrow(LlmlabError);
    expect(() => pluralityVote([])).toThrow(/at least one answer/);
  });
});
