/**
 * `derivedMetrics:` per prompt × provider, from the metric summaries. A name in an expression is the sum of that
 * metric's scores over the target's graded cells (mean × n), as promptfoo's named scores are sums; that is what
 * makes `tp / (tp + fp)` a precision. A metric the target has no graded cell of reads as 0.
 */
import type { DerivedMetric } from '../../suite-settings.js';
import { evaluate, isExpressionError, parseExpression } from '../../text/arithmetic.js';
import type { MetricSummary } from './metric-summary.js';

/** One derived metric on one target. */
export interface DerivedMetricValue {
  promptId: string;
  providerLabel: string;
  name: string;
  /** The expression as written. */
  expression: string;
  /** Null when the expression has no finite value (a division by zero, log of 0). */
  value: number | null;
}

/** Every derived metric on every target, targets in the order given, metrics in the suite's order. */
export function summarizeDerivedMetrics(
  definitions: readonly DerivedMetric[],
  targets: ReadonlyArray<{ promptId: string; providerLabel: string }>,
  metrics: readonly MetricSummary[],
): DerivedMetricValue[] {
  // Parsed once; the suite's loader already refused a bad expression, so a stored one parses.
  const parsed = definitions.map((d) => ({ ...d, expression: parseExpression(d.value) }));
  const out: DerivedMetricValue[] = [];
  for (const target of targets) {
    const values: Record<string, number> = {};
    for (const m of metrics) {
      if (m.promptId === target.promptId && m.providerLabel === target.providerLabel) values[m.metric] = m.meanScore * m.n;
    }
    for (const definition of parsed) {
      let value: number | null = null;
      if (!isExpressionError(definition.expression)) {
        const computed = evaluate(definition.expression, values);
        value = Number.isFinite(computed) ? computed : null;
        values[definition.name] = value ?? Number.NaN;
      }
      out.push({ promptId: target.promptId, providerLabel: target.providerLabel, name: definition.name, expression: definition.value, value });
    }
  }
  return out;
}
