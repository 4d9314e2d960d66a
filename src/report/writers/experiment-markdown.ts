/**
 * The Markdown experiment report: a heading, the arms as a GitHub table, the SRM check and the verdicts. Arm
 * names come from the user's config: table cells escape `|`, and every text is kept off HTML interpretation by
 * escaping `<`, `>` and `&`.
 */
import type { ExperimentReport } from '../model/experiment.js';
import { ARM_COLUMNS, armRows, headline, srmLine } from '../model/experiment-text.js';
import { writeTextAtomic } from './write-atomic.js';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The report as Markdown text. */
export function experimentMarkdown(report: ExperimentReport, generator: string): string {
  const row = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [
    `## Experiment \`${report.experiment.name.replace(/`/g, "'")}\``,
    '',
    escape(headline(report)),
    '',
    row(ARM_COLUMNS),
    row(ARM_COLUMNS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...armRows(report).map(row),
    '',
    `**${escape(srmLine(report))}**`,
    '',
    ...report.verdict.split('\n').map((line) => `- ${escape(line)}`),
    '',
    `<sub>Anytime-valid comparison: mixture SPRT (Johari et al. 2017/2022); valid however often this report is looked at. ${escape(generator)}, ${new Date(report.at).toISOString()}</sub>`,
    '',
  ].join('\n');
}

export function writeExperimentMarkdown(path: string, report: ExperimentReport, generator: string): void {
  writeTextAtomic(path, experimentMarkdown(report, generator));
}
