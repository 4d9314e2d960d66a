import { describe, expect, it } from 'vitest';
import icontains from '../../src/metrics/icontains.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('icontains', () => {
  it('ignores ASCII case and reports the text as it appears in the output', async () => {
    expect(await scoreMetric(icontains, 'reset link', 'Click the RESET Link below.')).toEqual({
      pass: true,
      reason: 'found "RESET Link" at 10 (ignoring case)',
    });
  });

  it('fails with a reason naming the missing text', async () => {
    expect(await scoreMetric(icontains, 'reset link', 'Contact support.')).toEqual({
      pass: false,
      reason: '"reset link" not found (ignoring case)',
    });
  });

  it('folds non-ASCII letters: accents keep their case pair, Cyrillic, Greek', async () => {
    expect((await scoreMetric(icontains, 'ÉCOLE', 'une école publique')).pass).toBe(true);
    expect((await scoreMetric(icontains, 'привет', 'ПРИВЕТ, мир')).pass).toBe(true);
    expect((await scoreMetric(icontains, 'ΣΟΦΟΣ', 'ο σοφος')).pass).toBe(true);
  });

  it('treats final sigma as sigma', async () => {
    expect((await scoreMetric(icontains, 'σοφος', 'ΣΟΦΟΣ ΑΝΘΡΩΠΟΣ')).pass).toBe(true);
    expect((await scoreMetric(icontains, 'σοφοσ', 'ο σοφος')).pass).toBe(true);
  });

  it('equates ß with SS and a ligature with its letters (full case folding)', async () => {
    const result = await scoreMetric(icontains, 'STRASSE', 'Hauptstraße 5');
    expect(result.pass).toBe(true);
    // The folded text is longer than the output here, so no position is claimed.
    expect(result.reason).toBe('found "STRASSE" (ignoring case)');
    expect((await scoreMetric(icontains, 'file', 'the ﬁle was saved')).pass).toBe(true);
  });

  it('matches precomposed and decomposed accents alike', async () => {
    const precomposed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    expect((await scoreMetric(icontains, precomposed, `a ${decomposed.toUpperCase()} au lait`)).pass).toBe(true);
    expect((await scoreMetric(icontains, decomposed, `un ${precomposed}`)).pass).toBe(true);
  });

  it('still tells accented letters from plain ones', async () => {
    expect((await scoreMetric(icontains, 'café', 'CAFE')).pass).toBe(false);
  });

  it('does not depend on the Turkish dotless i trap of locale-aware lowering', async () => {
    expect((await scoreMetric(icontains, 'INFO', 'more info here')).pass).toBe(true);
    expect((await scoreMetric(icontains, 'ı', 'I')).pass).toBe(true);
  });

  it('handles emoji and astral characters', async () => {
    expect(await scoreMetric(icontains, '👍 OK', 'done 👍 ok')).toEqual({
      pass: true,
      reason: 'found "👍 ok" at 5 (ignoring case)',
    });
  });

  it('accepts numbers and rejects an empty value', async () => {
    expect((await scoreMetric(icontains, 7, 'Room 7B')).pass).toBe(true);
    await expect(prepareMetric(icontains, '')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
