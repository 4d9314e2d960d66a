/**
 * One page of the Compare page's list (`GET /api/compare/rows`): the pairs a mode and a search select, and for
 * each of the page's pairs both outputs, their word diff, and the rendered prompts (their diff when they differ).
 * Texts are cut as the HTML report cuts them, and sent as plain strings: the page puts them in with textContent.
 */
import type { WordDiffSegment } from '../report/compare/word-diff.js';
import { outputWithCalls } from '../report/model/listed-cells.js';
import { MAX_TEXT_CHARS, truncate } from '../report/writers/html/cells.js';
import { rowTexts, type RowTexts } from '../store/compare-rows.js';
import type { Db } from '../store/db.js';
import type { ToolCall } from '../types.js';
import { pageDiffer } from './compare-diff.js';
import { pairAt, selectPairs, type Change, type CompareMode, type ModeTotals, type PairIndex, type Verdict } from './compare-index.js';

/** Pairs per page of the list. */
export const COMPARE_PAGE_SIZE = 50;

/** One side of a pair: its cell (for the Run page's `#cell=` link), verdict, output (cut) and error, if any. */
export interface CompareSide {
  cellId: string;
  status: Verdict;
  output: string;
  error: string | null;
}

/**
 * The rendered prompts of a pair: one text when both runs sent the same, else the word diff from A's to B's (a
 * plain replacement, with `note` saying why, when it was not diffed word by word; see compare-diff.ts).
 */
export type ComparePrompt = { same: true; text: string } | { same: false; diff: WordDiffSegment[]; note?: string };

/** One paired cell as the list shows it. */
export interface CompareRow {
  promptId: string;
  providerLabel: string;
  testId: string;
  description: string | null;
  repeatIndex: number;
  change: Change;
  a: CompareSide;
  b: CompareSide;
  /** Word diff of a.output → b.output: the `same` and `removed` segments give a.output, `same` and `added` b.output. */
  diff: WordDiffSegment[];
  /** Set when `diff` is a plain replacement rather than a word diff, saying why (see compare-diff.ts). */
  diffNote?: string;
  prompt: ComparePrompt;
}

/** The answer of `GET /api/compare/rows`. */
export interface CompareRowsPage {
  a: string;
  b: string;
  mode: CompareMode;
  q: string;
  /** 0-based (as the Runs page's), clamped to the last page. */
  page: number;
  pages: number;
  pageSize: number;
  /** Pairs the mode lists under the search; `start` (0-based) and `end` (exclusive) bound this page among them. */
  total: number;
  start: number;
  end: number;
  /** Pairs each mode would list under the same search. */
  totals: ModeTotals;
  rows: CompareRow[];
}

/** What a page asks for. */
export interface CompareQuery {
  mode: CompareMode;
  q: string;
  page: number;
}

/** The page `query` selects of `index`, its rows' texts read from the store by rowid. */
export function comparePage(db: Db, index: PairIndex, runs: { a: string; b: string }, query: CompareQuery): CompareRowsPage {
  const { items, totals } = selectPairs(index, query.mode, query.q);
  const pages = Math.max(1, Math.ceil(items.length / COMPARE_PAGE_SIZE));
  const page = Math.min(query.page, pages - 1);
  const start = page * COMPARE_PAGE_SIZE;
  const end = Math.min(start + COMPARE_PAGE_SIZE, items.length);
  const pairs = items.slice(start, end).map((i) => pairAt(index, i));
  const texts = rowTexts(db, pairs.flatMap((p) => [p.rowA, p.rowB]));
  const diff = pageDiffer();
  const rows = pairs.map((p): CompareRow => {
    const a = textsOf(texts.get(p.rowA));
    const b = textsOf(texts.get(p.rowB));
    const outputs = diff(a.output, b.output);
    const prompts = a.prompt === b.prompt ? undefined : diff(a.prompt, b.prompt);
    return {
      promptId: p.promptId,
      providerLabel: p.providerLabel,
      testId: p.testId,
      description: p.description,
      repeatIndex: p.repeatIndex,
      change: p.change,
      a: { cellId: a.cellId, status: p.statusA, output: a.output, error: a.error },
      b: { cellId: b.cellId, status: p.statusB, output: b.output, error: b.error },
      diff: outputs.segments,
      ...(outputs.note ? { diffNote: outputs.note } : {}),
      prompt: prompts ? { same: false, diff: prompts.segments, ...(prompts.note ? { note: prompts.note } : {}) } : { same: true, text: a.prompt },
    };
  });
  return { ...runs, mode: query.mode, q: query.q, page, pages, pageSize: COMPARE_PAGE_SIZE, total: items.length, start, end, totals, rows };
}

/** A row's texts as shown: tool calls after the output (as the report shows them), everything cut. */
function textsOf(row: RowTexts | undefined): { cellId: string; prompt: string; output: string; error: string | null } {
  // The cache rebuilds the index when a run's fingerprint changes; a row deleted between that check and this read
  // (a resume dropping errored rows) reads as empty rather than failing the page.
  if (!row) return { cellId: '', prompt: '', output: '', error: null };
  const toolCalls = row.toolCalls === null ? undefined : (JSON.parse(row.toolCalls) as ToolCall[]);
  return {
    cellId: row.cellId,
    prompt: truncate(row.prompt, MAX_TEXT_CHARS),
    output: truncate(outputWithCalls({ output: row.output, ...(toolCalls ? { toolCalls } : {}) }), MAX_TEXT_CHARS),
    error: row.error === null ? null : truncate(row.error, MAX_TEXT_CHARS),
  };
}
