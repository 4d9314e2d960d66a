/**
 * Catastrophic backtracking on model output (`^(a+)+$` against "aaaa…!") cannot hang a run, in the `regex`
 * metric or a `regex` transform step. A pattern V8 can run in linear time gets the right answer at once (V8's
 * linear engine takes over after excessive backtracking); one it cannot (case-insensitive, backreferences,
 * lookaround) is stopped after the regex time limit.
 */
import { describe, expect, it } from 'vitest';
import { compileTransform } from '../../src/metrics/transform.js';
import regex from '../../src/metrics/regex.js';
import { REGEX_TIME_LIMIT_MS } from '../../src/metrics/regex-guard.js';
import { scoreMetric } from './test-metric.js';

// 2^30 ways to split the a's: hours for a backtracking engine.
const EVIL = `${'a'.repeat(30)}!`;

describe('regex metric against catastrophic backtracking', () => {
  it('answers a nested quantifier correctly, without hanging', async () => {
    expect(await scoreMetric(regex, '^(a+)+$', EVIL)).toEqual({ pass: false, reason: 'no match for /^(a+)+$/' });
    expect(await scoreMetric(regex, '/(\\w+\\s?)+$/m', `${'word '.repeat(20)}!`)).toMatchObject({ pass: false });
    expect(await scoreMetric(regex, '/(\\w+\\s?)+!$/m', `${'word '.repeat(20)}!`)).toMatchObject({ pass: true });
  });

  it.each(['/^(a+)+$/i', '^(a+)+\\1$', '^(?=a)(a|a)+$'])('stops %s (no linear engine for it) with "timed out"', async (pattern) => {
    const error = await scoreMetric(regex, pattern, EVIL).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR' });
    expect((error as Error).message).toMatch(new RegExp(`^regex /.+/i? timed out after ${REGEX_TIME_LIMIT_MS} ms$`));
  });

  it('still matches normally with those patterns on ordinary output', async () => {
    expect(await scoreMetric(regex, '/^(a+)+$/i', 'AAA')).toMatchObject({ pass: true });
    expect(await scoreMetric(regex, '^(a+)+\\1$', 'aa')).toMatchObject({ pass: true });
  });
});

describe('regex transform step against catastrophic backtracking', () => {
  it('extracts nothing (no match) from a nested quantifier at once', () => {
    expect(compileTransform([{ regex: '^(a+)+$' }])(EVIL)).toEqual({ ok: false, reason: `no match for /^(a+)+$/ in "${EVIL}"` });
  });

  it('fails the step with "timed out" when the pattern has no linear engine', () => {
    const outcome = compileTransform([{ regex: '^(a+)+$', flags: 'i' }])(EVIL);
    expect(outcome).toEqual({ ok: false, reason: `regex /^(a+)+$/i timed out after ${REGEX_TIME_LIMIT_MS} ms` });
    expect(compileTransform([{ regex: '(a+)+', flags: 'i' }])('AAA b')).toEqual({ ok: true, text: 'AAA' });
  });
});
