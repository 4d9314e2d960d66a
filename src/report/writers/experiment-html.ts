/**
 * The HTML experiment report: one static page (no script, a CSP that allows none) rendered by nunjucks from
 * templates/report/experiment.html.njk with autoescape on, like the run report.
 */
import type { ExperimentReport } from '../model/experiment.js';
import { formatterOf } from '../model/experiment.js';
import { ARM_COLUMNS, armRows, headline, srmLine } from '../model/experiment-text.js';
import { createHtmlEnvironment, TEMPLATES_DIR } from './html/render.js';
import { writeTextAtomic } from './write-atomic.js';

function pText(p: number): string {
  return Number.isNaN(p) ? '—' : p < 0.001 ? '<0.001' : String(Number(p.toPrecision(2)));
}

export function experimentHtml(report: ExperimentReport, generator: string, dir = TEMPLATES_DIR): string {
  const show = formatterOf(report.experiment.metric);
  const comparisons = report.comparisons.map((c) => ({
    label: `${c.treatment} vs ${c.control}`,
    difference: Number.isNaN(c.result.difference) ? '—' : show.diff(c.result.difference),
    interval: c.result.considered ? `${show.diff(c.result.low)} to ${show.diff(c.result.high)}` : 'not yet (burn-in)',
    p: pText(c.result.pValue),
    fixedP: pText(c.result.fixedPValue),
    units: `${c.result.n.treatment} / ${c.result.n.control}`,
  }));
  return createHtmlEnvironment(dir).render('report/experiment.html.njk', {
    name: report.experiment.name,
    generator,
    generatedAt: new Date(report.at).toISOString(),
    headline: headline(report),
    columns: ARM_COLUMNS,
    rows: armRows(report),
    srm: srmLine(report),
    srmMismatch: report.srm.checked && report.srm.result.mismatch,
    verdict: report.verdict.split('\n'),
    comparisons,
  });
}

export function writeExperimentHtml(path: string, report: ExperimentReport, generator: string): void {
  writeTextAtomic(path, experimentHtml(report, generator));
}
