import { describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { assertion } from './make-suite.js';

const grade = (output: string, assert: Assertion[]) => {
  const test: TestCase = { id: 't', index: 0, vars: { name: 'Ada' }, assert };
  return createGrader('/tmp').grade({ output, test, prompt: 'p', result: { output }, providerId: 'echo' });
};

describe('grader', () => {
  it('passes a test only when every weighted assertion passes', async () => {
    const v = await grade('Hello Ada', [assertion('contains', 'Ada'), assertion('contains', 'Bob')]);
    expect(v.pass).toBe(false);
    expect(v.score).toBe(0.5);
    expect(v.assertions.map((a) => a.pass)).toEqual([true, false]);
  });

  it('inverts not- assertions and their scores', async () => {
    const v = await grade('Hello Ada', [assertion('not-contains', 'Bob'), assertion('not-icontains', 'ada')]);
    expect(v.assertions.map((a) => [a.type, a.pass, a.score])).toEqual([
      ['not-contains', true, 1],
      ['not-icontains', false, 0],
    ]);
  });

  it('weights scores and ignores weight-0 assertions for the verdict', async () => {
    const v = await grade('Hello Ada', [
      assertion('contains', 'Ada', { weight: 3 }),
      assertion('contains', 'Bob', { weight: 1 }),
      assertion('contains', 'Zed', { weight: 0 }),
    ]);
    expect(v.score).toBe(0.75);
    expect(v.pass).toBe(false);
    const informational = await grade('Hello Ada', [assertion('contains', 'Ada'), assertion('contains', 'Zed', { weight: 0 })]);
    expect(informational.pass).toBe(true);
  });

  it('judges a scored metric against its threshold', async () => {
    const low = await grade('abc', [assertion('javascript', 'output.length / 10', { threshold: 0.5 })]);
    expect(low.assertions[0]).toMatchObject({ pass: false, score: 0.3 });
    const high = await grade('abcdefgh', [assertion('javascript', 'output.length / 10', { threshold: 0.5 })]);
    expect(high.assertions[0]).toMatchObject({ pass: true, score: 0.8 });
  });

  it('makes a throwing assertion an error, not a failure', async () => {
    const v = await grade('x', [assertion('javascript', 'vars.missing.deep')]);
    expect(v.error).toMatch(/assertion javascript failed/);
    expect(v.assertions[0]!.error).toBeTruthy();
  });

  it('passes a test with no assertions', async () => {
    expect(await grade('x', [])).toEqual({ pass: true, score: 1, assertions: [] });
  });
});
