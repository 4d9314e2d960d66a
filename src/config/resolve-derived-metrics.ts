/**
 * `derivedMetrics:` → checked definitions. Each expression is parsed here, and every name it reads must be a
 * metric some assertion reports under, or a derived metric defined above it. promptfoo reads an unknown name as 0,
 * so a typo there gives a plausible wrong number; here it is an error with a did-you-mean.
 */
import { LlmlabError } from '../errors.js';
import type { DerivedMetric } from '../suite-settings.js';
import { isExpressionError, namesOf, parseExpression } from '../text/arithmetic.js';
import type { TestCase } from '../types.js';
import type { ResolveContext } from './context.js';
import { suggestionHint } from './did-you-mean.js';

export function resolveDerivedMetrics(
  written: readonly DerivedMetric[] | undefined,
  tests: readonly TestCase[],
  context: Pick<ResolveContext, 'source' | 'problems'>,
): DerivedMetric[] | undefined {
  if (!written || written.length === 0) return undefined;
  const known = new Set(tests.flatMap((test) => test.assert.map((a) => a.metric)));
  const resolved: DerivedMetric[] = [];
  for (const [i, metric] of written.entries()) {
    const where = context.source.locate(['derivedMetrics', i, 'value']);
    const parsed = parseExpression(metric.value);
    if (isExpressionError(parsed)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `derivedMetrics[${i}].value: ${parsed.message} at character ${parsed.at + 1} of \`${metric.value}\``, {
          where,
          hint: 'write an arithmetic expression over metric names, e.g. `2 * tp / (2 * tp + fp + fn)`',
        }),
      );
      continue;
    }
    for (const name of namesOf(parsed)) {
      if (known.has(name)) continue;
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `derivedMetrics[${i}] (\`${metric.name}\`) reads \`${name}\`, which no assertion reports and no earlier derived metric defines`, {
          where,
          hint: `${suggestionHint(name, [...known], 'metric names')}; an assertion reports under its \`metric:\` name, or its type when it has none`,
        }),
      );
    }
    if (known.has(metric.name)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `derivedMetrics[${i}]: \`${metric.name}\` is already a metric name`, {
          where: context.source.locate(['derivedMetrics', i, 'name']),
          hint: 'give the derived metric a name of its own',
        }),
      );
    }
    known.add(metric.name);
    resolved.push({ name: metric.name, value: metric.value });
  }
  return resolved;
}
