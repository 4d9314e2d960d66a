/**
 * Runaway user code fails its assertion with "timed out after N ms" instead of hanging the run: an inline
 * `while (true) {}`, a `file:` module that loops, and a promise that never settles. The default limit is 5 s; the
 * `{ code, timeoutMs }` form sets another.
 */
import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import javascript from '../../src/metrics/javascript.js';
import { mayRunLong } from '../../src/metrics/time-limit.js';
import { fixturesDir, scoreMetric } from './test-metric.js';

async function failure(value: unknown, output = 'hello'): Promise<LlmlabError> {
  const error = await scoreMetric(javascript, value, output).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmlabError);
  return error as LlmlabError;
}

describe('javascript time limit', () => {
  it('stops an inline endless loop: the assertion fails with "timed out after N ms"', async () => {
    const error = await failure({ code: 'while (true) {}', timeoutMs: 200 });
    expect(error).toMatchObject({ code: 'METRIC_ERROR', message: 'javascript `while (true) {}` timed out after 200 ms' });
  });

  // Without waiting the 5 s out: the string form prepares exactly what `{ code, timeoutMs: 5000 }` does, and the
  // limit a prepared assertion carries is the one that stops the loop (the tests around this one, at 200 ms).
  it('has a default limit of 5000 ms for the plain string form', async () => {
    const prepare = async (value: Parameters<NonNullable<typeof javascript.prepare>>[0]) => {
      const { check: _, ...rest } = (await javascript.prepare!(value, { baseDir: fixturesDir })) as { check: unknown };
      return rest;
    };
    const plain = await prepare('while (true) {}');
    expect(plain).toMatchObject({ timeoutMs: 5000, straight: false });
    expect(plain).toEqual(await prepare({ code: 'while (true) {}', timeoutMs: 5000 }));
  });

  it('stops an endless loop in a function body and in an arrow the expression returns', async () => {
    expect((await failure({ code: 'let n = 0; while (n >= 0) n = 1; return true', timeoutMs: 200 })).message).toMatch(/timed out after 200 ms$/);
    expect((await failure({ code: '(output) => { for (;;) {} }', timeoutMs: 200 })).message).toMatch(/timed out after 200 ms$/);
  });

  it('stops a file: module that loops forever', async () => {
    const error = await failure({ code: 'file:javascript/runaway.mjs', timeoutMs: 200 });
    expect(error.message).toBe('javascript javascript/runaway.mjs timed out after 200 ms');
  });

  it('stops waiting for a promise that never settles', async () => {
    const error = await failure({ code: 'file:javascript/runaway.mjs:neverSettles', timeoutMs: 200 });
    expect(error.message).toBe('javascript javascript/runaway.mjs:neverSettles timed out after 200 ms');
  });

  it('grades normally after a timeout, and with the object form under its limit', async () => {
    await failure({ code: 'while (true) {}', timeoutMs: 100 });
    expect(await scoreMetric(javascript, { code: 'output.length < 10', timeoutMs: 1000 }, 'short')).toMatchObject({ pass: true });
    expect(await scoreMetric(javascript, 'output.startsWith("he")', 'hello')).toMatchObject({ pass: true });
  });

  it('turns the limit off with timeoutMs 0, and rejects a bad timeoutMs up front', async () => {
    expect(await scoreMetric(javascript, { code: 'true', timeoutMs: 0 }, 'x')).toMatchObject({ pass: true });
    const error = await scoreMetric(javascript, { code: 'true', timeoutMs: -1 }, 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('which inline code needs the watchdog', () => {
  it.each([
    ['output.length < 500', false],
    ['output.includes("refund") && vars.lang === "en"', false],
    ['/(a+)+$/.test(output)', false], // a regex falls back to V8's linear engine instead
    ['while (true) {}', true],
    ['for (;;) {}', true],
    ['do { } while (1)', true],
    ['output.split("").map((c) => c)', true],
    ['(function f() { return f(); })()', true],
    ['eval("1")', true],
    ['output.constructor.constructor("while(1){}")()', true],
  ])('%s → %s', (code, expected) => {
    expect(mayRunLong(code)).toBe(expected);
  });

  it('still answers a backtracking regex in straight-line code', async () => {
    expect((await scoreMetric(javascript, '/^(a+)+$/.test(output)', `${'a'.repeat(32)}!`)).pass).toBe(false);
  });
});
