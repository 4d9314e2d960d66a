/**
 * Geometry of the HTML report's cost-vs-quality chart: one point per prompt × provider at (cost per cell, pass
 * rate) with its Wilson interval as an error bar. The template draws it as inline SVG; this file only does the
 * arithmetic, so the numbers are testable without a browser.
 */
import type { RunComparison } from '../../compare/compare-runs.js';
import { targetName, type ParetoSummary } from '../../model/pareto.js';
import type { TargetSummary } from '../../summary.js';

/** What the chart reads of a target: a run's {@link TargetSummary}, or a baseline's side of a comparison. */
export type ChartTarget = Pick<TargetSummary, 'promptId' | 'providerLabel' | 'passRate' | 'passRateInterval' | 'cost' | 'cells' | 'skipped'>;

/** One plotted target. Coordinates are SVG user units. */
export interface ChartPoint {
  label: string;
  x: number;
  y: number;
  yLow: number;
  yHigh: number;
  /** Where the label goes: right of the point, or left when it would run off the plot; nudged down off others. */
  labelX: number;
  labelY: number;
  labelAnchor: 'start' | 'end';
  costPerCell: number;
  passRate: number;
  low: number;
  high: number;
  /** A point of the baseline run, drawn as a hollow diamond with a dashed error bar. */
  baseline: boolean;
  /** Another target of this run is at least as good on pass rate, cost and p95 latency (summary.pareto): drawn hollow grey. */
  dominated: boolean;
  /** The target summary.pareto recommends: drawn with a ring. */
  recommended: boolean;
}

export interface ChartTick {
  at: number;
  label: string;
}

/** One entry of the chart's single legend; `mark` is the marker drawn beside the text. */
export interface ChartLegendItem {
  mark: 'run' | 'baseline' | 'dominated' | 'recommended';
  text: string;
}

export interface ChartModel {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  points: ChartPoint[];
  xTicks: ChartTick[];
  yTicks: ChartTick[];
  /** Said under the chart when the axis means less than usual (no cost recorded). */
  note?: string;
  /**
   * The one legend of every mark the chart draws: empty when every point is an ordinary point of this run (then
   * the title says it all), else one entry per kind of mark, this run's points first.
   */
  legend: ChartLegendItem[];
  /** With summary.pareto (two or more targets): the recommendation sentence. */
  pareto?: { recommendation?: string };
}

const WIDTH = 720;
const HEIGHT = 360;
const PLOT = { left: 64, top: 20, right: WIDTH - 40, bottom: HEIGHT - 48 };
/** Label height, for keeping labels apart. */
const LINE = 13;

/**
 * Lays out the chart of a run's targets (and, hollow, a baseline's), or undefined when nothing has a pass rate.
 * With the run's Pareto summary, its dominated targets and its recommendation are marked.
 */
export function costQualityChart(
  targets: readonly ChartTarget[],
  baseline: readonly ChartTarget[] = [],
  pareto?: ParetoSummary,
): ChartModel | undefined {
  // Baseline first, so this run's points are drawn over it.
  const plotted = [...baseline.map((t) => ({ t, baseline: true })), ...targets.map((t) => ({ t, baseline: false }))].filter(
    (p) => p.t.passRate !== null && p.t.cells - p.t.skipped > 0,
  );
  if (plotted.length === 0) return undefined;
  const perCell = (t: ChartTarget) => t.cost / (t.cells - t.skipped);
  const maxCost = Math.max(...plotted.map((p) => perCell(p.t)));
  // A little room right of the costliest point, so it does not sit on the plot's edge.
  const step = maxCost > 0 ? niceStep((maxCost * 1.05) / 4) : 0.25;
  const xMax = maxCost > 0 ? step * Math.ceil((maxCost * 1.05) / step) : 1;
  const xOf = (cost: number) => PLOT.left + (cost / xMax) * (PLOT.right - PLOT.left);
  const yOf = (rate: number) => PLOT.bottom - rate * (PLOT.bottom - PLOT.top);
  // One target has nothing to trade off against: then the chart stays as it is without a frontier.
  const frontier = pareto && pareto.points.length >= 2 ? pareto : undefined;
  const dominated = new Set(frontier?.points.filter((p) => p.dominated).map(targetName));
  const recommended = frontier?.recommendation ? targetName(frontier.recommendation) : undefined;
  const points = plotted.map(({ t, baseline: isBaseline }): ChartPoint => {
    const rate = t.passRate!;
    const low = t.passRateInterval?.low ?? rate;
    const high = t.passRateInterval?.high ?? rate;
    const x = xOf(perCell(t));
    const nearRight = x > PLOT.left + (PLOT.right - PLOT.left) * 0.7;
    return {
      label: `${t.promptId} × ${t.providerLabel}${isBaseline ? ' (baseline)' : ''}`,
      x,
      y: yOf(rate),
      yLow: yOf(low),
      yHigh: yOf(high),
      labelX: nearRight ? x - 8 : x + 8,
      labelY: yOf(rate) - 6,
      labelAnchor: nearRight ? 'end' : 'start',
      costPerCell: perCell(t),
      passRate: rate,
      low,
      high,
      baseline: isBaseline,
      dominated: !isBaseline && dominated.has(targetName(t)),
      recommended: !isBaseline && recommended === targetName(t),
    };
  });
  separateLabels(points.filter((p) => !p.baseline));
  const ticks = Math.round(xMax / step);
  const xTicks = Array.from({ length: ticks + 1 }, (_, i) => ({ at: xOf(i * step), label: maxCost > 0 ? usd(i * step) : '' }));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: yOf(f), label: `${f * 100}%` }));
  return {
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    points,
    xTicks,
    yTicks,
    ...(maxCost > 0 ? {} : { note: 'No cost was recorded (local or cached models): every point sits at $0.' }),
    legend: legendOf(points, frontier),
    ...(frontier ? { pareto: frontier.recommendation ? { recommendation: capitalize(frontier.recommendation.line) } : {} } : {}),
  };
}

