/** The grader records what a transformed assertion's metric saw (`extracted`), for maj@k; nothing without a transform. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import type { GraderOptions } from '../../src/engine/grade.js';
import type { Assertion, TestCase, TransformStep } from '../../src/types.js';
import { assertion } from './make-suite.js';

const grade = (output: string, assert: Assertion[], options: GraderOptions = {}) => {
  const test: TestCase = { id: 't', index: 0, vars: {}, assert };
  return createGrader('/tmp', options).grade({ output, test, prompt: 'p', result: { output }, providerId: 'echo' });
};
const STRICT: TransformStep[] = [{ regex: '#### (\\-?[0-9\\.\\,]+)' }, 'strip-commas'];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llmlab-extracted-'));
  // An asynchronous metric, so the promise path of the grader is covered too.
  await writeFile(join(dir, 'later.mjs'), 'export default async (output, context) => ({ pass: output === context.value });\n');
  await writeFile(join(dir, 'throws.mjs'), "export default () => { throw new Error('metric broke'); };\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('extracted', () => {
  it('is the text the metric saw, on passing and failing assertions, and absent without a transform', async () => {
    const v = await grade('So 1,234.\n#### 1,234', [
      assertion('equals', '1234', { transform: STRICT, metric: 'strict-match' }),
      assertion('equals', '99', { transform: ['last-number'], metric: 'flexible-extract' }),
      assertion('contains', '1,234'),
    ]);
    expect(v.assertions.map((a) => [a.metric, a.pass, a.extracted])).toEqual([
      ['strict-match', true, '1234'],
      ['flexible-extract', false, '1234'],
      ['contains', true, undefined],
    ]);
    expect('extracted' in v.assertions[2]!).toBe(false);
  });

  it('is absent when the transform found nothing, and is the fallback when one is given', async () => {
    const v = await grade('no final line here', [
      assertion('equals', '8', { transform: STRICT }),
      assertion('equals', '8', { transform: [{ regex: '#### (\\d+)', fallback: '[invalid]' }] }),
    ]);
    expect(v.assertions[0]).toMatchObject({ pass: false, score: 0 });
    expect(v.assertions[0]!.extracted).toBeUndefined();
    expect(v.assertions[1]).toMatchObject({ pass: false, extracted: '[invalid]' });
  });

  it('is cut to 200 characters with an ellipsis', async () => {
    const long = 'x'.repeat(500);
    const v = await grade(`FINAL: ${long}`, [assertion('contains', 'x', { transform: [{ regex: 'FINAL: (.*)' }] })]);
    expect(v.assertions[0]!.pass).toBe(true);
    expect(v.assertions[0]!.extracted).toBe(`${'x'.repeat(200)}…`);
    const exact = await grade(`FINAL: ${'y'.repeat(200)}`, [assertion('contains', 'y', { transform: [{ regex: 'FINAL: (.*)' }] })]);
    expect(exact.assertions[0]!.extracted).toBe('y'.repeat(200));
  });

  it('is kept when the metric answers asynchronously or throws', async () => {
    const metrics = { later: join(dir, 'later.mjs'), throws: join(dir, 'throws.mjs') };
    const v = await grade(
      'Answer: B',
      [assertion('later', 'B', { transform: ['answer-letter'] }), assertion('throws', undefined, { transform: ['answer-letter'] })],
      { metrics },
    );
    expect(v.assertions[0]).toMatchObject({ pass: true, extracted: 'B' });
    expect(v.assertions[1]).toMatchObject({ pass: false, extracted: 'B' });
    expect(v.assertions[1]!.error).toMatch(/metric broke/);
  });
});
