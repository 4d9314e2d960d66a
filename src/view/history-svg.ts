/**
 * The History page's charts: one inline SVG line chart per target, built here as a string so the page needs no
 * script to draw it. Every text that came from a run or a file (run ids, prompt labels, metric names) goes through
 * {@link escapeXml}, so the string can be placed in the page as markup.
 */
import type { HistoryRun, HistorySeries, VersionChange } from '../report/model/history.js';

/** Escapes the five XML specials, for text and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What one chart shows. */
export interface ChartInput {
  /** Accessible name of the chart (e.g. "support × gpt-4o: pass rate"). */
  title: string;
  runs: readonly HistoryRun[];
  series: HistorySeries;
  /** Version changes of this series' prompt. */
  versionChanges: readonly VersionChange[];
  /** Values are rates in [0, 1], shown as percentages. */
  percent: boolean;
}

const WIDTH = 760;
const HEIGHT = 250;
const M = { left: 52, right: 40, top: 34, bottom: 44 };
const PLOT_W = WIDTH - M.left - M.right;
const PLOT_H = HEIGHT - M.top - M.bottom;

const fixed = (x: number) => (Math.round(x * 10) / 10).toString();

/** A value as the chart labels it. */
export function formatValue(value: number, percent: boolean): string {
  return percent ? `${(value * 100).toFixed(1)}%` : value.toFixed(3);
}

/** A shift as the chart labels it: percentage points for rates. */
export function formatShift(shift: number, percent: boolean): string {
  const sign = shift > 0 ? '+' : shift < 0 ? '−' : '±';
  return percent ? `${sign}${Math.abs(shift * 100).toFixed(1)} pp` : `${sign}${Math.abs(shift).toFixed(3)}`;
}

/** A p-value as the chart labels it. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** The y range: [0, 1] for rates and for scores inside it; else the data's range with a margin. */
function yDomain(series: HistorySeries, percent: boolean): [number, number] {
  const values = series.points.flatMap((p) => [p.value, ...(p.low === null ? [] : [p.low]), ...(p.high === null ? [] : [p.high])]);
  if (percent || values.every((v) => v >= 0 && v <= 1)) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.1 : Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

/** The chart of one target's series over `runs`, as an SVG element. */
export function historyChart(input: ChartInput): string {
  const { runs, series, percent } = input;
  const [y0, y1] = yDomain(series, percent);
  const xOf = (runIndex: number) => M.left + (runs.length <= 1 ? PLOT_W / 2 : (runIndex / (runs.length - 1)) * PLOT_W);
  const yOf = (v: number) => M.top + PLOT_H - ((v - y0) / (y1 - y0)) * PLOT_H;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="history-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(input.title)}">`,
    `<title>${escapeXml(input.title)}</title>`,
  );
  // Grid and y labels.
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    const y = fixed(yOf(v));
    out.push(`<line class="grid" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y}" y2="${y}"/>`);
    out.push(`<text class="axis" x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatValue(v, percent))}</text>`);
  }
  // X labels: at most 8 run dates, always the first and the last (a step label too close to the last one yields).
  const step = Math.max(1, Math.ceil(runs.length / 8));
  const last = runs.length - 1;
  runs.forEach((run, i) => {
    if (i !== last && (i % step !== 0 || (i > 0 && last - i < step * 0.75))) return;
    out.push(`<text class="axis" x="${fixed(xOf(i))}" y="${HEIGHT - M.bottom + 16}" text-anchor="middle">${escapeXml(day(run.createdAt))}</text>`);
  });
  // Prompt-version changes: a mark on the x axis before the first run of the new version.
  for (const change of input.versionChanges) {
    const x = fixed(xOf(change.runIndex));
    const y = HEIGHT - M.bottom;
    out.push(
      `<g class="version-change" data-run-index="${change.runIndex}"><title>${escapeXml(`prompt ${change.promptId}: ${change.from.label} → ${change.to.label}`)}</title>`,
      `<path d="M${x} ${y} l-5 9 h10 z"/><text class="version-label" x="${x}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(change.to.label)}</text></g>`,
    );
  }
  // Change points: a vertical line halfway between the last run of the old level and the first of the new one.
  for (const cp of series.changePoints) {
    const previous = [...series.points].reverse().find((p) => p.runIndex < cp.runIndex);
    const x = fixed(previous ? (xOf(previous.runIndex) + xOf(cp.runIndex)) / 2 : xOf(cp.runIndex));
    const label = `${formatShift(cp.shift, percent)} · ${formatP(cp.pValue)}`;
    out.push(
      `<g class="change-point" data-run="${escapeXml(cp.runId)}"><title>${escapeXml(`change point before run ${cp.runId}: ${formatValue(cp.before, percent)} → ${formatValue(cp.after, percent)} (${label})`)}</title>`,
      `<line x1="${x}" x2="${x}" y1="${M.top - 6}" y2="${HEIGHT - M.bottom}"/>`,
      `<text x="${x}" y="${M.top - 12}" text-anchor="middle">${escapeXml(label)}</text></g>`,
    );
  }
  // Intervals as error bars, then the line, then the points with their tooltips.
  for (const p of series.points) {
    if (p.low === null || p.high === null) continue;
    const x = fixed(xOf(p.runIndex));
    out.push(`<line class="interval" x1="${x}" x2="${x}" y1="${fixed(yOf(p.low))}" y2="${fixed(yOf(p.high))}"/>`);
  }
  if (series.points.length > 1) {
    const d = series.points.map((p) => `${fixed(xOf(p.runIndex))},${fixed(yOf(p.value))}`).join(' ');
    out.push(`<polyline class="series" points="${d}"/>`);
  }
  for (const p of series.points) {
    const run = runs[p.runIndex]!;
    const interval = p.low === null || p.high === null ? '' : ` [${formatValue(p.low, percent)}–${formatValue(p.high, percent)}]`;
    const version = p.version ? ` · prompt ${p.version.label}` : '';
    const tip = `run ${run.id} · ${stamp(run.createdAt)} UTC · ${formatValue(p.value, percent)}${interval} · n=${p.n}${version}${run.part ? ` · ${run.part}` : ''}`;
    out.push(`<circle class="point" cx="${fixed(xOf(p.runIndex))}" cy="${fixed(yOf(p.value))}" r="4" data-run="${escapeXml(run.id)}"><title>${escapeXml(tip)}</title></circle>`);
  }
  if (series.points.length === 0) {
    out.push(`<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no values for this target in these runs</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
