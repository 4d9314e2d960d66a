/**
 * Which assertions are comparative: select-best and max-score grade every output of one test (all prompts ×
 * providers of the same repeat) together instead of one output at a time. The planner refuses a test that would
 * have a single output to compare; the executor holds such a test's cells until its group is complete
 * (compare.ts).
 */
import { LlmlabError } from '../errors.js';
import type { Assertion, TestCase } from '../types.js';

const COMPARATIVE = new Set(['select-best', 'max-score']);

/** True for an assertion graded once per group of outputs of its test. */
export function isComparative(assertion: Pick<Assertion, 'type'>): boolean {
  return COMPARATIVE.has(assertion.type);
}

/** True when the test has a comparative assertion. */
export function comparesOutputs(test: TestCase): boolean {
  return test.assert.some(isComparative);
}

/**
 * Throws CONFIG_INVALID at the first comparative assertion of `tests` when each test has fewer than two outputs
 * (`outputs`: prompts × the providers that run the tests).
 */
export function checkComparisons(tests: readonly TestCase[], outputs: number): void {
  if (outputs >= 2) return;
  for (const test of tests) {
    const assertion = test.assert.find(isComparative);
    if (!assertion) continue;
    throw new LlmlabError('CONFIG_INVALID', `\`${assertion.type}\` compares the outputs of a test, and this suite gives each test ${outputs}`, {
      ...(assertion.source ? { where: assertion.source } : {}),
      hint: `add a second prompt or provider for ${assertion.type} to choose between, or remove the assertion`,
    });
  }
}
