/** The console summary of an experiment report: headline, arms table, SRM line and the verdicts. Plain text. */
import type { ExperimentReport } from '../model/experiment.js';
import { alignRows, ARM_COLUMNS, armRows, headline, srmLine } from '../model/experiment-text.js';

export function formatExperimentReport(report: ExperimentReport): string[] {
  return [
    headline(report),
    '',
    ...alignRows([[...ARM_COLUMNS], ...armRows(report)]),
    '',
    srmLine(report),
    ...report.verdict.split('\n').map((line) => `verdict: ${line}`),
  ];
}
