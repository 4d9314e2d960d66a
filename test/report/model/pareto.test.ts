import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../src/report/model/comparisons.js';
import { dominates, paretoFrontier, type ParetoInput } from '../../../src/report/model/pareto.js';
import { formatPareto } from '../../../src/report/console/pareto-lines.js';

const t = (promptId: string, providerLabel: string, passRate: number | null, costUsd: number, p95Ms: number | null = 100): ParetoInput => ({
  promptId,
  providerLabel,
  passRate,
  costUsd,
  p95Ms,
});

function comparison(kind: 'prompt' | 'provider', a: string, b: string, on: string, significant: boolean, adjustedPValue: number): Comparison {
  return {
    kind, a, b, on, n: 40, passRateA: 0.9, passRateB: 0.85, aOnly: 3, bOnly: 1,
    difference: { estimate: -0.05, low: -0.15, high: 0.05, method: 'newcombe', confidence: 0.95 },
    pValue: adjustedPValue, adjustedPValue, significant, mde: 0.2,
  };
}

describe('dominance', () => {
  it('needs at least as good on every axis and better on one; identical points do not dominate each other', () => {
    expect(dominates(t('p', 'a', 0.9, 1), t('p', 'b', 0.8, 2))).toBe(true);
    expect(dominates(t('p', 'a', 0.9, 1), t('p', 'b', 0.9, 1))).toBe(false);
    expect(dominates(t('p', 'a', 0.9, 1, 100), t('p', 'b', 0.9, 1, 200))).toBe(true);
    // Better on one axis, worse on another: a trade-off, not dominance.
    expect(dominates(t('p', 'a', 0.9, 2), t('p', 'b', 0.8, 1))).toBe(false);
    // A missing p95 ties on latency.
    expect(dominates(t('p', 'a', 0.9, 1, null), t('p', 'b', 0.9, 2, 50))).toBe(true);
    expect(dominates(t('p', 'a', null, 0), t('p', 'b', 0.1, 9))).toBe(false);
  });

  it('lists the frontier and who dominates whom; targets without a pass rate are left out', () => {
    const pareto = paretoFrontier(
      [t('p', 'big', 0.95, 10), t('p', 'mid', 0.9, 3), t('p', 'twin', 0.9, 3), t('p', 'bad', 0.7, 5), t('p', 'none', null, 0)],
      [],
    );
    expect(pareto.points.map((p) => p.providerLabel)).toEqual(['big', 'mid', 'twin', 'bad']);
    expect(pareto.frontier).toEqual(['p × big', 'p × mid', 'p × twin']);
    expect(pareto.points.find((p) => p.providerLabel === 'bad')!.dominatedBy).toEqual(['p × mid', 'p × twin']);
  });
});

describe('recommendation', () => {
  it('picks the cheapest within 5 points when the paired test finds no significant difference', () => {
    const pareto = paretoFrontier(
      [t('p', 'big', 0.95, 10), t('p', 'small', 0.92, 1), t('p', 'tiny', 0.8, 0.1)],
      [comparison('provider', 'big', 'small', 'p', false, 0.48), comparison('provider', 'big', 'tiny', 'p', true, 0.001)],
    );
    const r = pareto.recommendation!;
    expect(r).toMatchObject({ providerLabel: 'small', significance: 'not-significant', adjustedPValue: 0.48 });
    expect(r.pointsBelowBest).toBeCloseTo(3, 9);
    expect(r.line).toBe(
      'recommended: p × small (92.0%, $1.00): cheapest within 5 points of the best, p × big (95.0%, $10.00); not significantly worse (McNemar, adjusted p=0.48)',
    );
  });

  it('skips a cheaper target that is significantly worse, and keeps the best when nothing else qualifies', () => {
    const pareto = paretoFrontier(
      [t('p', 'big', 0.95, 10), t('p', 'small', 0.91, 1)],
      [comparison('provider', 'big', 'small', 'p', true, 0.01)],
    );
    expect(pareto.recommendation).toMatchObject({ providerLabel: 'big', significance: 'best', pointsBelowBest: 0 });
    expect(pareto.recommendation!.line).toContain('the best pass rate; no cheaper target within 5 points qualifies');
  });

  it('says the significance is untested when the two share neither prompt nor provider', () => {
    const pareto = paretoFrontier([t('p1', 'big', 0.95, 10), t('p2', 'small', 0.94, 1)], [], 5);
    expect(pareto.recommendation).toMatchObject({ promptId: 'p2', providerLabel: 'small', significance: 'untested' });
    expect(pareto.recommendation!.line).toContain('significance untested');
  });

  it('pairs prompts on a shared provider, and respects a custom tolerance', () => {
    const comparisons = [comparison('prompt', 'long', 'short', 'm', false, 0.3)];
    const inputs = [t('long', 'm', 0.9, 4), t('short', 'm', 0.8, 1)];
    expect(paretoFrontier(inputs, comparisons, 5).recommendation!.providerLabel).toBe('m');
    expect(paretoFrontier(inputs, comparisons, 5).recommendation!.promptId).toBe('long');
    expect(paretoFrontier(inputs, comparisons, 10).recommendation).toMatchObject({ promptId: 'short', significance: 'not-significant' });
  });

  it('has no recommendation with one target, and the console block appears only when something cost money', () => {
    expect(paretoFrontier([t('p', 'only', 1, 1)], []).recommendation).toBeNull();
    expect(formatPareto(paretoFrontier([t('p', 'a', 1, 0), t('p', 'b', 0.5, 0)], []))).toEqual([]);
    const lines = formatPareto(paretoFrontier([t('p', 'a', 1, 2), t('p', 'b', 0.5, 3)], []));
    expect(lines).toEqual([
      'cost vs quality (pass rate ↑, cost ↓, p95 latency ↓)',
      '  frontier: p × a',
      '  dominated: p × b by p × a',
      expect.stringMatching(/^ {2}recommended: p × a/),
    ]);
  });
});
