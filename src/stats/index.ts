/**
 * Statistics for llmlab reports: intervals for pass rates and mean scores, paired comparisons, repeat and judge
 * consistency. Pure functions over plain numbers; each documents its method and source.
 */
export type { Interval } from './descriptive.js';
export { mean, quantileSorted, sampleVariance } from './descriptive.js';
export {
  binomialCdf,
  binomialLogPmf,
  binomialPmf,
  binomialSf,
  chiSquareSf,
  erfc,
  incompleteBeta,
  incompleteGammaQ,
  logBeta,
  logChoose,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  studentTCdf,
  studentTLogPdf,
  studentTPdf,
  studentTQuantile,
} from './distributions.js';
export type { PowerOptions } from './power.js';
export { minimumDetectableEffect, tCritical, zCritical } from './power.js';
export type { PassRateSummary } from './proportions.js';
export { summarizePassRate, wilson, zeroFailureUpperBound, zeroSuccessUpperBound } from './proportions.js';
export type { ClusterId, ClusteredInterval, MeanInterval } from './means.js';
export { clusteredInterval, tInterval } from './means.js';
export type { BootstrapInterval, BootstrapOptions, Statistic } from './bootstrap.js';
export { bootstrapInterval, bootstrapReplicates } from './bootstrap.js';
export type { Rng } from './rng.js';
export { createRng } from './rng.js';
export type { McNemarResult, PairedProportionResult } from './paired.js';
export { holm, mcnemarExact, pairedProportionDiff } from './paired.js';
export type {
  PairedBootstrapOptions,
  PairedBootstrapResult,
  PairedScoreResult,
  PairedTTestResult,
} from './paired-scores.js';
export { pairedBootstrap, pairedTTest } from './paired-scores.js';
export type { FlakyTest, MajorityVote, Verdict } from './repeats.js';
export { agreementRate, flaky, majorityVote, passAtK } from './repeats.js';
export type { Answer, PluralityVote } from './plurality.js';
export { pluralityVote } from './plurality.js';
export type { KrippendorffResult, Ratings } from './agreement.js';
export { krippendorffAlpha, percentAgreement } from './agreement.js';
export type { ArmStream, SequentialOptions, SequentialResult, SequentialTest } from './sequential.js';
export {
  createSequentialTest,
  DEFAULT_BURN_IN,
  DEFAULT_TAU2,
  mixtureHalfWidth,
  sequentialTest,
  unitsNeeded,
} from './sequential.js';
export type { SrmResult } from './srm.js';
export { sampleRatioMismatch, SRM_THRESHOLD } from './srm.js';
export type { ChangePoint, ChangePointOptions } from './change-point.js';
export { binomialChangePoints, meanChangePoints } from './change-point.js';
export type { ThompsonOptions } from './thompson.js';
export { thompsonAllocation } from './thompson.js';
