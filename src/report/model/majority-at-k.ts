/**
 * maj@k as lm-evaluation-harness computes it for GSM8K: per test, a plurality vote over the k repeats' extracted
 * answers (its `majority_vote` filter), and the test counts as correct when the voted answer is. This is not
 * the repeat summary's "majority vote", which votes over pass/fail verdicts: with answers 8, 8, 3, 5, 7 (8
 * correct) the verdicts vote fail (2 of 5 passed) while the answers vote 8, a pass.
 */
import { pluralityVote, wilson } from '../../stats/index.js';
import { CONFIDENCE } from '../shared.js';
import type { PassRateInterval } from './totals.js';

/** maj@k of one target × metric. */
export interface MajorityAtK {
  /** Repeats per test (the run's `repeat`). */
  k: number;
  /** Share of the n tests whose voted answer passes. */
  rate: number;
  /** Tests graded on this metric in all k repeats; tests with fewer are left out, as pass@k leaves them out. */
  n: number;
  interval: PassRateInterval | null;
  /** Tests whose vote was a tie for first place, settled by the answer seen first (lm-eval's `most_common`). */
  ties: number;
}

/**
 * Folds one metric's rows, a test's repeats at a time in repeat order (the order of `metricScoreRows`). Keeps
 * only the current test's k answer keys and verdicts, and three counts.
 */
export interface MajorityAccumulator {
  k: number;
  /** True once a row carried an extracted answer: only then is there anything to vote on. */
  extracted: boolean;
  testId: string | undefined;
  answers: (string | null)[];
  passes: boolean[];
  tests: number;
  correct: number;
  ties: number;
}

export function openMajority(k: number): MajorityAccumulator {
  return { k, extracted: false, testId: undefined, answers: [], passes: [], tests: 0, correct: 0, ties: 0 };
}

/**
 * Adds one repeat of one test. `extracted` is the row's JSON list of extracted texts, or null when nothing was
 * extracted: such a repeat votes for "no answer", as lm-eval's "[invalid]" does.
 */
export function addMajorityRow(acc: MajorityAccumulator, testId: string, extracted: string | null, pass: boolean): void {
  if (acc.testId !== testId) {
    closeTest(acc);
    acc.testId = testId;
  }
  if (extracted !== null) acc.extracted = true;
  acc.answers.push(extracted);
  acc.passes.push(pass);
}

/** maj@k over the tests folded so far; undefined when no row carried an extracted answer or no test has k repeats. */
export function finishMajority(acc: MajorityAccumulator): MajorityAtK | undefined {
  closeTest(acc);
  if (!acc.extracted || acc.tests === 0) return undefined;
  const interval = wilson(acc.correct, acc.tests, CONFIDENCE);
  return {
    k: acc.k,
    rate: acc.correct / acc.tests,
    n: acc.tests,
    interval: interval && { low: interval.low, high: interval.high, method: 'wilson', confidence: CONFIDENCE },
    ties: acc.ties,
  };
}

function closeTest(acc: MajorityAccumulator): void {
  if (acc.answers.length === acc.k) {
    const vote = pluralityVote(acc.answers);
    // The repeats that gave the voted answer were graded on the same text: a deterministic metric gave each the same verdict.
    if (acc.passes[acc.answers.indexOf(vote.answer)]) acc.correct++;
    if (vote.tie) acc.ties++;
    acc.tests++;
  }
  acc.answers = [];
  acc.passes = [];
}
