/**
 * The contract between the executor and the cells it runs (run-cell.ts, attack-cell.ts): what a run hands the
 * executor, and what the executor counts. Apart from executor.ts so that the cells can name these types without
 * importing the executor that imports them.
 */
import type { ResponseCache, RunWriter } from '../store/index.js';
import type { MediaSink, Provider } from '../types.js';
import type { BudgetGate } from './budget-gate.js';
import type { EventBus } from './events.js';
import type { TrainingRun } from './finetune-train.js';
import type { Grader } from './grade.js';
import type { JudgeStats } from './judge.js';
import type { LimitClock } from './limits-tokens.js';

/** What the executor needs besides the plan. */
export interface ExecuteOptions {
  providers: Map<string, Provider>;
  /** Grader and embedder instances by the key model-graded assertions name (see ResolvedSuite.graders). */
  graders?: Map<string, Provider>;
  grader: Grader;
  cache: ResponseCache;
  writer: RunWriter;
  events: EventBus;
  /** Global cap on model calls in flight. */
  concurrency: number;
  /** Read cached answers (answers are written either way). */
  readCache: boolean;
  /** Cells already finished (resume): not run again. */
  skip: ReadonlySet<string>;
  /** Aborting stops dispatching new cells; calls in flight finish and are saved. */
  stop: AbortSignal;
  /** Aborting also cancels calls in flight (second Ctrl-C). */
  abort: AbortSignal;
  /** While paused, no new cell is taken; calls in flight finish. */
  pause?: PauseGate;
  /** The run's budget: every uncached call reserves its worst case first; refused cells are skipped. */
  budget?: BudgetGate;
  /** Key (in `graders`) of the attacker model that drives multi-turn attacks and translation. */
  attacker?: string;
  /** Time for the providers' `tpm` windows; tests pass a fake one. Default: real time. */
  clock?: LimitClock;
  /**
   * The fine-tune stages: a tuned provider (ResolvedProvider.finetune) has no instance in `providers`; its cells
   * wait for `training.ready(label)`.
   */
  training?: Pick<TrainingRun, 'ready'>;
  /** The run's media store, where image generation providers put what they produce (GenerateContext.media). */
  media?: MediaSink;
}

/** Holds dispatch while `paused` (the TUI's `p`); `wait` settles on resume or when `signal` aborts. */
export interface PauseGate {
  readonly paused: boolean;
  wait(signal: AbortSignal): Promise<void>;
}

/** Counts of what the executor did, for the caller's summary. */
export interface ExecuteStats extends JudgeStats {
  finished: number;
  /** Generation calls made; judge calls are counted apart. */
  calls: number;
  cacheHits: number;
}
