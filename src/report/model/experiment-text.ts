/**
 * An experiment report's text, surface-neutral: the arms table as rows of cells and the lines under it, which the
 * console, the Markdown and the HTML writers each lay out and escape their own way. Arm names come from the
 * user's config; the verdicts are ours.
 */
import { formatUsd } from '../shared.js';
import { formatterOf, type ExperimentReport } from './experiment.js';

/** The arms table's header. */
export const ARM_COLUMNS = ['arm', 'units', 'requests', 'n', 'mean', '95% interval', 'cost'] as const;

/** One row per arm, formatted. */
export function armRows(report: ExperimentReport): string[][] {
  const show = formatterOf(report.experiment.metric);
  return report.arms.map((a) => [
    a.arm + (a.arm === report.experiment.control ? ' (control)' : ''),
    String(a.units),
    String(a.requests),
    String(a.n),
    a.mean ? show.value(a.mean.estimate) : '—',
    a.mean ? `${show.value(a.mean.low)}–${show.value(a.mean.high)} (${a.method === 'wilson' ? 'Wilson' : 't'})` : '—',
    formatUsd(a.costUsd),
  ]);
}

/** The SRM line: the check's result, or why it was skipped. */
export function srmLine(report: ExperimentReport): string {
  const srm = report.srm;
  if (!srm.checked) return `SRM check: skipped (${srm.reason})`;
  const r = srm.result;
  const p = r.pValue < 0.001 ? r.pValue.toExponential(1) : String(Number(r.pValue.toPrecision(2)));
  const counts = `${r.observed.join(' / ')} units vs ${r.expected.map((e) => Math.round(e)).join(' / ')} expected`;
  return r.mismatch
    ? `SRM check: MISMATCH, ${counts}, χ²=${r.chiSquare.toFixed(1)}, p=${p} < 0.001 — do not trust the comparison`
    : `SRM check: ok, ${counts}, p=${p}`;
}

/** The experiment's heading line. */
export function headline(report: ExperimentReport): string {
  const e = report.experiment;
  const split = e.bandit ? 'bandit (Thompson sampling)' : Object.entries(e.shares ?? {}).map(([arm, s]) => `${arm} ${Math.round(s * 100)}%`).join(', ');
  return `experiment ${e.name}: ${e.metric === 'thumbs' ? 'thumbs-up rate' : 'mean score'} per unit, split ${split}, alpha ${e.alpha}`;
}

/** Aligns rows of cells into fixed-width text columns (the console and Markdown's code-free fallback). */
export function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}
