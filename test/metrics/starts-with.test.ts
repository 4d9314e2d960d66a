import { describe, expect, it } from 'vitest';
import startsWith from '../../src/metrics/starts-with.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('starts-with', () => {
  it('passes on an exact prefix', async () => {
    expect(await scoreMetric(startsWith, 'Yes', 'Yes, you can.')).toEqual({ pass: true, reason: 'starts with "Yes"' });
  });

  it('fails and shows how the output starts instead', async () => {
    const result = await scoreMetric(startsWith, 'Yes', 'No, you cannot do that at all, sorry about it.');
    expect(result.pass).toBe(false);
    expect(result.reason).toBe('starts with "No, you cannot do that "…, not "Yes"');
  });

  it('does not skip leading whitespace, but says when that is the only difference', async () => {
    const result = await scoreMetric(startsWith, 'Yes', '\n Yes.');
    expect(result.pass).toBe(false);
    expect(result.reason).toContain('(the prefix follows leading whitespace)');
  });

  it('is case-sensitive, accepts numbers, and rejects an empty prefix', async () => {
    expect((await scoreMetric(startsWith, 'yes', 'Yes')).pass).toBe(false);
    expect((await scoreMetric(startsWith, 200, '200 OK')).pass).toBe(true);
    await expect(prepareMetric(startsWith, '')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('handles an output shorter than the prefix', async () => {
    expect(await scoreMetric(startsWith, 'Yes', 'Y')).toEqual({ pass: false, reason: 'starts with "Y", not "Yes"' });
  });
});
