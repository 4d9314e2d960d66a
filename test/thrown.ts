/** The LlmlabError `run` throws; fails the test when it throws nothing or something else. */
import { expect } from 'vitest';
import { LlmlabError } from '../src/errors.js';

export function thrownLlmlabError(run: () => unknown): LlmlabError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LlmlabError);
    return error as LlmlabError;
  }
  throw new Error('expected an error');
}
