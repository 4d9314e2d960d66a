/**
 * Argument checks shared by the statistics. A bad argument here is a caller's bug (user input is validated
 * against the schemas long before it reaches a statistic), so it raises an `INTERNAL` error naming the value.
 */
import { LlmlabError } from '../errors.js';

export function invalid(message: string): never {
  throw new LlmlabError('INTERNAL', `statistics: ${message}`);
}

/** A confidence level strictly between 0 and 1. */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) invalid(`confidence must be between 0 and 1, got ${confidence}`);
}

/** A non-negative integer count. */
export function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) invalid(`${name} must be a non-negative integer, got ${value}`);
}

/** A probability in [0, 1]. */
export function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) invalid(`${name} must be between 0 and 1, got ${value}`);
}

/** Every value finite: a NaN or an infinity would silently poison a mean or a sort. */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) invalid(`${name}[${i}] must be a finite number, got ${values[i]}`);
  }
}
