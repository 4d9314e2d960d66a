/**
 * What the studio's event stream carries: one `cell` message per finished cell of the draft or its saved
 * version (output cut short, verdicts, cost), and at the end a `done` message with each version's pass rate per
 * provider (Wilson interval) and the paired comparison of the two (McNemar, from the run's stored summary).
 */
import type { TargetSummary } from '../report/model/totals.js';
import type { RunRecord } from '../store/index.js';
import type { CellResult } from '../types.js';
import type { ViewContext } from './context.js';

/** Model output beyond this many characters is cut from the stream (the stored run keeps it whole). */
export const OUTPUT_CHARS = 4000;

/** Prefix of the draft's prompt id in a studio run. */
export const DRAFT_PREFIX = 'draft:';

/** One finished cell, as the page shows it. Every string is shown as text. */
export interface StudioCell {
  promptId: string;
  draft: boolean;
  providerLabel: string;
  testId: string;
  repeat: number;
  status: CellResult['status'];
  output: string;
  /** True when `output` was cut at {@link OUTPUT_CHARS}. */
  truncated?: boolean;
  score: number;
  assertions: Array<{ metric: string; pass: boolean; reason?: string }>;
  cost: number;
  latencyMs: number;
  cached: boolean;
  error?: string;
  skipReason?: CellResult['skipReason'];
}

/** A message of the stream: its SSE event name and JSON data. */
export interface StudioMessage {
  event: 'cell' | 'budget' | 'done' | 'failed';
  data: unknown;
}

/** A cell of the run as the stream sends it. */
export function studioCell(cell: CellResult): StudioCell {
  const cut = cell.output.length > OUTPUT_CHARS;
  return {
    promptId: cell.promptId,
    draft: cell.promptId.startsWith(DRAFT_PREFIX),
    providerLabel: cell.providerLabel,
    testId: cell.testId,
    repeat: cell.repeatIndex,
    status: cell.status,
    output: cut ? cell.output.slice(0, OUTPUT_CHARS) : cell.output,
    ...(cut ? { truncated: true } : {}),
    score: cell.score,
    assertions: cell.assertions.map((a) => ({ metric: a.metric, pass: a.pass, ...(a.reason === undefined ? {} : { reason: a.reason }) })),
    cost: cell.cost + (cell.gradingCost ?? 0),
    latencyMs: cell.latencyMs,
    cached: cell.cached,
    ...(cell.error === undefined ? {} : { error: cell.error }),
    ...(cell.skipReason === undefined ? {} : { skipReason: cell.skipReason }),
  };
}

/** The `done` message's data. */
export interface StudioDone {
  runId: string;
  status: RunRecord['status'];
  /** USD of generation and grading. */
  cost: number;
  budget?: { limitUsd?: number; spentUsd: number; stopped: boolean; skippedCells: number };
  /** Per draft|saved × provider: the summary's counts, pass rate and cost (generation and grading). */
  targets: Array<
    Pick<TargetSummary, 'promptId' | 'providerLabel' | 'cells' | 'passed' | 'failed' | 'errors' | 'skipped' | 'passRate' | 'cost'> & {
      draft: boolean;
      interval: { low: number; high: number } | null;
    }
  >;
  /** Draft against saved on each provider, paired by test and repeat. */
  comparisons: Array<{
    providerLabel: string;
    n: number;
    passRateSaved: number;
    passRateDraft: number;
    /** Pairs only the saved version passed, and only the draft passed. */
    savedOnly: number;
    draftOnly: number;
    difference: { estimate: number; low: number; high: number };
    pValue: number;
    significant: boolean;
  }>;
}

/** The summary of a finished studio run (read from the store, as every page reads a run). */
export function studioDone(view: ViewContext, run: RunRecord, budget?: StudioDone['budget']): StudioDone {
  const summary = view.summary(run);
  const isDraft = (id: string) => id.startsWith(DRAFT_PREFIX);
  return {
    runId: run.id,
    status: run.status,
    cost: summary.cost + (summary.gradingCost ?? 0),
    ...(budget ? { budget } : {}),
    targets: summary.targets.map((t) => ({
      promptId: t.promptId,
      draft: isDraft(t.promptId),
      providerLabel: t.providerLabel,
      cells: t.cells,
      passed: t.passed,
      failed: t.failed,
      errors: t.errors,
      skipped: t.skipped,
      passRate: t.passRate,
      interval: t.passRateInterval ? { low: t.passRateInterval.low, high: t.passRateInterval.high } : null,
      cost: t.cost + (t.gradingCost ?? 0),
    })),
    comparisons: summary.comparisons
      .filter((c) => c.kind === 'prompt' && isDraft(c.a) !== isDraft(c.b))
      .map((c) => {
        // `a` is the one listed first; the draft is listed after its saved version, but do not rely on it.
        const flipped = isDraft(c.a);
        const d = c.difference;
        return {
          providerLabel: c.on,
          n: c.n,
          passRateSaved: flipped ? c.passRateB : c.passRateA,
          passRateDraft: flipped ? c.passRateA : c.passRateB,
          savedOnly: flipped ? c.bOnly : c.aOnly,
          draftOnly: flipped ? c.aOnly : c.bOnly,
          difference: flipped ? { estimate: -d.estimate, low: -d.high, high: -d.low } : { estimate: d.estimate, low: d.low, high: d.high },
          pValue: c.pValue,
          significant: c.significant,
        };
      }),
  };
}
