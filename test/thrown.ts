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

/** The LlmlabError `run` rejects with; fails the test when it resolves or rejects with something else. */
export async function thrownAsyncLlmlabError(run: () => Promise<unknown>): Promise<LlmlabError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(LlmlabError);
    return error as LlmlabError;
  }
  throw new Error('expected an error');
}
