/**
 * `llmlab show <run> <test>`: one test's cells (every prompt × provider, and repeat) with the rendered prompt, the
 * output or error, each assertion's verdict and, against a baseline, its output and a word diff. Side by side
 * when the columns fit the terminal, else one block per cell: a line is never longer than the width, so the
 * terminal never wraps it and breaks the table. Everything a model or a dataset wrote is escaped as in the
 * failures block; newlines are kept as lines, since a whole output is what this view is for.
 */
import type { CellResult } from '../../types.js';
import { wordDiff, type WordDiffSegment } from '../compare/word-diff.js';
import { outputWithCalls } from '../model/listed-cells.js';
import { oneLine } from './failures-lines.js';

/** Characters of a prompt or an output shown; the rest is counted, and is in a report (`-o x.json`). */
export const SHOW_CHARS = 2000;
/** Narrowest column worth reading side by side; narrower, the cells go one under the other. */
export const MIN_COLUMN = 28;
const LABEL_WIDTH = 10;
const GAP = ' │ ';

/** The baseline's side of one cell, when `--baseline` was given. */
export type BaselineSide =
  | { cell: CellResult }
  /** Why there is nothing to diff against: the test is not in the baseline, or its outputs were not kept. */
  | { missing: string };

/** One cell and, with a baseline, the baseline's cell of the same prompt, provider and repeat. */
export interface ShowCell {
  cell: CellResult;
  baseline?: BaselineSide;
}

/** Pairs each cell with the baseline's cell of the same target and repeat (undefined `baselineCells`: no baseline). */
export function pairShowCells(cells: CellResult[], baselineCells: CellResult[] | string | undefined): ShowCell[] {
  if (baselineCells === undefined) return cells.map((cell) => ({ cell }));
  if (typeof baselineCells === 'string') return cells.map((cell) => ({ cell, baseline: { missing: baselineCells } }));
  const key = (c: CellResult) => `${c.promptId}\0${c.providerLabel}\0${c.repeatIndex}`;
  const before = new Map(baselineCells.map((c) => [key(c), c]));
  return cells.map((cell) => {
    const was = before.get(key(cell));
    return { cell, baseline: was ? { cell: was } : { missing: 'the baseline has no cell of this test for this prompt × provider' } };
  });
}

/** The view's lines for a terminal `width` columns wide. */
export function showLines(cells: ShowCell[], width: number): string[] {
  if (cells.length === 0) return [];
  const columns = cells.length;
  const columnWidth = Math.floor((width - LABEL_WIDTH - GAP.length * columns) / columns);
  if (columnWidth >= MIN_COLUMN) return table(cells.map(sections), columnWidth);
  // Too many for one row: one row of providers per prompt, when those fit.
  const byPrompt = groupBy(cells, (c) => c.cell.promptId);
  const widest = Math.max(...byPrompt.map((g) => g.length));
  const promptWidth = Math.floor((width - LABEL_WIDTH - GAP.length * widest) / widest);
  if (widest > 1 && promptWidth >= MIN_COLUMN) {
    return byPrompt.flatMap((group, i) => [...(i > 0 ? [''] : []), ...table(group.map(sections), promptWidth)]);
  }
  // Stacked: each cell is a one-column table under its own heading, as wide as the terminal allows.
  const single = Math.max(width - LABEL_WIDTH - GAP.length, 20);
  return cells.flatMap((c, i) => [...(i > 0 ? [''] : []), ...table([sections(c)], single)]);
}

/** A cell's column: its title, then labelled sections of text. */
interface Column {
  title: string;
  rows: Array<[label: string, text: string]>;
}

function sections({ cell, baseline }: ShowCell): Column {
  const repeat = cell.repeatIndex > 0 ? ` (repeat ${cell.repeatIndex + 1})` : '';
  const rows: Column['rows'] = [
    ['verdict', verdictText(cell)],
    ['prompt', capped(cell.prompt)],
    cell.status === 'error' ? ['error', cell.error ?? 'unknown error'] : ['output', capped(outputWithCalls(cell))],
    ['asserts', assertionText(cell)],
  ];
  if (baseline && 'missing' in baseline) rows.push(['baseline', `(${baseline.missing})`]);
  else if (baseline) {
    rows.push(['baseline', `${verdictText(baseline.cell)}\n${capped(baseline.cell.output)}`]);
    rows.push(['diff', diffText(baseline.cell.output, cell.output)]);
  }
  return { title: `${cell.promptId} × ${cell.providerLabel}${repeat}`, rows };
}

function verdictText(cell: CellResult): string {
  const verdict = cell.status === 'skipped' ? 'SKIPPED' : cell.status.toUpperCase();
  return `${verdict}${cell.cached ? ' (cached)' : ''}`;
}

function assertionText(cell: CellResult): string {
  if (cell.assertions.length === 0) return '(none)';
  return cell.assertions
    .map((a) => {
      const why = a.error ?? a.reason;
      return `${a.pass && !a.error ? '✓' : '✗'} ${a.type}${why ? `: ${why}` : ''}`;
    })
    .join('\n');
}

/** The diff as `[-removed-]{+added+}`, git's plain word-diff markers: readable without colour, in any log. */
function diffText(before: string, after: string): string {
  if (before === after) return '(same output as the baseline)';
  const segments: WordDiffSegment[] = wordDiff(before.slice(0, SHOW_CHARS), after.slice(0, SHOW_CHARS));
  return segments.map((s) => (s.kind === 'same' ? s.text : s.kind === 'removed' ? `[-${s.text}-]` : `{+${s.text}+}`)).join('');
}

function capped(text: string): string {
  if (text === '') return '(empty)';
  return text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS)}… (${text.length} chars)` : text;
}

/** Columns side by side: titles, a rule, then each section's lines aligned across the columns. */
function table(columns: Column[], columnWidth: number): string[] {
  const line = (label: string, parts: string[]) =>
    `${label.padEnd(LABEL_WIDTH)}${parts.map((p) => GAP + pad(p, columnWidth)).join('')}`.trimEnd();
  const out: string[] = [];
  const titles = columns.map((c) => wrap(c.title, columnWidth));
  for (let i = 0; i < Math.max(...titles.map((t) => t.length)); i++) out.push(line('', titles.map((t) => t[i] ?? '')));
  out.push(`${'─'.repeat(LABEL_WIDTH)}${columns.map(() => `─┼─${'─'.repeat(columnWidth)}`).join('')}`);
  for (let row = 0; row < columns[0]!.rows.length; row++) {
    const texts = columns.map((c) => wrap(c.rows[row]?.[1] ?? '', columnWidth));
    const label = columns[0]!.rows[row]![0];
    for (let i = 0; i < Math.max(...texts.map((t) => t.length)); i++) out.push(line(i === 0 ? label : '', texts.map((t) => t[i] ?? '')));
  }
  return out;
}

/**
 * Escaped lines of at most `width` characters: each line of the text escaped (a tab, an ESC or a bidi override is
 * shown, not obeyed), then broken at the last space that fits, or mid-word when a word is longer than the width.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let rest = [...oneLine(raw, Number.MAX_SAFE_INTEGER)];
    if (rest.length === 0) out.push('');
    while (rest.length > 0) {
      if (rest.length <= width) {
        out.push(rest.join(''));
        break;
      }
      const space = rest.lastIndexOf(' ', width);
      const cut = space > 0 ? space : width;
      out.push(rest.slice(0, cut).join('').trimEnd());
      rest = rest.slice(space > 0 ? cut + 1 : cut);
    }
  }
  return out;
}

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}
