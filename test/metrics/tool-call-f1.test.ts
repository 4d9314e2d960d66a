import { describe, expect, it } from 'vitest';
import metric from '../../src/metrics/tool-call-f1.js';
import { thrownAsyncLlmlabError } from '../thrown.js';
import { scoreMetric } from './test-metric.js';

const called = (...names: string[]) => ({ result: { toolCalls: names.map((name) => ({ name, arguments: '{}' })) } });

describe('tool-call-f1', () => {
  it('scores 1 and passes when the called names are exactly the expected set (order and repeats aside)', async () => {
    const result = await scoreMetric(metric, ['get_time', 'get_weather'], '', called('get_weather', 'get_time', 'get_weather'));
    expect(result).toEqual({
      pass: true,
      score: 1,
      reason: 'tool-call F1 1.000 (precision 1.000, recall 1.000): expected [get_time, get_weather], called [get_time, get_weather]',
    });
  });

  it('is the harmonic mean of precision and recall, and fails below 1 without a threshold', async () => {
    // Expected {a, b}, called {a, c}: precision 1/2, recall 1/2.
    const half = await scoreMetric(metric, 'a, b', '', called('a', 'c'));
    expect(half.score).toBeCloseTo(0.5, 10);
    expect(half.pass).toBe(false);
    // Expected {a, b}, called {a}: precision 1, recall 1/2, F1 2/3.
    const partial = await scoreMetric(metric, ['a', 'b'], '', called('a'));
    expect(partial.score).toBeCloseTo(2 / 3, 10);
    expect(partial.reason).toBe('tool-call F1 0.667 (precision 1.000, recall 0.500): expected [a, b], called [a]');
  });

  it('scores 0 when nothing was called', async () => {
    expect(await scoreMetric(metric, ['a'], 'I cannot help.', {})).toMatchObject({ pass: false, score: 0, reason: expect.stringContaining('called [none]') });
  });

  it('reads tool calls from an output that is JSON (OpenAI, Anthropic or plain shapes) when the answer has none', async () => {
    const openai = JSON.stringify([{ function: { name: 'a', arguments: '{}' } }]);
    const anthropic = JSON.stringify([{ type: 'tool_use', name: 'a', input: {} }]);
    for (const output of [openai, anthropic, JSON.stringify({ tool_calls: [{ function: { name: 'a' } }] })]) {
      expect((await scoreMetric(metric, 'a', output)).score).toBe(1);
    }
  });

  it('rejects a value without tool names', async () => {
    for (const value of ['', ' , ', []]) {
      const error = await thrownAsyncLlmlabError(() => scoreMetric(metric, value, ''));
      expect(error.message).toMatch(/expected tool names/);
    }
  });
});
