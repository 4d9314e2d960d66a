import { describe, expect, it } from 'vitest';
import { estimateTrainingUsd, tokensOfMessages, trainingEpochs } from '../../src/finetune/training-cost.js';
import type { DataReport } from '../../src/finetune/types.js';
import { countWords } from './data-fixtures.js';

describe('trainingEpochs', () => {
  it('follows the cookbook: 3 epochs, raised toward 100 and lowered toward 25,000 examples seen', () => {
    expect(trainingEpochs('auto', 10)).toBe(10); // 100 / 10
    expect(trainingEpochs(undefined, 3)).toBe(25); // 100 / 3 = 33, capped at 25
    expect(trainingEpochs('auto', 50)).toBe(3); // 50 × 3 = 150 ≥ 100
    expect(trainingEpochs('auto', 1000)).toBe(3);
    expect(trainingEpochs('auto', 10_000)).toBe(2); // 30,000 > 25,000: 25,000 / 10,000
    expect(trainingEpochs('auto', 20_000)).toBe(1);
    expect(trainingEpochs('auto', 100_000)).toBe(1); // never below 1
  });

  it('keeps a number as given', () => {
    expect(trainingEpochs(4, 10)).toBe(4);
  });
});

describe('tokensOfMessages', () => {
  it('counts 3 per message, the role and content, 1 more per name, and 3 for the reply', () => {
    const tokens = tokensOfMessages(
      [
        { role: 'user', text: 'two words', name: 'ann' },
        { role: 'assistant', text: 'three more words' },
      ],
      countWords,
    );
    expect(tokens).toBe(3 + (3 + 1 + 2 + 1 + 1) + (3 + 1 + 3));
  });
});

describe('estimateTrainingUsd', () => {
  const report = { counts: { trainTokens: 2_000_000 } } as DataReport;
  it('is billed tokens × epochs × the price per million', () => {
    expect(estimateTrainingUsd(report, 3, 25)).toBe(150);
  });
  it('is 0 without a training price', () => {
    expect(estimateTrainingUsd(report, 3, undefined)).toBe(0);
  });
});