/**
 * One legend for every mark drawn, so a reader never matches two captions against one picture: baseline points
 * and dominated points are both hollow, and only their shape (diamond, circle) tells them apart.
 */
function legendOf(points: readonly ChartPoint[], frontier: ParetoSummary | undefined): ChartLegendItem[] {
  const hasBaseline = points.some((p) => p.baseline);
  if (!hasBaseline && !frontier) return [];
  // Only the marks drawn: a legend entry with nothing to point at is a question the reader cannot answer.
  const items: ChartLegendItem[] = [{ mark: 'run', text: frontier ? 'This run, on the Pareto frontier' : 'This run' }];
  if (points.some((p) => p.dominated)) {
    items.push({
      mark: 'dominated',
      text: 'This run, dominated (another target is at least as good on pass rate, cost and p95 latency, and better on one)',
    });
  }
  if (points.some((p) => p.recommended)) items.push({ mark: 'recommended', text: 'The recommended target' });
  if (hasBaseline) items.push({ mark: 'baseline', text: 'The baseline run (hover a point for its name)' });
  return items;
}

/**
 * The baseline's side of a comparison as chart targets: its pass rate with the Wilson interval and its cost per
 * cell, over the cells both runs share. Lets the chart draw a baseline for which no summary was made (a stored
 * run or a report file's run, as `--baseline` gives it).
 */
export function baselineChartTargets(comparison: RunComparison): ChartTarget[] {
  return comparison.targets.map((t) => ({
    promptId: t.promptId,
    providerLabel: t.providerLabel,
    passRate: t.passRateA.rate,
    passRateInterval: { low: t.passRateA.low, high: t.passRateA.high, method: 'wilson', confidence: t.passRateA.confidence },
    cost: t.usage.a.cost,
    cells: t.n,
    skipped: 0,
  }));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `x` (x > 0): a tick step a reader can count in. */
export function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  // toPrecision drops the binary noise of 2 × 1e-4 (0.00019999999999999998), so ticks land on round numbers.
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= x * (1 - 1e-12)) return Number((step * power).toPrecision(12));
  }
  return Number((10 * power).toPrecision(12));
}

/**
 * Moves labels down until none overlaps an earlier one (same side, close in x): targets with similar cost and
 * quality are common (two prompts on one model), and their names must stay readable. Baseline points carry no
 * label: their tooltip names them, and the legend says what the diamonds are.
 */
function separateLabels(points: ChartPoint[]): void {
  const placed: ChartPoint[] = [];
  for (const p of [...points].sort((a, b) => a.labelY - b.labelY || a.x - b.x)) {
    while (placed.some((q) => q.labelAnchor === p.labelAnchor && Math.abs(q.labelX - p.labelX) < 160 && Math.abs(q.labelY - p.labelY) < LINE)) {
      p.labelY += LINE;
    }
    placed.push(p);
  }
}

/** A tick's dollar amount with the digits its step needs and no trailing zeros: $0.0002, $0.5, $12. */
export function usd(x: number): string {
  if (x === 0) return '$0';
  const digits = Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(x))));
  return `$${x.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}
