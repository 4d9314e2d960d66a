import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import javascript from '../../src/metrics/javascript.js';
import { fixturesDir, prepareMetric, scoreMetric } from './test-metric.js';

const fail = (promise: Promise<unknown>): Promise<LlmlabError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as LlmlabError,
  );

describe('javascript: inline code', () => {
  it('evaluates an expression over output', async () => {
    expect(await scoreMetric(javascript, 'output.length < 200', 'short')).toEqual({
      pass: true,
      reason: '`output.length < 200` returned true',
    });
    expect((await scoreMetric(javascript, 'output.length < 3', 'too long')).pass).toBe(false);
  });

  it('exposes vars directly and through context, with the rest of the context', async () => {
    const run = { vars: { question: 'reset?', max: 3 }, prompt: 'Q: reset?' };
    expect((await scoreMetric(javascript, 'output.includes(vars.question)', 'about reset?', run)).pass).toBe(true);
    expect((await scoreMetric(javascript, 'context.vars.max === 3', '', run)).pass).toBe(true);
    const everything =
      'context.prompt === "Q: reset?" && context.providerId === "echo" && context.test.id === "t1" && ' +
      'context.result.output === output';
    expect((await scoreMetric(javascript, everything, 'out', run)).pass).toBe(true);
  });

  it('exposes the tool calls as context.toolCalls ([] when the model called none)', async () => {
    const result = { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] };
    const code = 'context.toolCalls.length === 1 && JSON.parse(context.toolCalls[0].arguments).city === "Paris"';
    expect((await scoreMetric(javascript, code, '', { result })).pass).toBe(true);
    expect((await scoreMetric(javascript, 'Array.isArray(context.toolCalls) && context.toolCalls.length === 0', 'text')).pass).toBe(true);
  });

  it('reads a multi-line expression, a trailing semicolon and a trailing comment as an expression', async () => {
    const multiLine = 'output.startsWith("a") &&\n  output.endsWith("z")';
    expect((await scoreMetric(javascript, multiLine, 'abcz')).pass).toBe(true);
    expect((await scoreMetric(javascript, 'output === "x";', 'x')).pass).toBe(true);
    expect((await scoreMetric(javascript, 'output === "x" // exact', 'x')).pass).toBe(true);
  });

  it('keeps an expression that merely mentions "return" an expression', async () => {
    expect((await scoreMetric(javascript, 'output.includes("return policy")', 'our return policy')).pass).toBe(true);
  });

  it('runs a function body with return statements', async () => {
    const body =
      'const words = output.split(/\\s+/);\nif (words.length > 3) return false;\nreturn words.includes(vars.w);';
    expect((await scoreMetric(javascript, body, 'a b c', { vars: { w: 'b' } })).pass).toBe(true);
    expect((await scoreMetric(javascript, body, 'a b c d', { vars: { w: 'b' } })).pass).toBe(false);
  });

  it('takes a returned number as the score, passing when above 0', async () => {
    expect(await scoreMetric(javascript, 'output.length / 10', 'abcde')).toEqual({
      pass: true,
      score: 0.5,
      reason: '`output.length / 10` returned 0.5',
    });
    expect(await scoreMetric(javascript, 'return 0', 'x')).toEqual({
      pass: false,
      score: 0,
      reason: '`return 0` returned 0',
    });
  });

  it('passes a returned { pass, score, reason } through, filling in what is missing', async () => {
    expect(await scoreMetric(javascript, '({ pass: false, score: 0.25, reason: "too vague" })', 'x')).toEqual({
      pass: false,
      score: 0.25,
      reason: 'too vague',
    });
    expect(await scoreMetric(javascript, '{ pass: output === "x" }', 'x')).toEqual({
      pass: true,
      reason: '`{ pass: output === "x" }` returned pass: true',
    });
    expect(await scoreMetric(javascript, 'return { score: 0.9 }', 'x')).toEqual({
      pass: true,
      score: 0.9,
      reason: '`return { score: 0.9 }` returned score 0.9',
    });
  });

  it('awaits promises and supports await in code', async () => {
    expect((await scoreMetric(javascript, 'Promise.resolve(output === "x")', 'x')).pass).toBe(true);
    const body = 'const n = await Promise.resolve(output.length);\nreturn { pass: n === 2, score: n / 4 };';
    expect(await scoreMetric(javascript, body, 'ab')).toMatchObject({ pass: true, score: 0.5 });
    expect((await scoreMetric(javascript, 'await Promise.resolve(1) === 1', '')).pass).toBe(true);
  });

  it('calls an expression that evaluates to a function with (output, context)', async () => {
    const arrow = '(out, ctx) => out === ctx.vars.want';
    expect((await scoreMetric(javascript, arrow, 'yes', { vars: { want: 'yes' } })).pass).toBe(true);
    expect((await scoreMetric(javascript, 'async (out) => out.length', 'abc')).score).toBe(3);
  });

  it('compiles once, then scores many cells without interference', async () => {
    const score = await prepareMetric(javascript, 'output.length % 2 === 0');
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => score('x'.repeat(i))));
    expect(results.filter((r) => r.pass)).toHaveLength(500);
  });

  it('rejects a syntax error from prepare, naming the code', async () => {
    const error = await fail(prepareMetric(javascript, 'output.length <'));
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^javascript `output.length <` does not compile: /);
    expect(error.hint).toContain('function body');
  });

  it('reports the function-body error for code with a return statement', async () => {
    const error = await fail(prepareMetric(javascript, 'const x = ;\nreturn x'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('`const x = ; return x` does not compile');
  });

  it('rejects an empty or non-string value', async () => {
    for (const value of ['', '   ', undefined, 42]) {
      await expect(prepareMetric(javascript, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('lets an error thrown while scoring propagate, for the engine to record', async () => {
    const score = await prepareMetric(javascript, 'vars.missing.length > 0');
    await expect(score('x')).rejects.toThrow(TypeError);
    await expect(scoreMetric(javascript, 'Promise.reject(new Error("async boom"))', 'x')).rejects.toThrow('async boom');
  });

  it('errors on a result that is neither boolean, number nor verdict', async () => {
    const noReturn = await fail(scoreMetric(javascript, 'const ok = output.length > 0;', 'x'));
    expect(noReturn.code).toBe('METRIC_ERROR');
    expect(noReturn.message).toContain('returned undefined (a function body needs a `return`)');
    for (const code of ['"yes"', 'NaN', '({ reason: "no verdict" })', 'null']) {
      await expect(scoreMetric(javascript, code, 'x')).rejects.toMatchObject({ code: 'METRIC_ERROR' });
    }
  });
});

describe('javascript: file modules', () => {
  it('calls the default export with (output, context)', async () => {
    const score = await prepareMetric(javascript, 'file:javascript/checks.mjs', { vars: { expected: 'refund' } });
    expect(await score('your refund')).toEqual({ pass: true, reason: 'looked for refund in the answer of echo' });
    expect((await score('no luck')).pass).toBe(false);
  });

  it('calls a named export: boolean, number and async results', async () => {
    expect(await scoreMetric(javascript, 'file:javascript/checks.mjs:isShort', 'tiny')).toEqual({
      pass: true,
      reason: 'javascript/checks.mjs:isShort returned true',
    });
    expect(await scoreMetric(javascript, 'file:javascript/checks.mjs:lengthScore', 'x'.repeat(30))).toMatchObject({
      pass: true,
      score: 0.3,
    });
    expect((await scoreMetric(javascript, 'file:javascript/checks.mjs:slowlyPolite', 'please')).pass).toBe(true);
    expect((await scoreMetric(javascript, 'file:./javascript/checks.mjs:slowlyPolite', 'now')).pass).toBe(false);
  });

  it('loads CommonJS and TypeScript modules', async () => {
    expect((await scoreMetric(javascript, 'file:javascript/checks.cjs:isPolite', 'Thank you!')).pass).toBe(true);
    const words = await prepareMetric(javascript, 'file:javascript/checks.ts', { vars: { maxWords: 2 } });
    expect((await words('two words')).pass).toBe(true);
    expect((await words('three words here')).pass).toBe(false);
  });

  it('resolves the path from baseDir', async () => {
    const baseDir = join(fixturesDir, 'javascript');
    expect((await scoreMetric(javascript, 'file:checks.mjs:isShort', 'ok', { baseDir })).pass).toBe(true);
  });

  it('lets an error thrown by the module propagate at score time', async () => {
    const score = await prepareMetric(javascript, 'file:javascript/checks.mjs:explode');
    await expect(score('x')).rejects.toThrow('the check blew up');
  });

  it('rejects a missing export, naming the functions it has', async () => {
    const noDefault = await fail(prepareMetric(javascript, 'file:javascript/named-only.mjs'));
    expect(noDefault.code).toBe('CONFIG_INVALID');
    expect(noDefault.message).toBe(
      'javascript module javascript/named-only.mjs has no default export that is a function',
    );
    expect(noDefault.hint).toContain('file:javascript/named-only.mjs:first, file:javascript/named-only.mjs:second');
    const notFunction = await fail(prepareMetric(javascript, 'file:javascript/checks.mjs:notAFunction'));
    expect(notFunction.message).toContain('has no export named notAFunction that is a function');
    await expect(prepareMetric(javascript, 'file:javascript/checks.mjs:nope')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });

  it('rejects a missing file and an empty path', async () => {
    await expect(prepareMetric(javascript, 'file:javascript/absent.mjs')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    await expect(prepareMetric(javascript, 'file:')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
