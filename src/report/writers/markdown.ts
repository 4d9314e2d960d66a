/**
 * The Markdown report: a pull-request comment rendered with nunjucks from templates/pr-comment.md.njk. GitHub
 * rejects a comment over 65,536 characters, so the comment is rendered at decreasing detail levels (fewer rows,
 * shorter outputs, shorter lists) until it fits; it says what it left out.
 */
import { readFileSync } from 'node:fs';
import nunjucks from 'nunjucks';
import type { RunRecord, Store } from '../../store/index.js';
import { tryCompareRuns } from '../compare/compare-runs.js';
import { cellKey, collectListedCells } from '../model/listed-cells.js';
import type { BaselineComparison } from '../compare/baseline.js';
import { DETAIL_LEVELS } from './pr-comment/detail-level.js';
import { changedTests } from '../compare/changed-tests.js';
import { buildView, type ViewInput } from './pr-comment/view.js';
import type { RunSummary } from '../summary.js';
import { writeTextAtomic } from './write-atomic.js';

/**
 * Default size cap. GitHub's limit is 65,536; the rest is headroom for what a workflow adds around the comment
 * (a sticky-comment marker, a heading per suite).
 */
export const DEFAULT_MAX_CHARS = 60_000;


export interface MarkdownOptions {
  /**
   * What to compare against: deltas with significance marks, regressed and fixed tests. A stored run is compared
   * here (`llmlab compare`'s paired statistics); a comparison already made (`llmlab eval --baseline`) is used as is.
   */
  baseline?: RunRecord | BaselineComparison;
  /** Upper bound on the comment's length in UTF-16 code units (never below GitHub's count); default {@link DEFAULT_MAX_CHARS}. */
  maxChars?: number;
  /** Shown in the footer, e.g. `llmlab 0.1.0`. */
  generator?: string;
}

// src/report and dist/report both sit two levels below the package root, beside templates/.
const TEMPLATE = new URL('../../../templates/pr-comment.md.njk', import.meta.url);
let compiled: nunjucks.Template | undefined;

function template(): nunjucks.Template {
  if (compiled) return compiled;
  // Values arrive escaped by pr-comment/view.ts; HTML autoescaping would double-encode the entities.
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true });
  compiled = new nunjucks.Template(readFileSync(TEMPLATE, 'utf8'), env, TEMPLATE.pathname, true);
  return compiled;
}

/** Renders the PR comment of `run`; never longer than `maxChars`. */
export function renderMarkdownReport(store: Store, run: RunRecord, summary: RunSummary, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const baseline = options.baseline && ('id' in options.baseline ? compareWith(store, options.baseline, run) : options.baseline);
  const first = DETAIL_LEVELS[0]!;
  const changed = baseline && 'comparison' in baseline ? changedTests(baseline.comparison, 'regressed') : [];
  const regressed = new Set(changed.slice(0, first.items).map(cellKey));
  const cells = collectListedCells(store, run, {
    regressed,
    failed: baseline === undefined,
    maxItems: first.items,
    maxChars: first.outputChars,
  });
  const input: ViewInput = { run, summary, baseline, cells, generator: options.generator ?? 'llmlab' };
  let text = '';
  for (const [i, level] of DETAIL_LEVELS.entries()) {
    text = template().render({ ...buildView(input, level, i) });
    if (text.length <= maxChars) return text;
  }
  // Only a tiny maxChars gets here; the barest level has no open HTML block to cut through.
  const note = '\n\n… (cut to fit)\n';
  const cut = text.lastIndexOf('\n', maxChars - note.length);
  return `${text.slice(0, Math.max(cut, 0))}${note}`.slice(0, maxChars);
}

/** Writes the PR comment of `run` to `path`. */
export function writeMarkdownReport(path: string, store: Store, run: RunRecord, summary: RunSummary, options: MarkdownOptions = {}): void {
  writeTextAtomic(path, renderMarkdownReport(store, run, summary, options));
}

/** Runs with nothing in common still get a comment, saying so, rather than no comment at all. */
function compareWith(store: Store, baseline: RunRecord, run: RunRecord): BaselineComparison {
  const comparison = tryCompareRuns(store, baseline, run);
  if ('nothingInCommon' in comparison) return { unavailable: `baseline ${baseline.id} shares no cells with this run: no deltas` };
  return { comparison };
}
