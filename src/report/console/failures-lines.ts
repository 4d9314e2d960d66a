/**
 * The failures block printed after the summary table: why cells failed, without opening a report. Up to 10 failing
 * or erroring cells (all of them with --verbose), regressions against the baseline first; per cell one line — its
 * verdict, the test's description (or id), prompt × provider and the start of the output or the error — then one
 * indented line per failed assertion with its type and reason. Everything a model or a dataset wrote is escaped to
 * one line: a newline, a tab or a terminal escape in an output cannot break the block or drive the terminal.
 */
import type { RunRecord, Store } from '../../store/index.js';
import { changedTests } from '../compare/changed-tests.js';
import type { RunComparison } from '../compare/compare-runs.js';
import { cellKey, collectListedCells, type ListedCell } from '../model/listed-cells.js';

/** Cells shown without --verbose. */
export const FAILURES_SHOWN = 10;
/** Characters of output shown per cell. */
const OUTPUT_CHARS = 300;
/** Characters of each reason, error or description. */
const DETAIL_CHARS = 300;

/** Options of {@link failureLines}. */
export interface FailureOptions {
  /** List every failing and erroring cell. */
  verbose?: boolean;
  /** The comparison with the baseline: its regressed cells come first, marked. */
  comparison?: RunComparison;
}

/** The block's lines; empty when no ordinary cell failed or errored. */
export function failureLines(store: Store, run: RunRecord, options: FailureOptions = {}): string[] {
  // Counted first: a run where everything passed is common, and its cells need not be read at all.
  const total = store.results.countFailing(run.id);
  if (total === 0) return [];
  const limit = options.verbose ? Number.MAX_SAFE_INTEGER : FAILURES_SHOWN;
  const regressedOrder = options.comparison ? changedTests(options.comparison, 'regressed').map(cellKey) : [];
  const collected = collectListedCells(store, run, {
    regressed: new Set(regressedOrder.slice(0, limit)),
    failed: true,
    maxItems: limit,
    maxChars: Math.max(OUTPUT_CHARS, DETAIL_CHARS),
  });
  const regressed = regressedOrder.flatMap((key) => collected.regressed.get(key) ?? []);
  const shownKeys = new Set(regressed.map(cellKey));
  const rest = [...collected.failed, ...collected.errored].filter((c) => !shownKeys.has(cellKey(c)));
  const cells = [...regressed, ...rest].slice(0, limit);
  if (cells.length === 0) return [];
  const shown = cells.length < total ? ` (the first ${cells.length}; --verbose lists every one)` : '';
  return [`failures: ${total} cell${total === 1 ? '' : 's'} failed or errored${shown}`, ...cells.flatMap((c) => cellLines(c, shownKeys.has(cellKey(c))))];
}

function cellLines(cell: ListedCell, regressed: boolean): string[] {
  const verdict = regressed ? 'REGRESSED' : cell.status === 'error' ? 'ERROR' : 'FAIL';
  // Without a description the id alone says little: the vars tell the tests apart.
  const vars = cell.vars === '{}' ? '' : ` ${oneLine(cell.vars, 120)}`;
  const name = cell.description ? oneLine(cell.description, DETAIL_CHARS) : `test ${cell.testId}${vars}`;
  const repeat = cell.repeatIndex > 0 ? ` (repeat ${cell.repeatIndex + 1})` : '';
  const target = `${oneLine(cell.promptId, 80)} × ${oneLine(cell.providerLabel, 80)}`;
  const what =
    cell.status === 'error'
      ? `error: ${oneLine(cell.error ?? 'unknown error', DETAIL_CHARS)}`
      : `output: ${quoted(cell.output, cell.outputLength)}`;
  const lines = [`  ${verdict}  ${name}${repeat}  ${target}  ${what}`];
  for (const f of cell.failures) lines.push(`      ${oneLine(f.type, 80)}: ${oneLine(f.reason, DETAIL_CHARS)}`);
  return lines;
}

/** The output's start in quotes, escaped, with how much is missing when cut. */
function quoted(output: string, length: number): string {
  const shown = output.slice(0, OUTPUT_CHARS);
  const more = length > shown.length ? `… (${length} chars)` : '';
  return `"${escape(shown).replaceAll('"', '\\"')}"${more}`;
}

/** One line: control characters and bidirectional overrides escaped, cut to `max` characters with `…`. */
export function oneLine(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return escape(cut);
}

// C0 and C1 controls (newline, tab, ESC, …) and the bidi overrides that could reorder what the terminal shows.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
