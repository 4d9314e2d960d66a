/** The `{ javascript }` transform step: promptfoo's JavaScript transform, in the compiled transform chain and the grader. */
import { describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import { compileTransform, TransformStepError } from '../../src/metrics/transform.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { thrownLlmlabError } from '../thrown.js';
import { fixturesDir } from './test-metric.js';

const context = { vars: { lang: 'fr' }, prompt: 'Q?' };

describe('javascript transform step', () => {
  it('runs one line as an expression over output and context, after the steps before it', () => {
    const transform = compileTransform(['trim', { javascript: 'output.toUpperCase() + "/" + context.vars.lang + "/" + context.prompt' }]);
    expect(transform('  oui ', context)).toEqual({ ok: true, text: 'OUI/fr/Q?' });
  });

  it('runs several lines as a function body, and accepts a one-line `return` statement too', () => {
    expect(compileTransform([{ javascript: 'const n = output.length;\nreturn `${n}`;' }])('abc', context)).toEqual({ ok: true, text: '3' });
    expect(compileTransform([{ javascript: 'return output.slice(1);' }])('abc', context)).toEqual({ ok: true, text: 'bc' });
  });

  it('turns a non-string result into JSON text, so JSON metrics can parse it; undefined fails with a hint', () => {
    expect(compileTransform([{ javascript: '({ answer: output, n: 1 })' }])('x', context)).toEqual({ ok: true, text: '{"answer":"x","n":1}' });
    expect(compileTransform([{ javascript: 'output.length' }])('abcd', context)).toEqual({ ok: true, text: '4' });
    expect(compileTransform([{ javascript: 'const x = 1;\nx;' }])('a', context)).toEqual({
      ok: false,
      reason: 'transform `const x = 1; x;` returned undefined (a function body needs a `return`)',
    });
  });

  it('is a config error with its step index when the code does not compile', () => {
    const error = thrownLlmlabError(() => compileTransform(['trim', { javascript: 'output.(' }]));
    expect(error).toBeInstanceOf(TransformStepError);
    expect(error).toMatchObject({ path: [1, 'javascript'], message: expect.stringMatching(/^javascript does not compile: /) });
  });

  it('calls a module\'s function for `file:` (promptfoo\'s `file://` too), loaded by the grader before grading', async () => {
    const grade = async (javascript: string, value: string) => {
      const assertion: Assertion = { type: 'equals', negate: false, weight: 1, metric: 'm', value, transform: [{ javascript }] };
      const test: TestCase = { id: 't', index: 0, vars: { suffix: '!' }, assert: [assertion] };
      const grader = createGrader(fixturesDir);
      await grader.prepareAll([test]);
      return grader.grade({ output: 'hello world', test, prompt: 'Q', result: { output: 'hello world' }, providerId: 'echo' });
    };
    expect((await grade('file:transform-module.js', 'HELLO WORLD!')).pass).toBe(true);
    expect((await grade('file://transform-module.js:firstWord', 'hello')).pass).toBe(true);
    await expect(grade('file:transform-module.js:nope', 'x')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'transform module transform-module.js has no export named nope that is a function',
    });
  });

  it('makes a throw the assertion\'s error (not a failure) in the grader, and hands the step vars and prompt', async () => {
    const grade = async (javascript: string) => {
      const assertion: Assertion = { type: 'equals', negate: false, weight: 1, metric: 'm', value: 'fr:Q', transform: [{ javascript }] };
      const test: TestCase = { id: 't', index: 0, vars: { lang: 'fr' }, assert: [assertion] };
      return createGrader(fixturesDir).grade({ output: 'out', test, prompt: 'Q', result: { output: 'out' }, providerId: 'echo' });
    };
    expect((await grade('context.vars.lang + ":" + context.prompt')).pass).toBe(true);
    const broken = await grade('JSON.parse(output).answer');
    expect(broken.assertions[0]).toMatchObject({ pass: false, error: expect.stringMatching(/^transform `JSON.parse\(output\).answer` threw SyntaxError: /) });
    expect(broken.error).toBeDefined();
  });
});
