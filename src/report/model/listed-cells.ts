/**
 * The cells the PR comment and the terminal's failures block list, picked in one streamed pass over the run: the
 * regressed cells whose outputs they show, and the first failed and errored cells (attack cells aside). Everything
 * kept is capped (count and text length), so the pass holds a few dozen short cells whatever the size of the run.
 */
import type { RunRecord, Store } from '../../store/index.js';
import type { CellResult, CellStatus } from '../../types.js';
import { mediaAsPlaceholder } from '../../types.js';

/** A cell as the comment shows it, raw (not yet escaped) and already cut to the collection caps. */
export interface ListedCell {
  providerLabel: string;
  promptId: string;
  testId: string;
  repeatIndex: number;
  description?: string;
  status: CellStatus;
  /** The test's vars as compact JSON, media as placeholders (`[image: cat.png]`). */
  vars: string;
  /** `metric: reason` of each failing assertion. */
  reasons: string[];
  /** Each failing assertion's type as written (`not-icontains`) and its reason (or error). */
  failures: Array<{ type: string; reason: string }>;
  output: string;
  /** Length of the whole output, so a cut one can say how much is missing. */
  outputLength: number;
  error?: string;
}

/** What to pick up during the pass. */
export interface CollectOptions {
  /** Keys ({@link cellKey}) of the regressed cells to fetch outputs for. */
  regressed: ReadonlySet<string>;
  /** Keep failed cells (without a baseline, the comment lists failures instead of regressions). */
  failed: boolean;
  /** At most this many failed and this many errored cells. */
  maxItems: number;
  /** Outputs and other texts are cut to this many characters. */
  maxChars: number;
}

export interface CollectedCells {
  regressed: Map<string, ListedCell>;
  failed: ListedCell[];
  errored: ListedCell[];
}

/** Identity of a cell across runs, as `llmlab compare` matches them. */
export function cellKey(c: { promptId: string; providerLabel: string; testId: string; repeatIndex: number }): string {
  return `${c.promptId}\0${c.providerLabel}\0${c.testId}\0${c.repeatIndex}`;
}

export function collectListedCells(store: Store, run: RunRecord, options: CollectOptions): CollectedCells {
  const out: CollectedCells = { regressed: new Map(), failed: [], errored: [] };
  const full = () =>
    out.regressed.size === options.regressed.size &&
    (!options.failed || out.failed.length >= options.maxItems) &&
    out.errored.length >= options.maxItems;
  if (full()) return out;
  for (const cell of store.results.iterate(run.id)) {
    // Attack cells have their own section (the security summary's hit log).
    if (cell.status === 'pass' || cell.status === 'skipped' || cell.attack) continue;
    const key = cellKey(cell);
    if (options.regressed.has(key)) out.regressed.set(key, listed(cell, options.maxChars));
    if (cell.status === 'error' && out.errored.length < options.maxItems) out.errored.push(listed(cell, options.maxChars));
    if (cell.status === 'fail' && options.failed && out.failed.length < options.maxItems) {
      out.failed.push(listed(cell, options.maxChars));
    }
    // The iterator is lazy: stopping early spares reading the rest of a large run.
    if (full()) break;
  }
  return out;
}

function listed(cell: CellResult, maxChars: number): ListedCell {
  // One character over the cap, so the renderer's own cut still marks these as cut.
  const cut = (s: string) => (s.length > maxChars ? s.slice(0, maxChars + 1) : s);
  const failing = cell.assertions.filter((a) => !a.pass || a.error).slice(0, 10);
  const why = (a: (typeof failing)[number]) => a.error ?? a.reason ?? `score ${round(a.score)}`;
  const reasons = failing.map((a) => cut(`${a.metric}: ${why(a)}`));
  const failures = failing.map((a) => ({ type: a.type, reason: cut(why(a)) }));
  const shown = outputWithCalls(cell);
  return {
    providerLabel: cell.providerLabel,
    promptId: cell.promptId,
    testId: cell.testId,
    repeatIndex: cell.repeatIndex,
    description: cell.description,
    status: cell.status,
    vars: cut(JSON.stringify(cell.vars, mediaAsPlaceholder)),
    reasons,
    failures,
    output: cut(shown),
    outputLength: shown.length,
    error: cell.error === undefined ? undefined : cut(cell.error),
  };
}

/**
 * The output as a person reads it: the text, then one `→ name(args)` line per tool call, so a model that only
 * called tools does not look like it said nothing.
 */
export function outputWithCalls(cell: Pick<CellResult, 'output' | 'toolCalls'>): string {
  const calls = cell.toolCalls ?? [];
  if (calls.length === 0) return cell.output;
  const lines = calls.map((call) => `→ ${call.name}(${call.arguments})`).join('\n');
  return cell.output === '' ? lines : `${cell.output}\n${lines}`;
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
