import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import regex from '../../src/metrics/regex.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('regex', () => {
  it('matches a pattern source and reports the match and its position', async () => {
    expect(await scoreMetric(regex, '\\d{3}-\\d{4}', 'call 555-1234 now')).toEqual({
      pass: true,
      reason: 'matched "555-1234" at 5',
    });
  });

  it('fails naming the pattern', async () => {
    expect(await scoreMetric(regex, '^\\d+$', 'abc')).toEqual({ pass: false, reason: 'no match for /^\\d+$/' });
  });

  it('accepts /pattern/flags literals', async () => {
    expect((await scoreMetric(regex, '/^yes$/i', 'YES')).pass).toBe(true);
    expect((await scoreMetric(regex, '^yes$', 'YES')).pass).toBe(false);
    expect((await scoreMetric(regex, '/^a.b$/s', 'a\nb')).pass).toBe(true);
    expect((await scoreMetric(regex, '/^two$/m', 'one\ntwo\nthree')).pass).toBe(true);
    expect((await scoreMetric(regex, '/\\p{Lu}/u', 'ÉCOLE')).pass).toBe(true);
    expect((await scoreMetric(regex, '/a/b/i', 'A/B')).pass).toBe(true);
  });

  it('reads slashes followed by a non-flag word as part of the pattern', async () => {
    expect((await scoreMetric(regex, '/api/v1', 'GET /api/v1/users')).pass).toBe(true);
    expect((await scoreMetric(regex, '/docs/page', 'see /docs/page')).pass).toBe(true);
    expect((await scoreMetric(regex, '/v1/chat-completions', 'POST /v1/chat-completions')).pass).toBe(true);
  });

  it('rejects a /pattern/flags literal with unknown or repeated flags, naming them and the allowed ones', async () => {
    const cases: [string, string][] = [
      ['/abc/zz', 'regex "/abc/zz" has unknown flag z; allowed flags: d g i m s u v y'],
      ['/x/ii', 'regex "/x/ii" repeats flag i; allowed flags: d g i m s u v y'],
      ['/x/I', 'regex "/x/I" has unknown flag I; allowed flags: d g i m s u v y'],
      ['/x/gix', 'regex "/x/gix" has unknown flag x; allowed flags: d g i m s u v y'],
      ['/x/gimsx', 'regex "/x/gimsx" has unknown flag x; allowed flags: d g i m s u v y'],
    ];
    for (const [value, message] of cases) {
      const error = await prepareMetric(regex, value).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmlabError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', message });
      expect((error as LlmlabError).hint).toMatch(/write a \/ inside the pattern as \\\//);
    }
  });

  it('gives the same verdict on every cell even with g or y flags', async () => {
    const score = await prepareMetric(regex, '/ok/g');
    for (let i = 0; i < 3; i++) expect((await score('it is ok')).pass).toBe(true);
    const sticky = await prepareMetric(regex, '/ok/y');
    expect((await sticky('ok then')).pass).toBe(true);
    expect((await sticky('ok again')).pass).toBe(true);
    expect((await sticky('not ok')).pass).toBe(false);
  });

  it('truncates a long match in the reason', async () => {
    const result = await scoreMetric(regex, 'a+', 'a'.repeat(200));
    expect(result.reason).toBe(`matched "${'a'.repeat(60)}"… at 0`);
  });

  it('rejects an invalid pattern from prepare as a config error with a hint', async () => {
    for (const value of ['(unclosed', '/[z-a]/', '/a/uv', '*']) {
      const error = await prepareMetric(regex, value).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmlabError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      const named = `regex ${JSON.stringify(value)} is not a valid regular expression`;
      expect((error as LlmlabError).message).toContain(named);
      expect((error as LlmlabError).hint).toMatch(/single quotes/);
    }
  });

  it('rejects a missing or empty pattern', async () => {
    for (const value of [undefined, '', 42]) {
      await expect(prepareMetric(regex, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
