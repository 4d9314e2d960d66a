/**
 * `tool-call-f1` (promptfoo's semantics): the F1 of the tool names the model called against the expected names,
 * both as sets (order and repeats do not count). precision = right calls / distinct calls, recall = right calls /
 * expected; the score is their harmonic mean. Without a `threshold` it passes only at 1 (exactly the expected
 * tools), as promptfoo's default threshold 1.0 does; `threshold: 0.5` passes partial overlap.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { callsOf } from './tool-calls-shared.js';

type F1Value = string | string[];

export default defineMetric<F1Value, Set<string>>({
  id: 'tool-call-f1',
  optionsSchema: {
    description: 'The expected tool names: a list, or one comma-separated string such as "get_weather, get_time".',
    oneOf: [
      { type: 'string', minLength: 1, description: 'Comma-separated tool names.' },
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Tool names.' },
    ],
  },
  prepare: (value) => {
    const names = (Array.isArray(value) ? value : String(value ?? '').split(',')).map((n) => String(n).trim()).filter(Boolean);
    if (names.length === 0) {
      throw new LlmlabError('CONFIG_INVALID', 'tool-call-f1 needs the expected tool names as its `value`', {
        hint: 'e.g. value: [get_weather, get_time] or value: "get_weather, get_time"',
      });
    }
    return new Set(names);
  },
  score: ({ output, result, value: expected }) => {
    const called = new Set(callsOf(output, result).map((c) => c.name));
    let right = 0;
    for (const name of expected) if (called.has(name)) right++;
    const precision = called.size > 0 ? right / called.size : 0;
    const recall = right / expected.size;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const list = (names: Set<string>) => [...names].sort().join(', ') || 'none';
    return {
      pass: f1 >= 1,
      score: f1,
      reason: `tool-call F1 ${f1.toFixed(3)} (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}): expected [${list(expected)}], called [${list(called)}]`,
    };
  },
});
