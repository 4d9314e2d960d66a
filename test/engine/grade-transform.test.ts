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
const OUTPUT = 'She earns 617 + 617 = 1,234 dollars.\n#### 1,234';

describe('grader with transform', () => {
  it('gives the metric the transformed text and says so in the reason; the raw output is untouched', async () => {
    const v = await grade(OUTPUT, [assertion('equals', '1234', { transform: STRICT })]);
    expect(v.assertions[0]).toMatchObject({ pass: true, score: 1 });
    expect(v.assertions[0]!.reason ?? '').toMatch(/^after transform: "1234" — /);
    const without = await grade(OUTPUT, [assertion('equals', '1234')]);
    expect(without.pass).toBe(false);
  });

  it('inverts a transformed verdict with not-', async () => {
    const v = await grade(OUTPUT, [
      assertion('not-equals', '1234', { transform: STRICT }),
      assertion('not-equals', '99', { transform: ['last-number'] }),
    ]);
    expect(v.assertions.map((a) => [a.type, a.pass, a.score])).toEqual([
      ['not-equals', false, 0],
      ['not-equals', true, 1],
    ]);
  });

  it('judges a scored metric on the transformed text against its threshold', async () => {
    const transform: TransformStep[] = [{ regex: 'FINAL: (.*)' }, 'lowercase', 'strip-punctuation'];
    const high = await grade('Thinking...\nFINAL: The Cat, sat!', [assertion('f1', 'the cat sat', { transform, threshold: 0.9 })]);
    expect(high.assertions[0]).toMatchObject({ pass: true, score: 1 });
    const low = await grade('FINAL: a dog ran', [assertion('levenshtein', { expected: 'a cat sat' }, { transform, threshold: 0.9 })]);
    expect(low.assertions[0]!.pass).toBe(false);
    expect(low.assertions[0]!.score).toBeLessThan(0.9);
  });

  it('fails (not errors) when nothing matches, even for not-, with a "no match" reason; a fallback goes to the metric', async () => {
    const v = await grade('so it is 1,234.', [
      assertion('equals', '1234', { transform: STRICT }),
      assertion('not-equals', '1234', { transform: STRICT }),
    ]);
    expect(v.error).toBeUndefined();
    expect(v.assertions.map((a) => [a.pass, a.score])).toEqual([[false, 0], [false, 0]]);
    expect(v.assertions[0]!.reason).toMatch(/^no match for \/#### /);
    const fallback: TransformStep[] = [{ regex: '#### (\\d+)', fallback: '[invalid]' }];
    const f = await grade('no hashes', [assertion('equals', '[invalid]', { transform: fallback })]);
    expect(f.assertions[0]).toMatchObject({ pass: true, reason: expect.stringMatching(/^after transform: "\[invalid\]"/) });
  });

  it('keeps assertions with the same value but different transforms apart', async () => {
    const v = await grade('x 7 y 9', [
      assertion('equals', '7', { transform: [{ regex: '\\d' }] }),
      assertion('equals', '7', { transform: ['last-number'] }),
    ]);
    expect(v.assertions.map((a) => a.pass)).toEqual([true, false]);
  });
});

describe('grader with user metrics', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmlab-grade-'));
    await writeFile(join(dir, 'plain.mjs'), 'export default (output, context) => ({ pass: output === context.value, score: output.length / 20 });\n');
    await writeFile(
      join(dir, 'plugin.ts'),
      "export default { id: 'whatever', prepare: (v: number) => v * 2, score: ({ output, value }: { output: string; value: number }) => ({ pass: output.length === value, reason: `len ${output.length}` }) };\n",
    );
    await writeFile(join(dir, 'broken.mjs'), 'export const nothing = 1;\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('grades with a registered plain function and a registered plugin, with not-, threshold and transform', async () => {
    const metrics = { plain: join(dir, 'plain.mjs'), doubled: join(dir, 'plugin.ts') };
    const v = await grade(
      'answer: abcd',
      [
        assertion('plain', 'abcd', { transform: [{ regex: 'answer: (\\w+)' }] }),
        assertion('not-plain', 'zzz'),
        assertion('plain', 'x', { threshold: 0.5 }),
        assertion('doubled', 6),
      ],
      { metrics },
    );
    expect(v.assertions.map((a) => [a.type, a.pass, a.score])).toEqual([
      ['plain', true, 0.2], // "abcd": 4 / 20
      ['not-plain', true, 0.4], // fails on the raw output with score 12 / 20, inverted
      ['plain', true, 0.6], // fails its own check, but the score clears the threshold
      ['doubled', true, 1], // prepare ran: 6 × 2 = 12 = output length
    ]);
    expect(v.assertions[0]!.reason).toMatch(/^after transform: "abcd" — plain returned/);
    expect(v.assertions[3]!.reason).toBe('len 12');
  });

  it('makes a module without a usable default export an error of the cell', async () => {
    const v = await grade('x', [assertion('broken', undefined)], { metrics: { broken: join(dir, 'broken.mjs') } });
    expect(v.error).toMatch(/user metric `broken`.*has no usable default export/);
  });

  it('does not know a user metric it was not given', async () => {
    const v = await grade('x', [assertion('plain', 'x')]);
    expect(v.error).toMatch(/unknown assertion type `plain`/);
  });
});
