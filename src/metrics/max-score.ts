/**
 * `max-score` (promptfoo's name and semantics): among every output of one test (all prompts × providers of the
 * same repeat), the one whose other assertions score highest passes (score 1), the others fail (score 0). No
 * model call. The aggregate of an output is the `average` (default) or `sum` of its other assertions' scores,
 * each weighted by `weights[type]` (default 1; the type as written, `not-` included). With `threshold`, the best
 * aggregate must reach it or no output passes. The engine calls `compare` once all of the group's cells are
 * graded (src/engine/compare.ts).
 *
 * Where llmlab differs: a tie goes to the first output in plan order (providers, then prompts), so the verdict is
 * the same on every run; a test with no other assertion to score by is an error rather than a pick at random.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { AssertionResult } from '../types.js';
import { fixed3 } from './judge-shared.js';

const ID = 'max-score';

interface Value {
  method?: 'average' | 'sum';
  weights?: Record<string, number>;
  threshold?: number;
}

/** The aggregate of one output's assertion verdicts. */
export function aggregate(results: readonly AssertionResult[], value: Value): number {
  let total = 0;
  let weights = 0;
  for (const r of results) {
    const weight = value.weights?.[r.type] ?? 1;
    total += weight * r.score;
    weights += weight;
  }
  if ((value.method ?? 'average') === 'sum') return total;
  return weights > 0 ? total / weights : 0;
}

export default defineMetric<Value | undefined, Value>({
  id: ID,
  optionsSchema: {
    description:
      'Optional: { method, weights, threshold }. Among every output of the test (all prompts × providers), the one ' +
      "whose other assertions score highest passes: their `average` (default) or `sum`, weighted per type by " +
      '`weights` (default 1); with `threshold` the best must reach it. No model call; needs at least two prompts × providers.',
    type: 'object',
    additionalProperties: false,
    properties: {
      method: { enum: ['average', 'sum'], description: 'how the other assertions\' scores combine (default average)' },
      weights: {
        type: 'object',
        additionalProperties: { type: 'number', minimum: 0 },
        description: 'weight per assertion type, e.g. { llm-rubric: 2 }; default 1',
      },
      threshold: { type: 'number', description: 'the best aggregate must reach this, or no output passes' },
    },
  },
  negatable: false,
  prepare: (value) => {
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new LlmlabError('CONFIG_INVALID', `${ID} takes an optional { method, weights, threshold } as \`value\``, {
        hint: 'leave value out to pick the best average score, or write value: { method: sum, weights: { llm-rubric: 2 } }',
      });
    }
    return value ?? {};
  },
  score: () => {
    throw new LlmlabError('INTERNAL', `${ID} grades every output of a test together, never one alone`);
  },
  compare: (input) => {
    if (input.outputs.every((o) => o.assertions.length === 0)) {
      throw new LlmlabError('METRIC_ERROR', `${ID} needs other assertions in the test to score the outputs by`, {
        hint: 'add the assertions whose scores decide the best output (contains, llm-rubric, ...) to the same test',
      });
    }
    const scores = input.outputs.map((o) => aggregate(o.assertions, input.value));
    // The first of equal scores wins: plan order, the same on every run.
    const best = scores.reduce((b, s, i) => (s > scores[b]! ? i : b), 0);
    const { threshold } = input.value;
    const method = input.value.method ?? 'average';
    const shown = scores.map((s, i) => `${i + 1}: ${fixed3(s)}`).join(', ');
    if (threshold !== undefined && scores[best]! < threshold) {
      return scores.map(() => ({ pass: false, score: 0, reason: `no output reaches ${threshold}: best ${method} ${fixed3(scores[best]!)} (${shown})` }));
    }
    return scores.map((s, i) =>
      i === best
        ? { pass: true, score: 1, reason: `highest ${method} score of ${scores.length} outputs, ${fixed3(s)} (${shown})` }
        : {
            pass: false,
            score: 0,
            reason: s === scores[best]
              ? `${method} ${fixed3(s)}, tied with output ${best + 1}, which comes first (${shown})`
              : `${method} ${fixed3(s)} < ${fixed3(scores[best]!)} of output ${best + 1} (${shown})`,
          },
    );
  },
});
