/**
 * Plurality vote over the answers of repeated samples, as lm-evaluation-harness's `majority_vote` filter computes
 * it for maj@k (`Counter(answers).most_common(1)`): the most frequent answer wins and a tie for first place goes
 * to the answer seen first. Unlike `majorityVote` (./repeats.ts), which votes over pass/fail verdicts and
 * calls a tie undecided, this votes over the answers themselves, so 2 correct of 5 still win when the other 3
 * disagree among themselves.
 */
import { invalid } from './validate.js';

/** An answer: compared with SameValueZero (`null` stands for "no answer could be extracted"). */
export type Answer = string | number | boolean | null;

/** The winner of a {@link pluralityVote}. */
export interface PluralityVote<T extends Answer> {
  /** The most frequent answer; on a tie, the one that appeared first. */
  answer: T;
  /** How many samples gave it. */
  count: number;
  /** True when another answer had as many votes and `answer` won only by appearing first. */
  tie: boolean;
  /** Samples voted over. */
  n: number;
}

/** Plurality vote with first-seen tie-break; throws on an empty list (there is nothing to vote on). */
export function pluralityVote<T extends Answer>(answers: readonly T[]): PluralityVote<T> {
  if (answers.length === 0) invalid('pluralityVote needs at least one answer');
  const counts = new Map<T, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  let answer = answers[0] as T;
  let count = 0;
  let tie = false;
  // Map iteration is insertion order, so a later answer must strictly beat the leader to take first place.
  for (const [value, votes] of counts) {
    if (votes > count) {
      answer = value;
      count = votes;
      tie = false;
    } else if (votes === count) {
      tie = true;
    }
  }
  return { answer, count, tie, n: answers.length };
}
