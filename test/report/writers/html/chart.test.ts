import { describe, expect, it } from 'vitest';
import { baselineChartTargets, costQualityChart, niceStep, usd, type ChartModel } from '../../../../src/report/writers/html/chart.js';
import { createHtmlEnvironment } from '../../../../src/report/writers/html/render.js';
import type { RunComparison } from '../../../../src/report/compare/compare-runs.js';
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
    expect(chart.legend.map((l) => l.mark)).toEqual(['run', 'dominated', 'recommended', 'baseline']);
    expect(chart.legend[1]!.text).toMatch(/^This run, dominated/);
    // cheap trails the best by 10 points, beyond the 5-point tolerance: the best is recommended.
    expect(chart.pareto!.recommendation).toBe(`R${pareto.recommendation!.line.slice(1)}`);
    expect(chart.pareto!.recommendation).toMatch(/^Recommended: p × dear \(90\.0%, \$0\.04\): the best pass rate/);
  });

  it('changes nothing when summary.pareto is absent or has a single point', () => {
    const without = costQualityChart(targets)!;
    expect(without.pareto).toBeUndefined();
    expect(without.legend).toEqual([]);
    expect(without.points.every((p) => !p.dominated && !p.recommended)).toBe(true);
    const single = paretoFrontier([{ promptId: 'p', providerLabel: 'cheap', passRate: 0.8, costUsd: 0.01, p95Ms: 1 }], []);
    const one = costQualityChart([targets[0]!], [], single)!;
    expect(one).toEqual(costQualityChart([targets[0]!]));
  });
});

/** The chart section as the page renders it (templates/report/chart.njk), without the rest of the page. */
function renderChart(chart: ChartModel | undefined): string {
  return createHtmlEnvironment().render('report/chart.njk', { chart });
}

describe('baseline points in the SVG', () => {
  const run = [target('a', 'm', 0.01, 8), target('b', 'm', 0.02, 6)];

  it('draws each baseline point as a hollow diamond under this run, with one legend naming every mark', () => {
    const chart = costQualityChart(run, [target('a', 'm', 0.01, 5)])!;
    const svg = renderChart(chart);
    const plot = svg.slice(0, svg.indexOf('</svg>'));
    const diamonds = plot.match(/<g class="point baseline">[\s\S]*?<\/g>/g) ?? [];
    expect(diamonds).toHaveLength(1);
    expect(diamonds[0]).toMatch(/<title>a × m \(baseline\): pass rate 50\.0%/);
    expect(diamonds[0]).toMatch(/<path class="marker" d="M[\d.]+ [\d.]+L/);
    expect(diamonds[0]).not.toContain('<circle');
    // Baseline points are named by their tooltip only.
    expect(diamonds[0]).not.toContain('point-label');
    // This run's points stay circles, drawn after (over) the baseline.
    expect(plot.match(/<g class="point">[\s\S]*?<circle class="marker"/g)).toHaveLength(2);
    expect(plot.indexOf('point baseline')).toBeLessThan(plot.indexOf('<g class="point">'));
    // Exactly one legend, and it shows the diamond.
    expect(svg.match(/class="[^"]*chart-legend/g)).toHaveLength(1);
    expect(svg).not.toContain('Hollow grey points: the baseline');
    const legend = svg.slice(svg.indexOf('<ul class="chart-legend'));
    expect(legend).toMatch(/<g class="point baseline">\s*<path class="marker"[^>]*><\/path>\s*<\/g><\/svg>The baseline run/);
    expect(legend).toMatch(/<g class="point">\s*<circle class="marker"[^>]*><\/circle>\s*<\/g><\/svg>This run</);
  });

  it('has no legend when every point is an ordinary point of this run', () => {
    const svg = renderChart(costQualityChart(run));
    expect(svg).toContain('<section id="cost-quality">');
    expect(svg).not.toContain('chart-legend');
    expect(svg).not.toContain('baseline');
  });

  it('takes the baseline side of a comparison when no baseline summary was made', () => {
    const rate = (r: number) => ({ passed: r * 4, n: 4, rate: r, low: r / 2, high: 1, method: 'wilson' as const, confidence: 0.95 });
    const side = { cost: 0.02, tokens: { input: 0, output: 0, total: 0 }, latencyP50Ms: null };
    const comparison = {
      targets: [{ promptId: 'a', providerLabel: 'm', n: 4, passRateA: rate(0.75), passRateB: rate(0.5), usage: { a: side, b: side } }],
    } as unknown as RunComparison;
    const [point] = baselineChartTargets(comparison);
    expect(point).toMatchObject({ promptId: 'a', providerLabel: 'm', passRate: 0.75, cost: 0.02, cells: 4, skipped: 0 });
    expect(point!.passRateInterval).toMatchObject({ low: 0.375, high: 1 });
    const chart = costQualityChart(run, [point!])!;
    expect(chart.points.filter((p) => p.baseline).map((p) => [p.label, p.costPerCell])).toEqual([['a × m (baseline)', 0.005]]);
  });
});

describe('axis helpers', () => {
  it('rounds steps up to 1, 2, 2.5 or 5 × 10^k and prints amounts without trailing zeros', () => {
    expect([0.7, 1, 1.1, 2.2, 3, 6, 0.00011].map(niceStep)).toEqual([1, 1, 2, 2.5, 5, 10, 0.0002]);
    expect([0, 0.0002, 0.00025, 0.5, 1.25, 12, 100].map(usd)).toEqual(['$0', '$0.0002', '$0.00025', '$0.5', '$1.25', '$12', '$100']);
  });
});
