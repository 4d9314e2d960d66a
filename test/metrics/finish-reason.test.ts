import { describe, expect, it } from 'vitest';
import finishReason from '../../src/metrics/finish-reason.js';
import { prepareMetric } from './test-metric.js';

async function scoreWith(value: unknown, reported: string | undefined) {
  const score = await prepareMetric(finishReason, value, { result: reported === undefined ? {} : { finishReason: reported } });
  return score('output');
}

describe('finish-reason', () => {
  it('compares the reported reason, ignoring case and surrounding space', async () => {
    expect(await scoreWith('stop', 'stop')).toEqual({ pass: true, reason: 'finished with stop' });
    expect(await scoreWith(' STOP ', 'stop')).toEqual({ pass: true, reason: 'finished with stop' });
    expect(await scoreWith('stop', 'length')).toEqual({ pass: false, reason: 'finished with length, expected stop' });
    expect(await scoreWith('end_turn', 'end_turn')).toMatchObject({ pass: true });
  });

  it('is an error when the provider reported no reason', async () => {
    await expect(scoreWith('stop', undefined)).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: 'finish-reason: provider echo reported no finish reason',
    });
  });

  it('rejects a missing or blank value', async () => {
    for (const value of [undefined, '', '  ', 3]) {
      await expect(prepareMetric(finishReason, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
