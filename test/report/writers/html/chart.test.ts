import { describe, expect, it } from 'vitest';
import { costQualityChart, niceStep, usd } from '../../../../src/report/writers/html/chart.js';
import { paretoFrontier } from '../../../../src/report/model/pareto.js';
import type { TargetSummary } from '../../../../src/report/summary.js';

function target(promptId: string, providerLabel: string, cost: number, passed: number, cells = 10): TargetSummary {
  const rate = passed / cells;
  return {
    promptId, providerId: providerLabel, providerLabel, cells, passed, failed: cells - passed, errors: 0, skipped: 0,
    passRate: rate, passRateInterval: { low: Math.max(rate - 0.2, 0), high: Math.min(rate + 0.1, 1), method: 'wilson', confidence: 0.95 },
    failureRateUpperBound: null, tokens: { input: 0, output: 0, total: 0 }, cost, cachedCells: 0, latencyMs: { p50: 1, p95: 1 },
  };
}

describe('costQualityChart', () => {
  it('places each target at (cost per cell, pass rate) with its interval as the error bar', () => {
    const chart = costQualityChart([target('p', 'cheap', 0.01, 5), target('p', 'dear', 0.04, 9)])!;
    const { left, right, top, bottom } = chart.plot;
    const [cheap, dear] = chart.points;
    // Cost per cell 0.001 and 0.004; the axis ends at a round step past the costliest (0.004 × 1.05 → 0.005).
    expect(chart.xTicks.map((t) => t.label)).toEqual(['$0', '$0.002', '$0.004', '$0.006']);
    expect(cheap!.x).toBeCloseTo(left + (0.001 / 0.006) * (right - left), 9);
    expect(dear!.x).toBeCloseTo(left + (0.004 / 0.006) * (right - left), 9);
    expect(cheap!.y).toBeCloseTo(bottom - 0.5 * (bottom - top), 9);
    expect(dear!.y).toBeCloseTo(bottom - 0.9 * (bottom - top), 9);
    // Higher pass rate is higher on the page (smaller y); the bar spans the interval.
    expect(dear!.yHigh).toBeCloseTo(top, 9);
    expect(cheap!.yLow).toBeCloseTo(bottom - 0.3 * (bottom - top), 9);
    expect(cheap!.label).toBe('p × cheap');
    expect(chart.note).toBeUndefined();
  });

  it('keeps labels of points at the same spot apart, and draws the baseline hollow without a label', () => {
    const chart = costQualityChart([target('a', 'm', 0.01, 8), target('b', 'm', 0.01, 8)], [target('a', 'm', 0.01, 8)])!;
    const own = chart.points.filter((p) => !p.baseline);
    expect(own).toHaveLength(2);
    expect(Math.abs(own[0]!.labelY - own[1]!.labelY)).toBeGreaterThanOrEqual(13);
    const base = chart.points.filter((p) => p.baseline);
    expect(base.map((p) => p.label)).toEqual(['a × m (baseline)']);
    // Drawn first, so this run's points sit on top.
    expect(chart.points[0]!.baseline).toBe(true);
  });

  it('says so when nothing cost anything, and draws nothing when no target has a pass rate', () => {
    const free = costQualityChart([target('p', 'local', 0, 3)])!;
    expect(free.note).toMatch(/No cost was recorded/);
    expect(free.points[0]!.x).toBe(free.plot.left);
    const skipped = { ...target('p', 'x', 0, 0), passRate: null, passRateInterval: null, skipped: 10 };
    expect(costQualityChart([skipped])).toBeUndefined();
    expect(costQualityChart([])).toBeUndefined();
  });
});

describe('Pareto marks', () => {
  const targets = [target('p', 'cheap', 0.01, 8), target('p', 'dear', 0.04, 9), target('p', 'waste', 0.05, 7)];
  const pareto = paretoFrontier(
    targets.map((t) => ({ promptId: t.promptId, providerLabel: t.providerLabel, passRate: t.passRate, costUsd: t.cost, p95Ms: 1 })),
    [],
  );

  it('marks dominated targets and the recommended one, with a legend and the recommendation sentence', () => {
    const chart = costQualityChart(targets, [target('p', 'waste', 0.05, 7)], pareto)!;
    const own = chart.points.filter((p) => !p.baseline);
    expect(own.map((p) => [p.label, p.dominated, p.recommended])).toEqual([
      ['p × cheap', false, false],
      ['p × dear', false, true],
      ['p × waste', true, false],
    ]);
    // The baseline's copy of a dominated target is the baseline's, not this run's frontier.
    expect(chart.points.find((p) => p.baseline)).toMatchObject({ dominated: false, recommended: false });
    expect(chart.pareto!.legend).toMatch(/Hollow grey points: dominated.*Ringed: the recommended target\./);
    // cheap trails the best by 10 points, beyond the 5-point tolerance: the best is recommended.
    expect(chart.pareto!.recommendation).toBe(`R${pareto.recommendation!.line.slice(1)}`);
    expect(chart.pareto!.recommendation).toMatch(/^Recommended: p × dear \(90\.0%, \$0\.04\): the best pass rate/);
  });

  it('changes nothing when summary.pareto is absent or has a single point', () => {
    const without = costQualityChart(targets)!;
    expect(without.pareto).toBeUndefined();
    expect(without.points.every((p) => !p.dominated && !p.recommended)).toBe(true);
    const single = paretoFrontier([{ promptId: 'p', providerLabel: 'cheap', passRate: 0.8, costUsd: 0.01, p95Ms: 1 }], []);
    const one = costQualityChart([targets[0]!], [], single)!;
    expect(one).toEqual(costQualityChart([targets[0]!]));
  });
});

describe('axis helpers', () => {
  it('rounds steps up to 1, 2, 2.5 or 5 × 10^k and prints amounts without trailing zeros', () => {
    expect([0.7, 1, 1.1, 2.2, 3, 6, 0.00011].map(niceStep)).toEqual([1, 1, 2, 2.5, 5, 10, 0.0002]);
    expect([0, 0.0002, 0.00025, 0.5, 1.25, 12, 100].map(usd)).toEqual(['$0', '$0.0002', '$0.00025', '$0.5', '$1.25', '$12', '$100']);
  });
});
