import { describe, expect, it } from 'vitest';
import * as stats from '../../src/stats/index.js';

describe('stats public API', () => {
  it('exports every statistic from one place', () => {
    const names = [
      'wilson',
      'zeroFailureUpperBound',
      'zeroSuccessUpperBound',
      'summarizePassRate',
      'tInterval',
      'bootstrapInterval',
      'clusteredInterval',
      'mcnemarExact',
      'pairedProportionDiff',
      'pairedTTest',
      'pairedBootstrap',
      'holm',
      'minimumDetectableEffect',
      'passAtK',
      'majorityVote',
      'agreementRate',
      'flaky',
      'percentAgreement',
      'krippendorffAlpha',
      'normalCdf',
      'normalQuantile',
      'studentTCdf',
      'studentTQuantile',
      'binomialPmf',
      'binomialCdf',
      'incompleteBeta',
      'logGamma',
      'logChoose',
      'createRng',
      'chiSquareSf',
      'sequentialTest',
      'createSequentialTest',
      'sampleRatioMismatch',
      'thompsonAllocation',
    ] as const;
    for (const name of names) expect(typeof stats[name], name).toBe('function');
  });

  it('gives a report everything it needs for one pass rate and one comparison', () => {
    expect(stats.summarizePassRate(30, 30)?.failureRateUpperBound).toBeCloseTo(0.095, 3);
    const comparison = stats.pairedProportionDiff([
      [true, true],
      [false, true],
      [true, false],
      [false, true],
    ]);
    expect(comparison).toMatchObject({ estimate: 0.25, n: 4, pValue: 1 });
  });
});
