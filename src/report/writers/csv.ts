/**
 * The CSV report: one row per cell, RFC 4180 (comma-separated, CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled), then one `var.<name>` column per test variable used anywhere in the run.
 * Streams the store twice: a first pass only collects the var names, the second writes the rows.
 */
import type { RunRecord, Store } from '../../store/index.js';
import { isMediaRef, mediaAsPlaceholder, mediaPlaceholder } from '../../types.js';
import type { CellResult } from '../../types.js';
import { writeChunked } from './write-chunked.js';

const COLUMNS = [
  'provider', 'prompt', 'test_id', 'description', 'repeat', 'status', 'score', 'latency_ms',
  'tokens_in', 'tokens_out', 'cost_usd', 'cached', 'output', 'error',
];

/** Writes the CSV report of `run` to `path`. `repeat` is 1-based, as `#n` in the other reports. */
export function writeCsvReport(path: string, store: Store, run: RunRecord): void {
  const vars = new Set<string>();
  for (const cell of store.results.iterate(run.id)) for (const name of Object.keys(cell.vars)) vars.add(name);
  const varNames = [...vars];
  writeChunked(path, (function* () {
    yield csvRow([...COLUMNS, ...varNames.map((v) => `var.${v}`)]);
    for (const cell of store.results.iterate(run.id)) {
      yield csvRow([...fields(cell), ...varNames.map((v) => varText(cell.vars[v]))]);
    }
  })());
}

function fields(cell: CellResult): Array<string | number> {
  return [
    cell.providerLabel,
    cell.promptId,
    cell.testId,
    cell.description ?? '',
    cell.repeatIndex + 1,
    cell.status,
    cell.score,
    cell.latencyMs,
    cell.usage?.input ?? '',
    cell.usage?.output ?? '',
    cell.cost,
    cell.cached ? 'true' : 'false',
    cell.output,
    cell.error ?? '',
  ];
}

function varText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return isMediaRef(value) ? mediaPlaceholder(value) : JSON.stringify(value, mediaAsPlaceholder);
}

/** One CSV record with its CRLF. */
export function csvRow(values: Array<string | number>): string {
  return `${values.map((v) => (typeof v === 'number' ? String(v) : csvField(v))).join(',')}\r\n`;
}

/**
 * One text field. Guards against CSV formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or
 * `@` (or tab / CR, which some strip first) as a formula, and model outputs and vars are untrusted text, so such a
 * field gets a leading apostrophe (OWASP's advice). Numbers are written as numbers and never prefixed.
 */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
